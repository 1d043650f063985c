"""Bulk import and export of the register; included in the `enterprises` namespace under /enterprises/."""

from django.urls import path

from enterprises import transfer_views

urlpatterns = [
    path("import/", transfer_views.register_import, name="import"),
    path("import/template/<str:kind>/", transfer_views.import_template, name="import_template"),
    path("export/", transfer_views.register_export, name="export"),
]
