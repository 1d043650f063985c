from django.contrib import admin

from core.models import AuditEntry, CalendarDay, CalendarYear, DomainEvent, JobRun


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through the portal's services (which check the rules and audit each step): the
    admin shows them, never adds, changes or deletes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is written by the services only; here it can be searched, never changed."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["trail", "summary"]
    list_select_related = ["actor"]


@admin.register(DomainEvent)
class DomainEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "enterprise", "dispatched_at", "attempts", "error"]
    list_filter = ["kind"]
    search_fields = ["kind"]
    list_select_related = ["enterprise"]
