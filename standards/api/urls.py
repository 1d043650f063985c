"""Standardization API routes, under /api/v1/."""

from rest_framework.routers import DefaultRouter

from standards.api import views

router = DefaultRouter(trailing_slash=True)
router.register("standards/catalogue", views.StandardViewSet, basename="standard")
router.register("standards/declarations", views.DeclarationViewSet, basename="standard-declaration")
router.register("standards/outdated", views.OutdatedViewSet, basename="standard-outdated")
router.register("standards/projects", views.StandardProjectViewSet, basename="standard-project")
router.register("standards/public/declarations", views.PublicDeclarationViewSet, basename="standard-public-declaration")
urlpatterns = router.urls
