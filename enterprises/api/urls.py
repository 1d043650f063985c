from rest_framework.routers import DefaultRouter

from enterprises.api import views

router = DefaultRouter(trailing_slash=True)
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("licences", views.LicenceViewSet, basename="licence")
router.register("products", views.ProductViewSet, basename="product")
router.register("self-reports", views.SelfReportViewSet, basename="self-report")
router.register("districts", views.DistrictViewSet, basename="district")
router.register("responsibility-areas", views.ResponsibilityAreaViewSet, basename="responsibility-area")
router.register("industries", views.IndustryViewSet, basename="industry")

urlpatterns = router.urls
