"""Bulk import and export of the register (filled in by the import/export work)."""

urlpatterns: list = []
