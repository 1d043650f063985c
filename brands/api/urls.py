"""Brand cultivation API routes, under /api/v1/."""

from rest_framework.routers import DefaultRouter

from brands.api import views

router = DefaultRouter(trailing_slash=True)
router.register("brands/targets", views.CultivationTargetViewSet, basename="brand-target")
router.register("brands/programmes", views.ProgrammeViewSet, basename="brand-programme")
router.register("brands/applications", views.ApplicationViewSet, basename="brand-application")
router.register("brands/reviews", views.ReviewAssignmentViewSet, basename="brand-review")
router.register("brands/notices", views.NoticeViewSet, basename="brand-notice")
router.register("brands/objections", views.ObjectionViewSet, basename="brand-objection")
router.register("brands/honours", views.HonourViewSet, basename="brand-honour")
router.register("brands/revocations", views.RevocationProposalViewSet, basename="brand-revocation")
urlpatterns = router.urls
