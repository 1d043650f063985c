from django.contrib import admin

from core.models import CalendarDay, CalendarYear, JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "started_at", "finished_at", "worker"]
    list_filter = ["name", "status"]
    readonly_fields = ["name", "status", "started_at", "finished_at", "counts", "error", "worker"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "is_official", "source"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
