"""Special-equipment safety API routes, under /api/v1/."""

from rest_framework.routers import DefaultRouter

from equipment.api import views

router = DefaultRouter(trailing_slash=True)
router.register("equipment/categories", views.CategoryViewSet, basename="equipment-category")
router.register("equipment/public", views.PublicUnitStatusViewSet, basename="equipment-public")
router.register("equipment/units", views.UnitViewSet, basename="equipment-unit")

urlpatterns = router.urls
