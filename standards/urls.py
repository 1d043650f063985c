"""Standardization pages under /standards/, and the public's search under /public/standards/."""

from django.urls import path

from standards import views

app_name = "standards"
urlpatterns = [
    path("standards/", views.catalogue, name="catalogue"),
    path("standards/new/", views.standard_edit, name="standard_new"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("standards/load/", views.catalogue_upload, name="load"),
    path("standards/worklists/outdated/", views.worklist_outdated, name="outdated"),
    path("standards/worklists/undeclared/", views.worklist_undeclared, name="undeclared"),
    path("standards/worklists/to-check/", views.worklist_to_check, name="to_check"),
    path("standards/declarations/", views.declaration_list, name="declarations"),
    path("standards/declarations/<int:pk>/", views.declaration_detail, name="declaration"),
    path("standards/mine/", views.mine, name="mine"),
    path("standards/mine/declare/", views.declare, name="declare"),
    path(
        "standards/mine/products/<int:product_pk>/standards/<int:standard_pk>/",
        views.product_standard,
        name="product_standard",
    ),
    path("standards/projects/", views.project_list, name="projects"),
    path("standards/projects/new/", views.project_edit, name="project_new"),
    path("standards/projects/<int:pk>/", views.project_edit, name="project_edit"),
    path("standards/targets/", views.targets, name="targets"),
    path("public/standards/", views.public_search, name="public_search"),
]
