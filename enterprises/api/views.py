from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core.api.pagination import KeysFirstPagination
from core.api.permissions import ActionPermission
from enterprises import services
from enterprises.api.serializers import (
    DistrictSerializer,
    EnterpriseContactSerializer,
    EnterpriseSerializer,
    IndustrySerializer,
    LicenceRevokeSerializer,
    LicenceWriteSerializer,
    ProductSerializer,
    ResponsibilityAreaSerializer,
    ReviewSerializer,
    SelfReportSerializer,
)
from enterprises.filtersets import EnterpriseFilterSet
from enterprises.models import District, Enterprise, Industry, Licence, Product, ResponsibilityArea, SelfReport
from enterprises.selectors import register_queryset

REFERENCE_PERMISSIONS = {"list": "enterprises.view_reference_data", "retrieve": "enterprises.view_reference_data"}


class EnterpriseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The enterprise register. An enterprise user's token sees only its own enterprise and may change only its
    contact data; bureau staff create files and change every field. Files are never deleted."""

    filterset_class = EnterpriseFilterSet
    pagination_class = KeysFirstPagination  # a deep page computes the next expiry and prefetches for its rows alone
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "enterprises.list_enterprises",
        "retrieve": "enterprises.view_enterprise",
        "create": "enterprises.create_enterprise",
        "update": "enterprises.edit_contact",
        "partial_update": "enterprises.edit_contact",
    }
    ordering_fields = ["name", "credit_code", "created_at", "updated_at", "next_expiry"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return register_queryset(self.request.user).prefetch_related(
            Prefetch("licences", queryset=Licence.objects.order_by("expires_on", "pk")),
            Prefetch("products", queryset=Product.objects.prefetch_related("standards")),
            Prefetch("self_reports", queryset=SelfReport.objects.prefetch_related("attachments__report")),
        )

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and not self.request.user.has_perm(
            "enterprises.edit_identity", getattr(self, "_object", None)
        ):
            return EnterpriseContactSerializer
        return EnterpriseSerializer

    def get_object(self):
        # Remembered so that get_serializer_class can see whose file is being changed.
        self._object = super().get_object()
        return self._object

    def perform_create(self, serializer):
        serializer.instance = services.record_save(Enterprise(**serializer.validated_data), actor=self.request.user)

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        # An enterprise user changes only its contact data, but is answered with the whole file, as staff are.
        response.data = EnterpriseSerializer(self._object, context=self.get_serializer_context()).data
        return response

    def perform_update(self, serializer):
        for field, value in serializer.validated_data.items():
            setattr(serializer.instance, field, value)
        services.record_save(serializer.instance, actor=self.request.user)


class _OwnedByEnterpriseViewSet(viewsets.GenericViewSet):
    """Rows that belong to an enterprise: visible with the enterprise, permissions checked on the enterprise."""

    permission_classes = [ActionPermission]

    def get_permission_object(self, obj):
        return obj.enterprise

    def _enterprise_for_write(self, enterprise: Enterprise, rule: str) -> Enterprise:
        # The serializer already limited `enterprise` to those the user may see.
        if not self.request.user.has_perm(rule, enterprise):
            raise PermissionDenied
        return enterprise


class ProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    _OwnedByEnterpriseViewSet,
):
    """Products with the standards they follow (by code). Discontinue with `discontinue`; never deleted."""

    serializer_class = ProductSerializer
    filterset_fields = ["enterprise"]
    action_permissions = {
        "list": "enterprises.list_enterprises",
        "retrieve": "enterprises.view_enterprise",
        "create": "enterprises.list_enterprises",  # narrowed to the target enterprise in perform_create
        "update": "enterprises.manage_products",
        "partial_update": "enterprises.manage_products",
        "discontinue": "enterprises.manage_products",
    }

    def get_queryset(self):
        visible = Enterprise.objects.visible_to(self.request.user)
        return Product.objects.filter(enterprise__in=visible).prefetch_related("standards").order_by("pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        standards = data.pop("standards", [])
        self._enterprise_for_write(data["enterprise"], "enterprises.manage_products")
        serializer.instance = services.product_save(
            actor=self.request.user, product=Product(**data), standards=standards
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        standards = data.pop("standards", None)
        if "enterprise" in data and data["enterprise"] != serializer.instance.enterprise:
            raise ValidationError({"enterprise": [_("A product cannot move to another enterprise.")]})
        for field, value in data.items():
            setattr(serializer.instance, field, value)
        services.product_save(
            actor=self.request.user,
            product=serializer.instance,
            standards=serializer.instance.standards.all() if standards is None else standards,
        )

    @extend_schema(request=None, responses=ProductSerializer)
    @action(detail=True, methods=["post"])
    def discontinue(self, request, pk=None):
        product = services.product_discontinue(actor=request.user, product=self.get_object(), on=timezone.localdate())
        return Response(ProductSerializer(product).data)


class LicenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    _OwnedByEnterpriseViewSet,
):
    """Licences and certificates: everyone reads those of the enterprises they may see; bureau staff record and
    correct them (a renewal is a new expiry date, kept in the change history). Never deleted."""

    serializer_class = LicenceWriteSerializer
    filterset_fields = ["enterprise", "kind"]
    action_permissions = {
        "list": "enterprises.list_enterprises",
        "retrieve": "enterprises.view_enterprise",
        "create": "enterprises.list_enterprises",  # narrowed to bureau staff in perform_create
        "update": "enterprises.record_licence",
        "partial_update": "enterprises.record_licence",
        "revoke": "enterprises.record_licence",
    }

    def get_queryset(self):
        visible = Enterprise.objects.visible_to(self.request.user)
        return Licence.objects.filter(enterprise__in=visible).order_by("expires_on", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self._enterprise_for_write(data["enterprise"], "enterprises.record_licence")
        serializer.instance = services.record_save(Licence(**data), actor=self.request.user)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "enterprise" in data and data["enterprise"] != serializer.instance.enterprise:
            raise ValidationError({"enterprise": [_("A licence cannot move to another enterprise.")]})
        for field, value in data.items():
            setattr(serializer.instance, field, value)
        services.record_save(serializer.instance, actor=self.request.user)

    @extend_schema(request=LicenceRevokeSerializer, responses=LicenceWriteSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Record that the issuing authority revoked the licence: it stays on file, marked revoked with the reason
        (and counts against the enterprise's credit grade)."""
        licence = self.get_object()
        body = LicenceRevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        licence = services.licence_revoke(
            actor=request.user,
            licence=licence,
            on=body.validated_data["revoked_on"],
            reason=body.validated_data["revocation_reason"],
        )
        return Response(LicenceWriteSerializer(licence, context=self.get_serializer_context()).data)


class SelfReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _OwnedByEnterpriseViewSet
):
    """Quarterly quality self-inspection reports: the enterprise submits, bureau staff accept or return them."""

    serializer_class = SelfReportSerializer
    filterset_fields = ["enterprise", "status", "year", "quarter"]
    action_permissions = {
        "list": "enterprises.list_enterprises",
        "retrieve": "enterprises.view_enterprise",
        "create": "enterprises.list_enterprises",  # narrowed to the enterprise's own user in perform_create
        "review": "enterprises.review_self_report",
    }

    def get_queryset(self):
        visible = Enterprise.objects.visible_to(self.request.user)
        return (
            SelfReport.objects.filter(enterprise__in=visible)
            .prefetch_related("attachments__report")
            .order_by("-year", "-quarter", "pk")
        )

    def perform_create(self, serializer):
        values = dict(serializer.validated_data)
        enterprise = self._enterprise_for_write(values.pop("enterprise"), "enterprises.submit_self_report")
        # Posting the quarter of a returned report resubmits it, corrected.
        serializer.instance = services.self_report_submit(
            actor=self.request.user, enterprise=enterprise, values=values, files=[]
        )

    @extend_schema(request=ReviewSerializer, responses=SelfReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        review = ReviewSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        report = services.self_report_review(
            actor=request.user,
            report=self.get_object(),
            accept=review.validated_data["decision"] == "accept",
            comment=review.validated_data["comment"],
        )
        return Response(SelfReportSerializer(report).data, status=status.HTTP_200_OK)


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    permission_classes = [ActionPermission]
    action_permissions = REFERENCE_PERMISSIONS
    filterset_fields = ["code"]


class ResponsibilityAreaViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ResponsibilityArea.objects.select_related("officer")
    serializer_class = ResponsibilityAreaSerializer
    permission_classes = [ActionPermission]
    action_permissions = REFERENCE_PERMISSIONS
    filterset_fields = ["district"]


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    permission_classes = [ActionPermission]
    action_permissions = REFERENCE_PERMISSIONS
    filterset_fields = ["section", "code"]
