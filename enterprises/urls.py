from django.urls import include, path

from enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("mine/", views.own_enterprise, name="own"),
    path("worklist/licences/", views.licence_worklist_view, name="licence_worklist"),
    path("worklist/self-reports/", views.self_report_queue, name="report_queue"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/products/new/", views.product_edit, name="product_create"),
    path("<int:pk>/products/<int:product_pk>/", views.product_edit, name="product_edit"),
    path("<int:pk>/products/<int:product_pk>/discontinue/", views.product_discontinue, name="product_discontinue"),
    path("<int:pk>/staff/new/", views.quality_staff_edit, name="staff_create"),
    path("<int:pk>/staff/<int:member_pk>/", views.quality_staff_edit, name="staff_edit"),
    path("<int:pk>/standards/new/", views.standard_file, name="standard_file"),
    path("<int:pk>/licences/new/", views.licence_edit, name="licence_create"),
    path("<int:pk>/licences/<int:licence_pk>/", views.licence_edit, name="licence_edit"),
    path("<int:pk>/licences/<int:licence_pk>/revoke/", views.licence_revoke, name="licence_revoke"),
    path("<int:pk>/penalties/new/", views.penalty_create, name="penalty_create"),
    path("<int:pk>/interviews/new/", views.interview_create, name="interview_create"),
    path("<int:pk>/<str:kind>/<int:record_pk>/void/", views.sanction_void, name="sanction_void"),
    path("<int:pk>/reports/new/", views.self_report_submit, name="report_create"),
    path("<int:pk>/reports/<int:report_pk>/", views.self_report_detail, name="report"),
    path(
        "<int:pk>/reports/<int:report_pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/reports/<int:report_pk>/resubmit/", views.self_report_submit, name="report_resubmit"),
    path("", include("enterprises.transfer_urls")),
]
