"""Special-equipment safety: the bureau's and using units' pages under /equipment/, the public status page of a
registered unit under /public/equipment/."""

from django.urls import path

from equipment import views

app_name = "equipment"
urlpatterns = [
    path("equipment/", views.unit_list, name="list"),
    path("equipment/export.xlsx", views.unit_export, name="export"),
    path("equipment/new/", views.unit_new, name="new"),
    path("equipment/<int:pk>/", views.unit_detail, name="unit"),
    path("equipment/registrations/", views.registration_queue, name="registrations"),
    path("equipment/operators/", views.operator_list, name="operators"),
    path("equipment/import/", views.import_view, name="import"),
    path("equipment/import/template/<str:kind>.xlsx", views.import_template_view, name="import_template"),
    path("public/equipment/", views.public_lookup, name="public_lookup"),
    path("public/equipment/<str:number>/", views.public_status, name="public_status"),
]
