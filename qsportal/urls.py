from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from qsportal import views

admin.site.site_header = _("QS Portal administration")
admin.site.site_title = _("QS Portal")

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("core.api.urls")),
    path("", include("enterprises.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("credit.api.urls")),
    path("", include("brands.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("equipment.api.urls")),
    path("", include("metrology.api.urls")),
    path("", include("standards.api.urls")),
    path("", include("portal.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("", include("inspections.urls")),
    path("", include("credit.urls")),
    path("", include("brands.urls")),
    path("", include("brands.public_urls")),
    path("", include("complaints.urls")),
    path("", include("equipment.urls")),
    path("", include("metrology.urls")),
    path("", include("standards.urls")),
    path("", include("portal.urls")),
    path("", include("analysis.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
