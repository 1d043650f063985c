"""Metrology's pages under /metrology/, and the public status page (no login) under /public/metrology/."""

from django.urls import path

from metrology import views

app_name = "metrology"
urlpatterns = [
    path("metrology/instruments/", views.instrument_list, name="instruments"),
    path("metrology/instruments/new/", views.instrument_new, name="instrument_new"),
    path("metrology/instruments/<int:pk>/", views.instrument_detail, name="instrument"),
    path("metrology/instruments/<int:pk>/edit/", views.instrument_edit, name="instrument_edit"),
    path("metrology/instruments/<int:pk>/accept/", views.instrument_accept, name="instrument_accept"),
    path("metrology/instruments/<int:pk>/return/", views.instrument_return, name="instrument_return"),
    path("metrology/instruments/<int:pk>/retire/", views.instrument_retire, name="instrument_retire"),
    path(
        "metrology/instruments/<int:pk>/used-after-failure/",
        views.instrument_used_after_failure,
        name="instrument_used_after_failure",
    ),
    path("metrology/instruments/<int:pk>/verifications/new/", views.verification_new, name="verification_new"),
    path("metrology/verifications/import/", views.verification_import, name="verification_import"),
    path("metrology/net-content/<int:lab_test_id>/", views.net_content, name="net_content"),
    path("metrology/due/", views.due_overview, name="due"),
    path("metrology/rates/", views.rates, name="rates"),
    path("public/metrology/status/", views.public_status, name="public_status"),
    path("public/metrology/status/<str:number>/", views.public_certificate, name="public_certificate"),
]
