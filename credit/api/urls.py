"""Credit grading API routes, under /api/v1/."""

from rest_framework.routers import DefaultRouter

from credit.api import views

router = DefaultRouter(trailing_slash=True)
router.register("credit/grades", views.CreditGradeViewSet, basename="credit-grade")
router.register("credit/models", views.ScoringModelViewSet, basename="scoring-model")
router.register("credit/overrides", views.GradeOverrideViewSet, basename="grade-override")
router.register("credit/listing-grounds", views.ListingGroundViewSet, basename="listing-ground")
router.register("credit/blacklist", views.BlacklistEntryViewSet, basename="blacklist-entry")
router.register("credit/repairs", views.CreditRepairViewSet, basename="credit-repair")
router.register("credit/warnings", views.RiskWarningViewSet, basename="risk-warning")
router.register("credit/runs", views.CreditRunViewSet, basename="credit-run")

urlpatterns = router.urls
