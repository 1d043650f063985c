"""Metrology API routes, under /api/v1/."""

from rest_framework.routers import DefaultRouter

from metrology.api import views

router = DefaultRouter(trailing_slash=True)
router.register("metrology/categories", views.InstrumentCategoryViewSet, basename="metrology-category")
router.register("metrology/instruments", views.InstrumentViewSet, basename="metrology-instrument")
router.register("metrology/rates", views.VerificationRateViewSet, basename="metrology-rate")
router.register("metrology/status", views.PublicStatusViewSet, basename="metrology-status")
urlpatterns = router.urls
