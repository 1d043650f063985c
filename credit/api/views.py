"""The credit API. Thin: each view validates its input with a serializer, calls the service in credit.services
(which checks who may act and from which state, audits, and emits the event the grade follows), and renders the result.
Reads go through the models' `visible_to`, so a record that is not the caller's answers 404 like a missing one."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.permissions import ActionPermission
from core.api.validation import valid_body as _valid
from core.models import JobRun
from credit import services
from credit.api import serializers
from credit.choices import GradeCause
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
    RiskWarning,
    ScoringModel,
)


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

    @extend_schema(request=None, responses=serializers.CreditGradeSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def recalculate(self, request, enterprise=None):
        """Recompute this enterprise's grade and risk now (history names staff as the cause when it changes)."""
        grade = self.get_object()
        services.recalculate_enterprises([grade.enterprise_id], cause=GradeCause.MANUAL)
        grade = self.get_queryset().get(pk=grade.pk)
        return Response(serializers.CreditGradeSerializer(grade, context=self.get_serializer_context()).data)


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


class BlacklistEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The dishonesty list (失信名单). Public to every signed-in user; staff also read removed entries and an
    enterprise its own. Staff list an enterprise; the enterprise applies for credit repair once allowed."""

    serializer_class = serializers.BlacklistEntrySerializer
    action_permissions = {
        "create": "credit.manage_blacklist",
        "repairs": "credit.apply_repair",
    }
    filterset_class = BlacklistEntryFilterSet
    ordering_fields = ["published_on", "listed_at"]
    ordering = ["-published_on", "-id"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            # The list is published: any signed-in user reads it, `visible_to` decides which entries.
            return [IsAuthenticated()]
        return [ActionPermission()]

    def get_queryset(self):
        return BlacklistEntry.objects.visible_to(self.request.user).select_related("enterprise")

    @extend_schema(request=serializers.BlacklistAddSerializer, responses={201: serializers.BlacklistEntrySerializer})
    def create(self, request, *args, **kwargs):
        """List an enterprise on a listed ground (published at once): its grade becomes C."""
        body = dict(_valid(serializers.BlacklistAddSerializer, request, context=self.get_serializer_context()))
        enterprise = body.pop("enterprise")
        entry = services.blacklist_add(actor=request.user, enterprise=enterprise, values=body)
        return Response(
            serializers.BlacklistEntrySerializer(self.get_queryset().get(pk=entry.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request={"multipart/form-data": serializers.RepairApplySerializer},
        responses={201: serializers.CreditRepairSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser], filter_backends=[])
    def repairs(self, request, pk=None):
        """The enterprise applies for credit repair, with the measures taken and supporting files."""
        entry = self.get_object()
        body = _valid(serializers.RepairApplySerializer, request)
        repair = services.repair_apply(
            actor=request.user, entry=entry, statement=body["statement"], files=body["files"]
        )
        repair = _repairs_visible_to(request.user).get(pk=repair.pk)
        return Response(serializers.CreditRepairSerializer(repair).data, status=status.HTTP_201_CREATED)


def _repairs_visible_to(user):
    return CreditRepair.objects.visible_to(user).select_related("entry__enterprise").prefetch_related("attachments")


class CreditRepairViewSet(viewsets.ReadOnlyModelViewSet):
    """Credit repair applications: staff decide them with a note; approval takes the enterprise off the list."""

    serializer_class = serializers.CreditRepairSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "credit.list_grades",
        "retrieve": "credit.view_grade",
        "approve": "credit.decide_repair",
        "reject": "credit.decide_repair",
    }
    filterset_class = CreditRepairFilterSet
    ordering_fields = ["applied_at", "decided_at"]
    ordering = ["-applied_at", "-id"]

    def get_queryset(self):
        return _repairs_visible_to(self.request.user)

    def get_permission_object(self, repair):
        return repair.entry.enterprise if self.action == "retrieve" else repair

    def _decide(self, request, approve: bool) -> Response:
        repair = self.get_object()
        body = _valid(serializers.NoteSerializer, request)
        repair = services.repair_decide(actor=request.user, repair=repair, approve=approve, note=body["note"])
        return Response(serializers.CreditRepairSerializer(self.get_queryset().get(pk=repair.pk)).data)

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.CreditRepairSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve with the grounds: the entry is removed from the list and the grade recalculated."""
        return self._decide(request, approve=True)

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.CreditRepairSerializer)
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
