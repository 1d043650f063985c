"""The open-data API routes, under /api/v1/public/."""

from rest_framework.routers import DefaultRouter

from portal.api import views

router = DefaultRouter(trailing_slash=True)
router.register("public/results", views.PublicResultViewSet, basename="public-result")
router.register("public/campaigns", views.PublicCampaignViewSet, basename="public-campaign")
router.register("public/blacklist", views.PublicBlacklistViewSet, basename="public-blacklist")
router.register("public/honours", views.PublicHonourViewSet, basename="public-honour")
router.register("public/enterprises", views.PublicEnterpriseViewSet, basename="public-enterprise")
urlpatterns = router.urls
