from django.contrib import admin

from core.admin import ReadOnlyAdmin
from inspections.models import Campaign, ConflictDeclaration, Draw, Laboratory, Task


@admin.register(Laboratory)
class LaboratoryAdmin(admin.ModelAdmin):
    """Administrators keep the approved laboratories and who works at each."""

    list_display = ["name", "accreditation", "is_approved"]
    list_filter = ["is_approved"]
    search_fields = ["name", "accreditation"]
    filter_horizontal = ["technicians"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "status", "batches", "period_start", "period_end"]
    list_filter = ["status", "year"]
    search_fields = ["title"]


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "number", "status", "pool_size", "committed_at", "drawn_at"]
    list_filter = ["status"]
    # Secret until revealed (the public draw page shows them then); the pseudonym key and who was drawn by name
    # are for the bureau's own pages, not the admin.
    exclude = ["seed", "result", "pseudonym_key", "assignments", "drawn", "exclusions"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "enterprise", "kind", "status", "verdict", "due_on"]
    list_filter = ["status", "kind", "verdict"]
    list_select_related = ["campaign", "enterprise"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["inspector", "enterprise", "reason", "declared_at", "withdrawn_at"]
    list_select_related = ["inspector", "enterprise"]
