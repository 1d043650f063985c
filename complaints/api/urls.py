"""Complaints API routes, under /api/v1/. The public endpoints come first: the staff complaints' ids are digits,
so complaints/public/ and complaints/track/ never read as one."""

from rest_framework.routers import DefaultRouter

from complaints.api import views

router = DefaultRouter(trailing_slash=True)
router.register("complaints/public", views.PublicComplaintViewSet, basename="complaint-public")
router.register("complaints/track", views.ComplaintTrackViewSet, basename="complaint-track")
router.register("complaints/reward-claims", views.RewardClaimViewSet, basename="complaint-reward-claim")
router.register("complaints/nominations", views.NominationViewSet, basename="nomination")
router.register("complaints", views.ComplaintViewSet, basename="complaint")

urlpatterns = router.urls
