"""The metrology API. Reads go through the models' access rules (another owner's instrument answers 404 like a
missing one); writes through metrology.services (a refusal is a 403, a rule broken a 400 with the field errors).
The public checks a certificate without signing in."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from core.api.permissions import ActionPermission
from core.api.validation import valid_body
from metrology import selectors, services
from metrology.api import serializers
from metrology.filtersets import InstrumentFilterSet


class InstrumentCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The categories of the national catalogue of instruments under compulsory control, with their intervals."""

    permission_classes = [ActionPermission]
    action_permissions = {"list": "metrology.list", "retrieve": "metrology.list"}
    serializer_class = serializers.InstrumentCategorySerializer
    lookup_field = "code"
    filter_backends: list = []

    def get_queryset(self):
        return selectors.categories()


class InstrumentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Instruments under compulsory verification: staff read all, an owner its own; owners and the metrology
    section file them; the section accepts or returns a filing, records verifications and retires instruments.
    `not_for_trade` says whether the instrument must not be used for trade settlement."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "metrology.list",
        "retrieve": "metrology.list",
        "create": "metrology.file",
        "partial_update": "metrology.edit_instrument",
        "accept": "metrology.manage",
        "return_filing": "metrology.manage",
        "retire": "metrology.manage",
        "verify": "metrology.manage",
        "verifications": "metrology.read_instrument",
    }
    serializer_class = serializers.InstrumentSerializer
    filterset_class = InstrumentFilterSet
    ordering_fields = ["next_due_on", "last_verified_on", "serial"]
    ordering = ["next_due_on", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.instruments_visible(self.request.user)

    def _render(self, instrument, status: int = 200) -> Response:
        instrument = self.get_queryset().get(pk=instrument.pk)
        return Response(serializers.InstrumentSerializer(instrument).data, status=status)

    @extend_schema(request=serializers.InstrumentFileSerializer, responses={201: serializers.InstrumentSerializer})
    def create(self, request, *args, **kwargs):
        body = valid_body(serializers.InstrumentFileSerializer, request)
        return self._render(services.instrument_file(actor=request.user, **body), status=201)

    @extend_schema(request=serializers.InstrumentUpdateSerializer, responses=serializers.InstrumentSerializer)
    def partial_update(self, request, *args, **kwargs):
        instrument = self.get_object()
        body = valid_body(serializers.InstrumentUpdateSerializer, request)
        return self._render(services.instrument_update(actor=request.user, instrument=instrument, **body))

    @extend_schema(request=None, responses=serializers.InstrumentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        """Accept an owner's filing."""
        return self._render(services.instrument_accept(actor=request.user, instrument=self.get_object()))

    @extend_schema(request=serializers.InstrumentReasonSerializer, responses=serializers.InstrumentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], url_path="return", url_name="return")
    def return_filing(self, request, pk=None):
        """Return an owner's filing for correction, with the reason."""
        instrument = self.get_object()
        body = valid_body(serializers.InstrumentReasonSerializer, request)
        return self._render(
            services.instrument_return(actor=request.user, instrument=instrument, comment=body["reason"])
        )

    @extend_schema(request=serializers.InstrumentReasonSerializer, responses=serializers.InstrumentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def retire(self, request, pk=None):
        """Take an instrument out of use, with the reason (kept on file)."""
        instrument = self.get_object()
        body = valid_body(serializers.InstrumentReasonSerializer, request)
        return self._render(
            services.instrument_retire(actor=request.user, instrument=instrument, reason=body["reason"])
        )

    @extend_schema(
        request=serializers.VerificationRecordSerializer, responses={201: serializers.VerificationSerializer}
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        """Record a verification (the certificate, or the notice of failure)."""
        instrument = self.get_object()
        body = valid_body(serializers.VerificationRecordSerializer, request)
        body["valid_until_on"] = body.pop("valid_until")
        verification = services.verification_record(actor=request.user, instrument=instrument, **body)
        return Response(serializers.VerificationSerializer(verification).data, status=201)

    @extend_schema(responses=serializers.VerificationSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def verifications(self, request, pk=None):
        """The instrument's verifications, the latest first."""
        instrument = self.get_object()
        rows = selectors.verifications_of(instrument, request.user)
        return Response(serializers.VerificationSerializer(rows, many=True).data)


class VerificationRateViewSet(viewsets.GenericViewSet):
    """The verification rate of the instruments in use, by category and district."""

    permission_classes = [ActionPermission]
    action_permissions = {"list": "metrology.view_all"}
    serializer_class = serializers.RateSerializer
    filter_backends: list = []
    pagination_class = None

    def list(self, request):
        rows = selectors.verification_rates(today=timezone.localdate())
        data = [
            {
                "category": row["category__name"],
                "district": row["district__name"],
                "total": row["total"],
                "valid": row["valid"],
                "rate": row["rate"],
            }
            for row in rows
        ]
        return Response(serializers.RateSerializer(data, many=True).data)


class PublicStatusThrottle(AnonRateThrottle):
    rate = "60/hour"


class PublicStatusViewSet(viewsets.GenericViewSet):
    """An instrument's verification status by its certificate number, for anyone (no login)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PublicStatusThrottle]
    serializer_class = serializers.PublicStatusSerializer
    filter_backends: list = []
    lookup_field = "number"
    lookup_value_regex = "[^/]{1,64}"

    def retrieve(self, request, number=None):
        instrument = selectors.instrument_by_certificate(number)
        if instrument is None:
            raise Http404
        instrument.not_for_trade = instrument.not_for_trade_on(timezone.localdate())
        return Response(serializers.PublicStatusSerializer(instrument).data)
