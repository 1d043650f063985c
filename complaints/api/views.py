"""The complaints API. Staff (and inspectors, for the complaints assigned to them) read complaints through
`Complaint.objects.visible_to` (anyone else's answers 404 like a missing one) and move them on through
complaints.services (a refusal is a 403, a rule broken a 400 with the field errors). The public files complaints
and follows them by number, and nominates products for testing, without signing in: those endpoints are
throttled per caller, harder than the web form since the API cannot ask the anti-spam question."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from complaints import services
from complaints.api import serializers
from complaints.filtersets import ComplaintFilterSet
from complaints.forms import normalise_number, open_nomination_counts
from complaints.models import Complaint, ComplaintPhoto
from complaints.views.public import FILINGS, LOOKUPS, NOMINATIONS, PUBLIC_FIELDS
from core.api.parsers import FormParser, JSONParser, MultiPartParser
from core.api.permissions import ActionPermission
from core.api.validation import checked as _valid

# Until REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] names these scopes, these rates apply.
FALLBACK_RATES = {
    "complaints_file": "5/hour",  # filing without the web form's question
    "complaints_track": "30/hour",  # following by number: enough for people, too few to enumerate numbers
    "complaints_nominate": "10/hour",
}
TOP_NOMINATIONS = 20


class ComplaintsRateThrottle(ScopedRateThrottle):
    """The public endpoints' limits per caller (IP address, or account), by the view's `throttle_scope`, as
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] says or else FALLBACK_RATES."""

    def get_rate(self) -> str:
        # Read at each request rather than from the class attribute bound at import, so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or FALLBACK_RATES[self.scope]


def _actor(request):
    return request.user if request.user.is_authenticated else None


class ComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    """Complaints and tips: staff read all, an inspector those assigned to them, each with its clocks. Staff accept
    a received one (linking the enterprise and product, assigning who handles it) or turn it down (a complaint on
    a ground of SAMR Order 20 Art 15); the handler or staff end a complaint's mediation or decide on a tip (an
    outcome about an enterprise moves its credit grade and risk); a leader extends a tip's decision period once and
    records the reward for a tip about a major violation that led to a case; staff record that a named tipster was
    told the decision."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "complaints.list",
        "retrieve": "complaints.list",
        "photo": "complaints.list",
        "accept": "complaints.triage",
        "reject": "complaints.triage",
        "update_links": "complaints.triage",
        "resolve": "complaints.resolve",
        "reward": "complaints.reward",
        "extend": "complaints.extend",
        "notify_tipster": "complaints.triage",
    }
    filterset_class = ComplaintFilterSet
    ordering_fields = ["received_at", "closed_at"]
    ordering = ["-received_at", "-id"]
    lookup_value_regex = "[0-9]+"  # leaves complaints/public/ and complaints/track/ to the public endpoints

    def get_queryset(self):
        complaints = Complaint.objects.visible_to(self.request.user).select_related(
            "district", "enterprise", "assigned_to"
        )
        if self.action == "list":
            return complaints
        return complaints.prefetch_related("photos")

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ComplaintSerializer
        return serializers.ComplaintDetailSerializer

    def _render(self, complaint) -> Response:
        complaint = self.get_queryset().get(pk=complaint.pk)
        return Response(serializers.ComplaintDetailSerializer(complaint).data)

    def _links(self, request, complaint, *, keep: bool) -> dict:
        body = _valid(serializers.LinkSerializer, request, context=self.get_serializer_context()).validated_data
        names = ("enterprise", "product", "assigned_to")
        if keep:  # a field left out keeps its value
            return {name: body[name] if name in body else getattr(complaint, name) for name in names}
        return {name: body.get(name) for name in names}

    @extend_schema(request=serializers.LinkSerializer, responses=serializers.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        """Accept a received complaint for handling, with the enterprise and product it concerns (when known) and
        who handles it."""
        complaint = self.get_object()
        links = self._links(request, complaint, keep=False)
        return self._render(services.complaint_accept(actor=request.user, complaint=complaint, **links))

    @extend_schema(request=serializers.LinkSerializer, responses=serializers.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], url_path="update", url_name="update")
    def update_links(self, request, pk=None):
        """Change the enterprise, product or handler of a complaint being handled."""
        complaint = self.get_object()
        links = self._links(request, complaint, keep=True)
        return self._render(services.complaint_update(actor=request.user, complaint=complaint, **links))

    @extend_schema(request=serializers.RejectSerializer, responses=serializers.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        """Do not accept a received complaint, telling the complainant why (shown on the tracking page)."""
        complaint = self.get_object()
        body = _valid(serializers.RejectSerializer, request).validated_data
        complaint = services.complaint_reject(
            actor=request.user, complaint=complaint, reply=body["reply"], reason=body["reason"]
        )
        return self._render(complaint)

    @extend_schema(request=serializers.ResolveSerializer, responses=serializers.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request, pk=None):
        """Close a complaint being handled with its outcome and the reply to the complainant."""
        complaint = self.get_object()
        body = _valid(serializers.ResolveSerializer, request).validated_data
        complaint = services.complaint_resolve(
            actor=request.user,
            complaint=complaint,
            outcome=body["outcome"],
            reply=body["reply"],
            led_to_case=body["led_to_case"],
            major_violation=body["major_violation"],
            note=body["note"],
        )
        return self._render(complaint)

    @extend_schema(request=serializers.ExtendSerializer, responses=serializers.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def extend(self, request, pk=None):
        """Extend a tip's period for the decision whether to open a case, once, with the reason (a leader)."""
        complaint = self.get_object()
        body = _valid(serializers.ExtendSerializer, request).validated_data
        return self._render(services.tip_extend(actor=request.user, complaint=complaint, reason=body["reason"]))

    @extend_schema(request=serializers.NotifySerializer, responses=serializers.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], url_path="notify-tipster", url_name="notify-tipster")
    def notify_tipster(self, request, pk=None):
        """Record that the named tipster was told the decision, and how."""
        complaint = self.get_object()
        body = _valid(serializers.NotifySerializer, request).validated_data
        return self._render(services.tipster_notify(actor=request.user, complaint=complaint, how=body["how"]))

    @extend_schema(request=serializers.RewardSerializer, responses=serializers.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reward(self, request, pk=None):
        """Record the reward for a tip about a major violation that led to a case, for a named and reachable
        tipster (a leader)."""
        complaint = self.get_object()
        body = _valid(serializers.RewardSerializer, request).validated_data
        complaint = services.reward_record(
            actor=request.user, complaint=complaint, amount=body["amount"], note=body["note"]
        )
        return self._render(complaint)

    @extend_schema(
        parameters=[OpenApiParameter("photo", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The photo.")},
    )
    @action(detail=True, methods=["get"], filter_backends=[], url_path=r"photos/(?P<photo>[0-9]+)", url_name="photo")
    def photo(self, request, pk=None, photo=None):
        """Download one of the complaint's photos."""
        complaint = self.get_object()
        stored = get_object_or_404(ComplaintPhoto, pk=photo, complaint=complaint)
        response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)
        response["Content-Security-Policy"] = "sandbox"  # a file from the public never runs in the portal's origin
        return response


class PublicComplaintViewSet(viewsets.GenericViewSet):
    """File a complaint or counterfeit tip without signing in (multipart, with photos). Answers with the tracking
    number to follow it by. Throttled per caller."""

    serializer_class = serializers.ComplaintFileSerializer
    permission_classes = [AllowAny]
    throttle_classes = [ComplaintsRateThrottle]
    throttle_scope = "complaints_file"
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filter_backends = []
    pagination_class = None
    queryset = Complaint.objects.none()

    @extend_schema(
        request={
            "multipart/form-data": serializers.ComplaintFileSerializer,
            "application/json": serializers.ComplaintFileSerializer,
        },
        responses={201: serializers.ComplaintReceiptSerializer},
    )
    def create(self, request):
        """File a complaint (投诉: name, phone, address and the business complained about required) or a tip (举报:
        anonymous if wished). An anonymous tip may ask for a reward code, returned this once."""
        if not FILINGS.take(request):  # the same count per address as the web form, which also asks a question
            raise Throttled()
        body = _valid(serializers.ComplaintFileSerializer, request)
        complaint = services.complaint_file(
            values=body.values(), photos=body.validated_data["photos"], actor=_actor(request)
        )
        return Response(serializers.ComplaintReceiptSerializer(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintTrackViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A complaint's public status by its tracking number: kind, product, received date, status, and once closed
    the outcome and the reply. Throttled per caller, so numbers cannot be enumerated."""

    serializer_class = serializers.PublicComplaintSerializer
    permission_classes = [AllowAny]
    throttle_classes = [ComplaintsRateThrottle]
    throttle_scope = "complaints_track"
    lookup_field = "tracking_number"
    lookup_value_regex = "[A-Za-z0-9-]{1,32}"
    filter_backends = []
    queryset = Complaint.objects.only(*PUBLIC_FIELDS)

    def get_object(self):
        number = normalise_number(self.kwargs["tracking_number"])
        return get_object_or_404(self.get_queryset(), tracking_number=number)


class RewardClaimViewSet(viewsets.GenericViewSet):
    """An anonymous tipster names themself with the tracking number and the reward code given at filing, so that a
    reward can reach them. A wrong number or code is the same 400; limited per caller like following by number."""

    serializer_class = serializers.RewardClaimSerializer
    permission_classes = [AllowAny]
    throttle_classes = [ComplaintsRateThrottle]
    throttle_scope = "complaints_track"
    filter_backends = []
    pagination_class = None
    queryset = Complaint.objects.none()

    @extend_schema(request=serializers.RewardClaimSerializer, responses={201: serializers.PublicComplaintSerializer})
    def create(self, request):
        """Claim a tip's reward with its reward code (once)."""
        if not LOOKUPS.take(request):
            raise Throttled()
        body = _valid(serializers.RewardClaimSerializer, request).validated_data
        complaint = services.reward_claim(
            number=normalise_number(body["number"]),
            code=body["code"],
            name=body["name"],
            phone=body["phone"],
            actor=_actor(request),
        )
        return Response(serializers.PublicComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class NominationViewSet(viewsets.GenericViewSet):
    """你点我检: anyone nominates a product for testing and reads the most nominated open products; staff take the
    open nominations of chosen products into a draft campaign's product list."""

    filter_backends = []
    pagination_class = None
    throttle_classes = [ComplaintsRateThrottle]
    action_permissions = {"adopt": "complaints.adopt_nominations"}

    @property
    def throttle_scope(self) -> str | None:
        return "complaints_nominate" if self.action == "create" else None  # reading and adopting are not limited

    def get_permissions(self):
        if self.action in ("list", "create"):
            return [AllowAny()]
        return [ActionPermission()]

    def get_serializer_class(self):
        return {
            "create": serializers.NominationSubmitSerializer,
            "adopt": serializers.AdoptSerializer,
        }.get(self.action, serializers.NominationCountSerializer)

    def get_queryset(self):
        return open_nomination_counts(TOP_NOMINATIONS)

    @extend_schema(responses=serializers.NominationCountSerializer(many=True))
    def list(self, request):
        """The most nominated open products (at most 20), with their number of nominations."""
        return Response(serializers.NominationCountSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        request=serializers.NominationSubmitSerializer, responses={201: serializers.NominationReceiptSerializer}
    )
    def create(self, request):
        """Nominate a product for testing."""
        if not NOMINATIONS.take(request):  # shared with the web form
            raise Throttled()
        body = _valid(serializers.NominationSubmitSerializer, request).validated_data
        nomination = services.nomination_submit(values=dict(body), actor=_actor(request))
        return Response(serializers.NominationReceiptSerializer(nomination).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.AdoptSerializer, responses=serializers.AdoptResultSerializer)
    @action(detail=False, methods=["post"])
    def adopt(self, request):
        """Take the open nominations of these products into a draft campaign's product list (each product once)."""
        body = _valid(serializers.AdoptSerializer, request).validated_data
        campaign = body["campaign"]
        adopted = services.nominations_adopt(actor=request.user, campaign=campaign, product_names=body["product_names"])
        campaign.refresh_from_db(fields=["product_categories"])
        result = {"campaign": campaign.pk, "adopted": adopted, "product_categories": campaign.categories()}
        return Response(serializers.AdoptResultSerializer(result).data)
