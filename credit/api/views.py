"""The credit API. Thin: each view validates its input with a serializer, calls the service in credit.services
(which checks who may act and from which state, audits, and emits the event the grade follows), and renders the result.
Reads go through the models' `visible_to`, so a record that is not the caller's answers 404 like a missing one."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.notices import PaperServiceSerializer
from core.api.parsers import FormParser, JSONParser, MultiPartParser
from core.api.permissions import ActionPermission
from core.api.validation import valid_body as _valid
from core.models import JobRun
from core.notices import may_open
from credit import services
from credit.api import serializers
from credit.choices import BlacklistStatus, GradeCause
from credit.filtersets import (
    BlacklistEntryFilterSet,
    CreditGradeFilterSet,
    CreditRepairFilterSet,
    CreditRunFilterSet,
    GradeOverrideFilterSet,
    RiskWarningFilterSet,
)
from credit.models import (
    BlacklistEntry,
    CreditGrade,
    CreditRepair,
    GradeChange,
    GradeOverride,
    ListingGround,
    RiskWarning,
    ScoringModel,
)
from enterprises.selectors import penalty_by_decision_number


class CreditGradeViewSet(viewsets.ReadOnlyModelViewSet):
    """Credit grades, by enterprise id: staff read every grade, an enterprise its own. The detail carries the
    explanation (each indicator's contribution, the vetoes, the thresholds and what would change the grade)."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "credit.list_grades",
        "retrieve": "credit.view_grade",
        "history": "credit.view_grade",
        "recalculate": "credit.recalculate",
    }
    # By enterprise id, compared as the enterprise's own key so that an id beyond 64 bits is "not found".
    lookup_field = "enterprise__pk"
    lookup_url_kwarg = "enterprise"
    filterset_class = CreditGradeFilterSet
    ordering_fields = ["score", "risk_score", "changed_at", "enterprise"]
    ordering = ["enterprise"]

    def get_queryset(self):
        return CreditGrade.objects.visible_to(self.request.user).select_related("enterprise", "override", "model")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.CreditGradeDetailSerializer
        return serializers.CreditGradeSerializer

    def get_permission_object(self, grade):
        return grade.enterprise

    @extend_schema(responses=serializers.GradeChangeSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, enterprise=None):
        """Every change of the grade, newest first: when, why, by which model version, under which override."""
        grade = self.get_object()
        changes = GradeChange.objects.filter(enterprise_id=grade.enterprise_id).select_related("model")
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(serializers.GradeChangeSerializer(page, many=True).data)

    @extend_schema(
        request=None, responses={200: serializers.CreditGradeSerializer, 202: serializers.CreditGradeSerializer}
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def recalculate(self, request, enterprise=None):
        """Recompute this enterprise's grade and risk now (history names staff as the cause when it changes).
        While a full recalculation is running the answer comes at once, 202 with the grade as it stands: the
        enterprise is recalculated as soon as that run ends."""
        grade = self.get_object()
        outcome = services.recalculate_enterprises([grade.enterprise_id], cause=GradeCause.MANUAL)
        grade = self.get_queryset().get(pk=grade.pk)
        data = serializers.CreditGradeSerializer(grade, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED if outcome.deferred else status.HTTP_200_OK)


class ScoringModelViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Versions of the scoring model, by version number. Never edited: a leader issues a new version, effective
    from a date (today at the earliest)."""

    serializer_class = serializers.ScoringModelSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "credit.view_model",
        "retrieve": "credit.view_model",
        "create": "credit.change_model",
    }
    lookup_field = "version"
    filter_backends = []
    queryset = ScoringModel.objects.all()

    def perform_create(self, serializer):
        serializer.instance = services.scoring_model_create(
            actor=self.request.user, values=dict(serializer.validated_data)
        )


class GradeOverrideViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Grades set by staff instead of the computed one: a supervisor or leader requests, another leader approves
    or rejects; staff end one early. An enterprise reads the overrides that applied to it."""

    serializer_class = serializers.GradeOverrideSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "credit.list_grades",
        "retrieve": "credit.view_grade",
        "create": "credit.request_override",
        "approve": "credit.approve_override",
        "reject": "credit.approve_override",
        "end": "credit.end_override",
    }
    filterset_class = GradeOverrideFilterSet
    ordering_fields = ["requested_at", "expires_on"]
    ordering = ["-requested_at", "-id"]

    def get_queryset(self):
        return GradeOverride.objects.visible_to(self.request.user).select_related("enterprise")

    def get_permission_object(self, override):
        # Reading is decided on the enterprise; approving on the override itself (never its requester).
        return override.enterprise if self.action == "retrieve" else override

    def _render(self, override, code=status.HTTP_200_OK) -> Response:
        override = self.get_queryset().get(pk=override.pk)
        return Response(serializers.GradeOverrideSerializer(override).data, status=code)

    @extend_schema(request=serializers.OverrideRequestSerializer, responses={201: serializers.GradeOverrideSerializer})
    def create(self, request, *args, **kwargs):
        """Request an override: the grade, the reason and the expiry date (a year at most)."""
        body = _valid(serializers.OverrideRequestSerializer, request, context=self.get_serializer_context())
        override = services.override_request(
            actor=request.user,
            enterprise=body["enterprise"],
            grade=body["grade"],
            reason=body["reason"],
            expires_on=body["expires_on"],
        )
        return self._render(override, status.HTTP_201_CREATED)

    def _decide(self, request, approve: bool) -> Response:
        override = self.get_object()
        body = _valid(serializers.NoteSerializer, request)
        return self._render(
            services.override_decide(actor=request.user, override=override, approve=approve, note=body["note"])
        )

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.GradeOverrideSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (a leader other than the requester): the override's grade applies at once."""
        return self._decide(request, approve=True)

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.GradeOverrideSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject, saying why."""
        return self._decide(request, approve=False)

    @extend_schema(request=serializers.OverrideEndSerializer, responses=serializers.GradeOverrideSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End an override before its expiry (or withdraw a request): the computed grade applies again."""
        override = self.get_object()
        body = _valid(serializers.OverrideEndSerializer, request)
        return self._render(services.override_end(actor=request.user, override=override, reason=body["reason"]))


class ListingGroundViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The grounds of the serious-dishonesty list: staff read them, a leader adds and edits them (never deletes:
    a ground no longer applied is made inactive)."""

    serializer_class = serializers.ListingGroundSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "credit.view_grades",
        "retrieve": "credit.view_grades",
        "create": "credit.change_grounds",
        "update": "credit.change_grounds",
        "partial_update": "credit.change_grounds",
    }
    queryset = ListingGround.objects.all()
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.listing_ground_save(actor=self.request.user, values=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.listing_ground_save(
            actor=self.request.user, ground=serializer.instance, values=serializer.validated_data
        )


class BlacklistEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The serious-dishonesty list (严重违法失信名单). Listed entries are read by every signed-in user (what the
    listing decision published); staff read every entry, an enterprise its own once notified, with the procedure.
    A supervisor proposes (`POST`), staff serve the notice (`notify`), the enterprise files its statement
    (`statement`; staff record a paper answer the same way), staff record the upper level's consent where required
    (`consent`), a leader decides (`decide`); once a year has passed the enterprise applies for early removal
    (`repairs`)."""

    serializer_class = serializers.BlacklistEntrySerializer
    action_permissions = {
        "create": "credit.propose_listing",
        "notify": "credit.manage_blacklist",
        "serve_on_paper": "credit.manage_blacklist",
        "statement": "credit.file_statement",
        "consent": "credit.manage_blacklist",
        "decide": "credit.decide_listing",
        "repairs": "credit.apply_repair",
    }
    filterset_class = BlacklistEntryFilterSet
    ordering_fields = ["published_on", "proposed_at"]
    ordering = ["-published_on", "-id"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            # The list is published: any signed-in user reads it, `visible_to` decides which entries.
            return [IsAuthenticated()]
        return [ActionPermission()]

    def get_queryset(self):
        return BlacklistEntry.objects.visible_to(self.request.user).select_related("enterprise", "ground", "penalty")

    def _render(self, entry, code=status.HTTP_200_OK) -> Response:
        data = self.get_serializer(self.get_queryset().get(pk=entry.pk)).data
        return Response(data, status=code)

    @extend_schema(request=serializers.ListingProposeSerializer, responses={201: serializers.BlacklistEntrySerializer})
    def create(self, request, *args, **kwargs):
        """Propose a listing on a ground in force, resting on a heavier administrative penalty of the enterprise."""
        body = dict(_valid(serializers.ListingProposeSerializer, request, context=self.get_serializer_context()))
        enterprise = body.pop("enterprise")
        values = {
            "ground": body["ground"],
            "penalty": penalty_by_decision_number(enterprise.pk, body["penalty_decision_number"]),
            "facts": body["facts"],
        }
        entry = services.listing_propose(actor=request.user, enterprise=enterprise, values=values)
        return self._render(entry, status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        """An entry; the enterprise's first read of its notice serves it (the statement period starts)."""
        entry = self.get_object()
        if entry.status == BlacklistStatus.NOTIFIED and not entry.is_served and may_open(request.user, entry):
            entry = services.listing_notice_open(actor=request.user, entry=entry)
        return self._render(entry)

    @extend_schema(
        request={"multipart/form-data": PaperServiceSerializer}, responses=serializers.BlacklistEntrySerializer
    )
    @action(
        detail=True,
        methods=["post"],
        filter_backends=[],
        url_path="serve-on-paper",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def serve_on_paper(self, request, pk=None):
        """Staff record that the enterprise received the notice on paper: the receipt date and its signed scan."""
        entry = self.get_object()
        body = _valid(PaperServiceSerializer, request)
        entry = services.listing_notice_serve_on_paper(
            actor=request.user, entry=entry, received_on=body["received_on"], proof=body["proof"]
        )
        return self._render(entry)

    @extend_schema(request=serializers.NoticeSerializer, responses=serializers.BlacklistEntrySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def notify(self, request, pk=None):
        """Issue the notice: the period for a statement and defence starts when the enterprise receives it."""
        entry = self.get_object()
        body = _valid(serializers.NoticeSerializer, request)
        return self._render(
            services.listing_notify(actor=request.user, entry=entry, notice_number=body["notice_number"])
        )

    @extend_schema(request=serializers.StatementSerializer, responses=serializers.BlacklistEntrySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def statement(self, request, pk=None):
        """The enterprise files its statement and defence within the period; staff record a paper answer."""
        entry = self.get_object()
        body = _valid(serializers.StatementSerializer, request)
        return self._render(services.listing_statement(actor=request.user, entry=entry, statement=body["statement"]))

    @extend_schema(request=serializers.ConsentSerializer, responses=serializers.BlacklistEntrySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def consent(self, request, pk=None):
        """Record the upper level's consent (only where DISHONESTY_LIST_UPPER_CONSENT is on)."""
        entry = self.get_object()
        body = _valid(serializers.ConsentSerializer, request)
        entry = services.listing_consent(
            actor=request.user, entry=entry, reference=body["reference"], consent_on=body["consent_on"]
        )
        return self._render(entry)

    @extend_schema(request=serializers.ListingDecisionSerializer, responses=serializers.BlacklistEntrySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request, pk=None):
        """A leader lists the enterprise (published under the listing decision number) or decides not to."""
        entry = self.get_object()
        body = _valid(serializers.ListingDecisionSerializer, request)
        entry = services.listing_decide(
            actor=request.user,
            entry=entry,
            list_it=body["list"],
            reasons=body["reasons"],
            decision_number=body["decision_number"],
            published_on=body["published_on"],
        )
        return self._render(entry)

    @extend_schema(
        request={"multipart/form-data": serializers.RepairApplySerializer},
        responses={201: serializers.CreditRepairDetailSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser], filter_backends=[])
    def repairs(self, request, pk=None):
        """The enterprise applies for early removal, a year after publication at the earliest."""
        entry = self.get_object()
        body = _valid(serializers.RepairApplySerializer, request)
        repair = services.repair_apply(
            actor=request.user, entry=entry, statement=body["statement"], files=body["files"]
        )
        repair = _repairs_visible_to(request.user).get(pk=repair.pk)
        return Response(serializers.CreditRepairDetailSerializer(repair).data, status=status.HTTP_201_CREATED)


def _repairs_visible_to(user):
    return (
        CreditRepair.objects.visible_to(user)
        .select_related("entry__enterprise", "entry__penalty")
        .prefetch_related("attachments")
    )


class CreditRepairViewSet(viewsets.ReadOnlyModelViewSet):
    """Early-removal applications (提前移出): staff attest the conditions the record does not hold (`attest`); a
    leader approves (every condition must hold) or rejects, with the grounds."""

    serializer_class = serializers.CreditRepairSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "credit.list_grades",
        "retrieve": "credit.view_grade",
        "attest": "credit.manage_blacklist",
        "approve": "credit.decide_repair",
        "reject": "credit.decide_repair",
    }
    filterset_class = CreditRepairFilterSet
    ordering_fields = ["applied_at", "decided_at"]
    ordering = ["-applied_at", "-id"]

    def get_queryset(self):
        return _repairs_visible_to(self.request.user)

    def get_serializer_class(self):
        # The conditions read the record (a query per application): on one application, not on the list.
        return serializers.CreditRepairSerializer if self.action == "list" else serializers.CreditRepairDetailSerializer

    def get_permission_object(self, repair):
        return repair.entry.enterprise if self.action == "retrieve" else repair

    def _render(self, repair) -> Response:
        return Response(serializers.CreditRepairDetailSerializer(self.get_queryset().get(pk=repair.pk)).data)

    @extend_schema(request=serializers.AttestSerializer, responses=serializers.CreditRepairDetailSerializer)
    @action(detail=True, methods=["post"])
    def attest(self, request, pk=None):
        """Staff attest whether the penalty is fulfilled and the harm removed, with how each was checked."""
        repair = self.get_object()
        body = _valid(serializers.AttestSerializer, request)
        return self._render(services.repair_attest(actor=request.user, repair=repair, **body))

    def _decide(self, request, approve: bool) -> Response:
        repair = self.get_object()
        body = _valid(serializers.NoteSerializer, request)
        return self._render(
            services.repair_decide(actor=request.user, repair=repair, approve=approve, note=body["note"])
        )

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.CreditRepairDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve with the grounds: the entry is removed from the list and the grade recalculated."""
        return self._decide(request, approve=True)

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.CreditRepairDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with the grounds: the enterprise stays on the list."""
        return self._decide(request, approve=False)


class RiskWarningViewSet(viewsets.ReadOnlyModelViewSet):
    """Early warnings (预警) for staff: an enterprise whose risk jumped, or an industry whose failure rate in a
    district rose above its baseline. Staff acknowledge each with a note."""

    serializer_class = serializers.RiskWarningSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "credit.view_warnings",
        "retrieve": "credit.view_warnings",
        "acknowledge": "credit.acknowledge_warning",
    }
    filterset_class = RiskWarningFilterSet
    ordering_fields = ["raised_at", "value"]
    ordering = ["-raised_at", "-id"]

    def get_queryset(self):
        warnings = RiskWarning.objects.select_related("enterprise", "industry", "district")
        # Staff only: anyone else finds no warning at all, as if none existed.
        return warnings if self.request.user.has_perm("credit.view_warnings") else warnings.none()

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.RiskWarningSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        warning = self.get_object()
        body = _valid(serializers.NoteSerializer, request)
        warning = services.warning_acknowledge(actor=request.user, warning=warning, note=body["note"])
        return Response(serializers.RiskWarningSerializer(self.get_queryset().get(pk=warning.pk)).data)


class CreditRunViewSet(viewsets.ReadOnlyModelViewSet):
    """The records the credit recalculations leave: start, end, counts and any error."""

    serializer_class = serializers.CreditRunSerializer
    permission_classes = [ActionPermission]
    action_permissions = {"list": "credit.view_runs", "retrieve": "credit.view_runs"}
    filterset_class = CreditRunFilterSet
    ordering_fields = ["started_at", "finished_at"]
    ordering = ["-started_at", "-id"]

    def get_queryset(self):
        runs = JobRun.objects.filter(name__startswith="credit.")
        return runs if self.request.user.has_perm("credit.view_runs") else runs.none()
