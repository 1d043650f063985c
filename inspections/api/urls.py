"""Spot-check API routes, under /api/v1/."""

from rest_framework.routers import DefaultRouter

from inspections.api import offline, views

router = DefaultRouter(trailing_slash=True)
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("test-items", views.TestItemViewSet, basename="test-item")
router.register("draws", views.DrawViewSet, basename="draw")
router.register("redraw-requests", views.RedrawRequestViewSet, basename="redraw-request")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("results", views.LabTestViewSet, basename="result")
router.register("objections", views.ObjectionViewSet, basename="objection")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("province-reports", views.ProvinceReportViewSet, basename="province-report")
router.register("decision-proposals", views.DecisionProposalViewSet, basename="decision-proposal")
router.register("published-results", views.PublishedResultViewSet, basename="published-result")
router.register("conflicts", views.ConflictViewSet, basename="conflict")
router.register("sampling-uploads", offline.SamplingUploadViewSet, basename="sampling-upload")
router.register("custody", offline.CustodyViewSet, basename="custody")
router.register("retained-samples", offline.RetainedSampleViewSet, basename="retained-sample")

urlpatterns = router.urls
