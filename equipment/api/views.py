"""The equipment API. Units are read through `Unit.objects.visible_to` (anyone else's is a 404, like a missing
one) and changed through equipment.services (a refusal is a 403, a rule broken a 400 with the field errors). The
public reads a registered unit's inspection status by its registration number, without signing in, throttled."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from core.api.permissions import ActionPermission
from core.api.validation import valid_body
from equipment import selectors, services
from equipment.api import serializers
from equipment.choices import RegistrationStatus
from equipment.filtersets import UnitFilterSet
from equipment.models import Inspection, Registration, Unit

FALLBACK_PUBLIC_RATE = "60/min"


class PublicStatusThrottle(ScopedRateThrottle):
    """The public status lookup's limit per caller, as REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public"] says."""

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES.get("public") or FALLBACK_PUBLIC_RATE


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The eight categories of the catalogue with their periodic-inspection interval (data the bureau edits)."""

    permission_classes = [ActionPermission]
    action_permissions = {"list": "equipment.list", "retrieve": "equipment.list"}
    serializer_class = serializers.CategorySerializer
    queryset = selectors.categories()
    pagination_class = None
    filter_backends = []


class UnitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The register of special equipment: staff of the section and leaders read and change all, other supervisors
    read, a using unit reads its own and enters and applies for the registration of its own units. Each unit says
    whether it `must_not_be_used` (in use while overdue or failed)."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "equipment.list",
        "retrieve": "equipment.list",
        "create": "equipment.add_unit",
        "apply": "equipment.list",  # the service checks the unit (a using unit's own, or staff)
        "accept": "equipment.manage",
        "return_registration": "equipment.manage",
        "inspections": "equipment.manage",
        "status_set": "equipment.manage",
    }
    filterset_class = UnitFilterSet
    ordering_fields = ["equipment_code", "next_inspection_due", "put_into_use_on"]
    ordering = ["equipment_code", "id"]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        units = selectors.units_visible_to(self.request.user)
        if self.action == "list":
            return units
        return units.prefetch_related(
            Prefetch("registrations", queryset=Registration.objects.order_by("-applied_at", "-pk")),
            Prefetch("inspections", queryset=Inspection.objects.order_by("-inspected_on", "-pk")),
        )

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.UnitSerializer
        if self.action == "create":
            return serializers.UnitCreateSerializer
        return serializers.UnitDetailSerializer

    def _render(self, unit, code=status.HTTP_200_OK) -> Response:
        unit = self.get_queryset().get(pk=unit.pk)
        return Response(serializers.UnitDetailSerializer(unit, context=self.get_serializer_context()).data, code)

    @extend_schema(request=serializers.UnitCreateSerializer, responses={201: serializers.UnitDetailSerializer})
    def create(self, request, *args, **kwargs):
        values = valid_body(serializers.UnitCreateSerializer, request, context=self.get_serializer_context())
        unit = services.unit_register(actor=request.user, values=values)
        return self._render(unit, status.HTTP_201_CREATED)

    def _pending(self, unit) -> Registration:
        pending = unit.registrations.filter(status=RegistrationStatus.APPLIED).first()
        if pending is None:
            raise ValidationError({"registration": ["No application for this unit is waiting for a decision."]})
        return pending

    @extend_schema(request=serializers.ApplySerializer, responses=serializers.UnitDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def apply(self, request, pk=None):
        """The using unit (or staff) applies for the unit's use registration."""
        unit = self.get_object()
        body = valid_body(serializers.ApplySerializer, request)
        services.registration_apply(actor=request.user, unit=unit, note=body["note"])
        return self._render(unit)

    @extend_schema(request=serializers.AcceptSerializer, responses=serializers.UnitDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        """Staff accept the waiting application and issue the certificate number."""
        unit = self.get_object()
        body = valid_body(serializers.AcceptSerializer, request)
        services.registration_accept(
            actor=request.user, registration=self._pending(unit), certificate_number=body["certificate_number"]
        )
        return self._render(unit)

    @extend_schema(request=serializers.ReturnSerializer, responses=serializers.UnitDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], url_path="return", url_name="return")
    def return_registration(self, request, pk=None):
        """Staff return the waiting application with the reason."""
        unit = self.get_object()
        body = valid_body(serializers.ReturnSerializer, request)
        services.registration_return(actor=request.user, registration=self._pending(unit), reason=body["reason"])
        return self._render(unit)

    @extend_schema(request=serializers.InspectionRecordSerializer, responses={201: serializers.UnitDetailSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def inspections(self, request, pk=None):
        """Record a periodic inspection's result; a pass sets the next date one category interval later."""
        unit = self.get_object()
        body = valid_body(serializers.InspectionRecordSerializer, request)
        services.inspection_record(actor=request.user, unit=unit, **body)
        return self._render(unit, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.StatusSerializer, responses=serializers.UnitDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], url_path="status", url_name="status")
    def status_set(self, request, pk=None):
        """Stop the unit, put it back in use, scrap it or cancel its registration."""
        unit = self.get_object()
        body = valid_body(serializers.StatusSerializer, request)
        services.unit_status_set(actor=request.user, unit=unit, **body)
        return self._render(unit)


class PublicUnitStatusViewSet(viewsets.GenericViewSet):
    """A registered unit's inspection status by its use-registration number, as the QR code on its certificate
    links to: no sign-in, throttled per address. An unknown number is a 404."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicStatusThrottle]
    throttle_scope = "public"
    serializer_class = serializers.PublicUnitSerializer
    lookup_field = "registration_number"
    lookup_value_regex = r"[^/]{1,32}"
    queryset = Unit.objects.none()
    filter_backends = []
    pagination_class = None

    @extend_schema(responses={200: serializers.PublicUnitSerializer, 404: OpenApiResponse(description="Not found")})
    def retrieve(self, request, registration_number=None):
        unit = selectors.unit_published(registration_number)
        if unit is None:
            get_object_or_404(Unit.objects.none())
        return Response(serializers.PublicUnitSerializer(unit).data)
