from django.urls import path

from analysis import views

app_name = "analysis"
urlpatterns = [
    path("analysis/dashboard/", views.dashboard, name="dashboard"),
    path("analysis/dashboard/export/", views.dashboard_export, name="dashboard_export"),
    path("analysis/dashboard/refresh/", views.dashboard_refresh, name="dashboard_refresh"),
    path("analysis/report/", views.report, name="report"),
    path("analysis/report/pdf/", views.report_pdf, name="report_pdf"),
]
