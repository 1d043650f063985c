from django.contrib import admin

from enterprises.models import District, Enterprise, Industry, Licence, ResponsibilityArea


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ResponsibilityArea)
class ResponsibilityAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "officer"]
    list_filter = ["district"]
    list_select_related = ["district", "officer"]
    search_fields = ["name"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "section", "name", "name_en"]
    list_filter = ["section"]
    search_fields = ["code", "name"]


class LicenceInline(admin.TabularInline):
    model = Licence
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """Read-only here: the register is kept through the portal's own forms so every change is traced."""

    list_display = ["name", "credit_code", "district", "scale", "status"]
    list_filter = ["district", "scale", "status"]
    list_select_related = ["district"]
    search_fields = ["name", "credit_code"]
    inlines = [LicenceInline]
