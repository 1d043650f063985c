"""The spot-check API. Thin: each view validates its input with a serializer, calls the service (which checks who
may act and from which state, and audits), and renders the result. Reads go through the models' `visible_to`, so
a record that is not the caller's answers 404 exactly like one that does not exist."""

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import Role
from core.api.notices import PaperServiceSerializer
from core.api.parsers import FormParser, JSONParser, MultiPartParser
from core.api.permissions import ActionPermission
from core.api.validation import valid_body as _valid
from core.notices import may_open
from inspections import selectors
from inspections.api import serializers
from inspections.api.offline import SamplingConflictError, SamplingJSONParser
from inspections.choices import LabTestStatus
from inspections.filtersets import FollowUpFilterSet, LabTestFilterSet, PublishedResultFilterSet, TaskFilterSet
from inspections.models import (
    Campaign,
    CampaignReferral,
    ConflictDeclaration,
    Draw,
    ItemResult,
    LabTest,
    Objection,
    ProvinceReport,
    PublishedResult,
    RedrawRequest,
    TestItem,
)
from inspections.models.tasks import SAMPLING_FIELDS
from inspections.sampling_documents import sampling_record_pdf, seal_labels_pdf
from inspections.services import campaigns, draws, followups, publication, sampling, testing


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ConflictErrorSerializer(drf_serializers.Serializer):
    """409: the task changed while the phone was offline; `error.code` says how (task_cancelled, already_filed,
    key_reused) and `error.message` why."""

    error = drf_serializers.DictField(child=drf_serializers.CharField())


def _is(user, role: str) -> bool:
    return getattr(user, "role", None) == role


class CampaignViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Spot-check campaigns: planned by supervisors (changed only while draft), approved and closed by a leader,
    drawn, started and published by staff."""

    serializer_class = serializers.CampaignSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.view_campaigns",
        "retrieve": "inspections.view_campaigns",
        "create": "inspections.plan_campaign",
        "update": "inspections.plan_campaign",
        "partial_update": "inspections.plan_campaign",
        "approve": "inspections.approve_campaign",
        "start": "inspections.start_campaign",
        "close": "inspections.close_campaign",
        "commit_draw": "inspections.perform_draw",
        "request_redraw": "inspections.request_redraw",
        "referrals": "inspections.plan_campaign",
        "publish": "inspections.publish_results",
    }
    filterset_fields = ["year", "status", "is_food"]
    ordering_fields = ["year", "title", "period_start", "period_end", "created_at"]
    ordering = ["-year", "-id"]

    def get_queryset(self):
        return selectors.campaign_list().prefetch_related(
            Prefetch("items", queryset=TestItem.objects.select_related("standard")),
            Prefetch("roster", queryset=User.objects.only("pk")),
            Prefetch("referrals", queryset=CampaignReferral.objects.select_related("enterprise")),
        )

    def _reloaded(self, campaign):
        # With its counts and items as the list shows them.
        return self.get_queryset().get(pk=campaign.pk)

    def _render(self, campaign, code=status.HTTP_200_OK) -> Response:
        return Response(
            serializers.CampaignSerializer(self._reloaded(campaign), context=self.get_serializer_context()).data, code
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        roster = data.pop("roster", [])
        campaign = campaigns.campaign_save(actor=self.request.user, campaign=Campaign(**data), roster=roster)
        serializer.instance = self._reloaded(campaign)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        roster = data.pop("roster", None)
        campaign = serializer.instance
        for field, value in data.items():
            setattr(campaign, field, value)
        campaigns.campaign_save(actor=self.request.user, campaign=campaign, roster=roster)
        serializer.instance = self._reloaded(campaign)

    @extend_schema(request=serializers.ApproveSerializer, responses=serializers.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """A leader approves the plan, with an optional opinion (审批意见)."""
        campaign = self.get_object()
        body = _valid(serializers.ApproveSerializer, request)
        return self._render(campaigns.campaign_approve(actor=request.user, campaign=campaign, opinion=body["opinion"]))

    @extend_schema(request=None, responses=serializers.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._render(campaigns.campaign_start(actor=request.user, campaign=self.get_object()))

    @extend_schema(request=serializers.CloseSerializer, responses=serializers.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        campaign = self.get_object()
        body = _valid(serializers.CloseSerializer, request)
        return self._render(campaigns.campaign_close(actor=request.user, campaign=campaign, note=body["note"]))

    @extend_schema(request=serializers.CommitDrawSerializer, responses={201: serializers.DrawDetailSerializer})
    @action(detail=True, methods=["post"], url_path="commit-draw")
    def commit_draw(self, request, pk=None):
        """Freeze the pool and publish the commitment to a secret seed (a re-draw needs an approved request). An
        attempt that cannot be made is recorded as a failed draw, public with its reason, and answers 400."""
        campaign = self.get_object()
        body = _valid(serializers.CommitDrawSerializer, request)
        draw = draws.draw_commit(actor=request.user, campaign=campaign, witness=body["witness"])
        return Response(
            serializers.DrawDetailSerializer(draw, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=serializers.RedrawRequestCreateSerializer, responses={201: serializers.RedrawRequestSerializer}
    )
    @action(detail=True, methods=["post"], url_path="request-redraw")
    def request_redraw(self, request, pk=None):
        """Ask, in writing, to redo the campaign's draw; a leader approves or rejects the request."""
        campaign = self.get_object()
        body = _valid(serializers.RedrawRequestCreateSerializer, request)
        redraw = draws.redraw_request(actor=request.user, campaign=campaign, reason=body["reason"])
        return Response(serializers.RedrawRequestSerializer(redraw).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ReferralCreateSerializer, responses={201: serializers.CampaignReferralSerializer}
    )
    @action(detail=True, methods=["post"])
    def referrals(self, request, pk=None):
        """Flag an enterprise into the draw (a complaint, a referral or a risk alert)."""
        campaign = self.get_object()
        body = _valid(serializers.ReferralCreateSerializer, request, context=self.get_serializer_context())
        referral = campaigns.referral_add(
            actor=request.user,
            campaign=campaign,
            enterprise=body["enterprise"],
            source=body["source"],
            note=body["note"],
        )
        return Response(serializers.CampaignReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.PublishSerializer, responses=serializers.PublishedCountSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish final results not yet published: all of them, or the tasks listed."""
        campaign = self.get_object()
        body = _valid(serializers.PublishSerializer, request)
        count = publication.results_publish(actor=request.user, campaign=campaign, task_ids=body.get("task_ids"))
        return Response(serializers.PublishedCountSerializer({"published": count}).data)


class TestItemViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Test items of campaigns; added, changed and removed only while the campaign is a draft."""

    serializer_class = serializers.TestItemSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.view_campaigns",
        "retrieve": "inspections.view_campaigns",
        "create": "inspections.plan_campaign",
        "update": "inspections.plan_campaign",
        "partial_update": "inspections.plan_campaign",
        "destroy": "inspections.plan_campaign",
    }
    filterset_fields = ["campaign", "limit_kind"]
    ordering_fields = ["position", "name"]
    ordering = ["campaign", "position", "id"]

    def get_queryset(self):
        return TestItem.objects.select_related("standard")

    def perform_create(self, serializer):
        serializer.instance = campaigns.test_item_save(
            actor=self.request.user, item=TestItem(**serializer.validated_data)
        )

    def perform_update(self, serializer):
        for field, value in serializer.validated_data.items():
            setattr(serializer.instance, field, value)
        campaigns.test_item_save(actor=self.request.user, item=serializer.instance)

    def perform_destroy(self, instance):
        campaigns.test_item_remove(actor=self.request.user, item=instance)


class DrawViewSet(viewsets.ReadOnlyModelViewSet):
    """Draws are public records: the commitment and inputs from the start, the seed and result once drawn."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.view_draws",
        "retrieve": "inspections.view_draws",
        "bundle": "inspections.view_draws",
        "perform": "inspections.perform_draw",
        "mine": "inspections.view_own_draws",
    }
    filterset_fields = ["campaign", "status"]
    ordering_fields = ["committed_at", "drawn_at", "number"]
    ordering = ["campaign", "number"]

    def get_queryset(self):
        rows = Draw.objects.select_related("campaign").defer("pseudonym_key", "assignments")
        return rows.defer("inputs") if self.action == "list" else rows

    def get_serializer_class(self):
        return serializers.DrawSerializer if self.action == "list" else serializers.DrawDetailSerializer

    def get_permission_object(self, draw):
        return draw.campaign  # drawing is a step of the campaign

    @extend_schema(responses=serializers.DrawBundleSerializer)
    @action(detail=True, methods=["get"])
    def bundle(self, request, pk=None):
        """Everything needed to re-run the draw and check it against the commitment."""
        draw = self.get_object()
        return Response(draw.verification_bundle(reveal=draw.is_revealed_to(request.user)))

    @extend_schema(responses=serializers.DrawMembershipSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)  # a plain list, as the schema says
    def mine(self, request):
        """For an enterprise user: its own place in each draw made (opening, pseudonym, stratum), nobody else's."""
        rows = [
            {"draw": draw.pk, "campaign": draw.campaign_id, **membership}
            for draw, membership in selectors.own_draw_memberships(request.user)
        ]
        return Response(serializers.DrawMembershipSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=serializers.DrawDetailSerializer)
    @action(detail=True, methods=["post"])
    def perform(self, request, pk=None):
        """Reveal the seed and create the tasks of the drawn enterprises."""
        draw = draws.draw_perform(actor=request.user, draw=self.get_object())
        return Response(serializers.DrawDetailSerializer(draw, context=self.get_serializer_context()).data)


class RedrawRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Re-draw requests: staff read them; a leader (not the requester) approves or rejects each with a reason."""

    serializer_class = serializers.RedrawRequestSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.view_campaigns",
        "retrieve": "inspections.view_campaigns",
        "approve": "inspections.decide_redraw",
        "reject": "inspections.decide_redraw",
    }
    filterset_fields = ["campaign", "status"]
    ordering_fields = ["requested_at"]
    ordering = ["-requested_at", "-id"]
    queryset = RedrawRequest.objects.select_related("campaign")

    def _decide(self, request, *, approve: bool) -> Response:
        redraw = self.get_object()
        body = _valid(serializers.RedrawDecisionSerializer, request)
        redraw = draws.redraw_decide(actor=request.user, request=redraw, approve=approve, note=body["note"])
        return Response(serializers.RedrawRequestSerializer(redraw).data)

    @extend_schema(request=serializers.RedrawDecisionSerializer, responses=serializers.RedrawRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the re-draw, with a reason: the supervisor may then publish a new commitment."""
        return self._decide(request, approve=True)

    @extend_schema(request=serializers.RedrawDecisionSerializer, responses=serializers.RedrawRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the re-draw, with a reason."""
        return self._decide(request, approve=False)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """On-site tasks: staff read all of them, an inspector only those assigned to them, and files the sampling
    record of their own."""

    serializer_class = serializers.TaskSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.list_tasks",
        "retrieve": "inspections.view_task",
        "sampling": "inspections.file_sampling",
        "sampling_record": "inspections.view_task",
        "seal_labels": "inspections.view_task",
    }
    filterset_class = TaskFilterSet
    ordering_fields = ["due_on", "created_at", "status", "finalised_at"]
    ordering = ["due_on", "id"]

    def get_queryset(self):
        return selectors.task_list(self.request.user).prefetch_related("sampling__photos")

    @extend_schema(
        request={
            "application/json": serializers.SamplingSerializer,
            "multipart/form-data": serializers.SamplingSerializer,
        },
        responses={
            200: serializers.SamplingFiledSerializer,
            201: serializers.SamplingFiledSerializer,
            409: ConflictErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[SamplingJSONParser, MultiPartParser, FormParser])
    def sampling(self, request, pk=None):
        """File the sampling record (photos inline, or sent ahead and named by `photo_keys`; signatures drawn on
        the screen), or record the enterprise's refusal with its evidence. With `client_key` a resend answers 200
        with the record filed the first time; a task cancelled or re-assigned meanwhile answers 409 with why."""
        task = self.get_object()
        body = _valid(serializers.SamplingSerializer, request, context=self.get_serializer_context())
        try:
            record = sampling.sampling_file(
                actor=request.user,
                task=task,
                values={name: body[name] for name in SAMPLING_FIELDS if name in body},
                photos=body["photos"],
                refused=body["refused"],
                refusal_reason=body["refusal_reason"],
                refusal_witness=body["refusal_witness"],
                client_key=body["client_key"],
                photo_keys=body["photo_keys"],
                signatures=body["signatures"],
            )
        except sampling.SamplingConflict as conflict:
            raise SamplingConflictError(conflict) from None
        code = status.HTTP_200_OK if record.replayed else status.HTTP_201_CREATED
        return Response(serializers.SamplingFiledSerializer(record).data, status=code)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="sampling-record", renderer_classes=[PDFRenderer])
    def sampling_record(self, request, pk=None):
        """The printed sampling record (抽样单), A4 PDF in Chinese."""
        task = self.get_object()
        if getattr(task, "sampling", None) is None:
            raise NotFound()
        return HttpResponse(sampling_record_pdf(task.sampling), content_type="application/pdf")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="seal-labels", renderer_classes=[PDFRenderer])
    def seal_labels(self, request, pk=None):
        """The seal labels (封条) of the task's first sample: one per sealed unit, with its QR code."""
        task = self.get_object()
        lab_test = LabTest.objects.filter(task=task).order_by("received_at", "pk").first()
        if getattr(task, "sampling", None) is None or lab_test is None:
            raise NotFound()
        return HttpResponse(seal_labels_pdf(lab_test), content_type="application/pdf")


def _result_schema(many: bool = False) -> PolymorphicProxySerializer:
    """A result is rendered for staff, for the laboratory (blind) or for the enterprise, by who asks."""
    return PolymorphicProxySerializer(
        component_name="Result",
        serializers=[
            serializers.LabTestSerializer,
            serializers.BlindLabTestSerializer,
            serializers.EnterpriseResultSerializer,
        ],
        resource_type_field_name=None,
        many=many,
    )


@extend_schema_view(
    list=extend_schema(responses=_result_schema(many=True)), retrieve=extend_schema(responses=_result_schema())
)
class LabTestViewSet(viewsets.ReadOnlyModelViewSet):
    """Laboratory results. A laboratory works blind: it sees its samples by code, never the enterprise. Staff
    review and notify; the enterprise reads its notified results and accepts or objects within the deadline."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.list_results",
        "retrieve": "inspections.view_result",
        "findings": "inspections.enter_results",
        "review": "inspections.review_results",
        "notify": "inspections.review_results",
        "accept": "inspections.respond_to_result",
        "object": "inspections.respond_to_result",
        "serve_on_paper": "inspections.review_results",
    }
    filterset_class = LabTestFilterSet
    ordering_fields = ["received_at", "submitted_at", "notified_at"]
    ordering = ["-received_at", "-id"]

    def _sees_all(self) -> bool:
        return self.request.user.has_perm("inspections.view_all_tasks")

    def get_queryset(self):
        user = self.request.user
        tests = (
            LabTest.objects.visible_to(user)
            .select_related("lab", "task__campaign")
            .prefetch_related(
                Prefetch("task__campaign__items", queryset=TestItem.objects.select_related("standard")),
                Prefetch("item_results", queryset=ItemResult.objects.select_related("item")),
            )
        )
        if not self._sees_all() and not _is(user, Role.ENTERPRISE):
            return tests  # blind: nothing about the enterprise is even loaded
        return tests.select_related("task__enterprise", "task__sampling", "objection__retest_lab")

    def get_serializer_class(self):
        if self._sees_all():
            return serializers.LabTestSerializer
        if _is(self.request.user, Role.ENTERPRISE):
            return serializers.EnterpriseResultSerializer
        return serializers.BlindLabTestSerializer

    def _render(self, lab_test, serializer_class) -> Response:
        return Response(serializer_class(self.get_queryset().get(pk=lab_test.pk)).data)

    def retrieve(self, request, *args, **kwargs):
        """A result; the enterprise's first read of its notified result serves it (its objection window starts)."""
        lab_test = self.get_object()
        if lab_test.status == LabTestStatus.NOTIFIED and not lab_test.is_served and may_open(request.user, lab_test):
            testing.result_open(actor=request.user, lab_test=lab_test)
            lab_test = self.get_queryset().get(pk=lab_test.pk)
        return Response(self.get_serializer(lab_test).data)

    @extend_schema(request={"multipart/form-data": PaperServiceSerializer}, responses=serializers.LabTestSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="serve-on-paper",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def serve_on_paper(self, request, pk=None):
        """Staff record that the enterprise received the result on paper: the receipt date and its signed scan."""
        lab_test = self.get_object()
        body = _valid(PaperServiceSerializer, request)
        lab_test = testing.result_serve_on_paper(
            actor=request.user, lab_test=lab_test, received_on=body["received_on"], proof=body["proof"]
        )
        return self._render(lab_test, serializers.LabTestSerializer)

    @extend_schema(request=serializers.FindingsSerializer, responses=serializers.BlindLabTestSerializer)
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        """The laboratory records its findings; with `submit`, the verdict is computed and goes for review."""
        lab_test = self.get_object()
        body = serializers.FindingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lab_test = testing.lab_test_save_results(
            actor=request.user,
            lab_test=lab_test,
            findings=body.findings_by_item(),
            submit=body.validated_data["submit"],
            category=body.validated_data.get("category"),
        )
        return self._render(lab_test, serializers.BlindLabTestSerializer)

    @extend_schema(request=serializers.ResultReviewSerializer, responses=serializers.LabTestSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Approve the laboratory's result, or return it saying what to check again."""
        lab_test = self.get_object()
        body = _valid(serializers.ResultReviewSerializer, request)
        lab_test = testing.lab_test_review(
            actor=request.user, lab_test=lab_test, approve=body["approve"], comment=body["comment"]
        )
        return self._render(lab_test, serializers.LabTestSerializer)

    @extend_schema(request=None, responses=serializers.LabTestSerializer)
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        """Notify the enterprise of an approved result (a nonconforming one opens the objection window)."""
        lab_test = testing.lab_test_notify(actor=request.user, lab_test=self.get_object())
        return self._render(lab_test, serializers.LabTestSerializer)

    @extend_schema(request=None, responses=serializers.EnterpriseResultSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The enterprise accepts a nonconforming result without objecting: it is final at once."""
        lab_test = testing.result_accept(actor=request.user, lab_test=self.get_object())
        return self._render(lab_test, serializers.EnterpriseResultSerializer)

    @extend_schema(request=serializers.ObjectionFileSerializer, responses={201: serializers.ObjectionSerializer})
    @action(detail=True, methods=["post"])
    def object(self, request, pk=None):
        """Object within the deadline: another approved laboratory, drawn at random, re-tests the reserve sample."""
        lab_test = self.get_object()
        body = _valid(serializers.ObjectionFileSerializer, request)
        objection = testing.objection_file(actor=request.user, lab_test=lab_test, reasons=body["reasons"])
        return Response(serializers.ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ObjectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Objections to results: staff read all, an enterprise its own. Laboratories never see them."""

    serializer_class = serializers.ObjectionSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.list_objections",
        "retrieve": "inspections.view_result",
    }
    ordering_fields = ["filed_at"]
    ordering = ["-filed_at", "-id"]

    def get_queryset(self):
        user = self.request.user
        if self._may_read_objections(user):
            tests = LabTest.objects.visible_to(user)
        else:
            tests = LabTest.objects.none()
        return Objection.objects.filter(lab_test__in=tests).select_related("lab_test__task__enterprise", "retest_lab")

    @staticmethod
    def _may_read_objections(user) -> bool:
        return user.has_perm("inspections.view_all_tasks") or user.has_perm("inspections.view_own_results")

    def get_permission_object(self, objection):
        return objection.lab_test


class FollowUpViewSet(viewsets.ReadOnlyModelViewSet):
    """Follow-up of nonconforming results, with every due date: the enterprise reports its rectification, staff
    order the re-check."""

    serializer_class = serializers.FollowUpSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.list_follow_ups",
        "retrieve": "inspections.view_follow_up",
        "rectification": "inspections.submit_rectification",
        "order_recheck": "inspections.manage_follow_up",
        "serve_on_paper": "inspections.manage_follow_up",
        "provincial_notice": "inspections.manage_follow_up",
        "referral": "inspections.manage_follow_up",
    }
    filterset_class = FollowUpFilterSet
    ordering_fields = ["ordered_on", "rectification_due_on", "first_recheck_due_on"]
    ordering = ["-ordered_on", "-id"]

    def get_queryset(self):
        return selectors.follow_up_list(self.request.user).prefetch_related("attachments")

    def _render(self, follow_up) -> Response:
        return Response(
            serializers.FollowUpSerializer(
                self.get_queryset().get(pk=follow_up.pk), context=self.get_serializer_context()
            ).data
        )

    def retrieve(self, request, *args, **kwargs):
        """A follow-up; the enterprise's first read serves the rectification order (its report clock starts)."""
        follow_up = self.get_object()
        if not follow_up.is_served and may_open(request.user, follow_up):
            follow_up = followups.rectification_order_open(actor=request.user, follow_up=follow_up)
        return self._render(follow_up)

    @extend_schema(request={"multipart/form-data": PaperServiceSerializer}, responses=serializers.FollowUpSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="serve-on-paper",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def serve_on_paper(self, request, pk=None):
        """Staff record the paper delivery of the rectification order: the receipt date and its signed scan."""
        follow_up = self.get_object()
        body = _valid(PaperServiceSerializer, request)
        followups.rectification_order_serve_on_paper(
            actor=request.user, follow_up=follow_up, received_on=body["received_on"], proof=body["proof"]
        )
        return self._render(follow_up)

    @extend_schema(
        request={"multipart/form-data": serializers.RectificationSerializer}, responses=serializers.FollowUpSerializer
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def rectification(self, request, pk=None):
        """The enterprise's rectification report, with attachments (a later report replaces the earlier)."""
        follow_up = self.get_object()
        body = _valid(serializers.RectificationSerializer, request)
        followups.rectification_submit(
            actor=request.user, follow_up=follow_up, report=body["report"], files=body["files"]
        )
        return Response(
            serializers.FollowUpSerializer(
                self.get_queryset().get(pk=follow_up.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=None, responses={201: serializers.TaskSerializer})
    @action(detail=True, methods=["post"], url_path="order-recheck")
    def order_recheck(self, request, pk=None):
        """Order the first re-check (free of charge), due within 75 days of the rectification order."""
        task = followups.recheck_order(actor=request.user, follow_up=self.get_object())
        task = selectors.task_list(request.user).get(pk=task.pk)
        return Response(serializers.TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    def _follow_up_data(self, follow_up):
        return serializers.FollowUpSerializer(
            self.get_queryset().get(pk=follow_up.pk), context=self.get_serializer_context()
        ).data

    @extend_schema(request=serializers.ProvincialNoticeSerializer, responses=serializers.FollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="provincial-notice")
    def provincial_notice(self, request, pk=None):
        """Record the provincial bureau's notice (its report sent first): the second re-check is due 60–90 days
        after the notice's date."""
        follow_up = self.get_object()
        body = _valid(serializers.ProvincialNoticeSerializer, request)
        followups.provincial_notice_record(actor=request.user, follow_up=follow_up, **body)
        return Response(self._follow_up_data(follow_up))

    @extend_schema(request=serializers.ReferralSerializer, responses=serializers.FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def referral(self, request, pk=None):
        """Record the referral to revoke the business licence, with the receiving authority; closes the follow-up."""
        follow_up = self.get_object()
        body = _valid(serializers.ReferralSerializer, request)
        followups.referral_record(actor=request.user, follow_up=follow_up, **body)
        return Response(self._follow_up_data(follow_up))


class ProvinceReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports to the provincial bureau of follow-ups whose first re-check failed: staff prepare one (covering
    several follow-ups), download its PDF and CSV, and record when it was sent."""

    serializer_class = serializers.ProvinceReportSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.view_follow_ups",
        "retrieve": "inspections.view_follow_ups",
        "create": "inspections.manage_follow_up",
        "sent": "inspections.manage_follow_up",
    }
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if not self.request.user.has_perm("inspections.view_follow_ups"):
            return ProvinceReport.objects.none()
        return ProvinceReport.objects.prefetch_related("follow_ups")

    @extend_schema(
        request=serializers.ProvinceReportCreateSerializer, responses={201: serializers.ProvinceReportSerializer}
    )
    def create(self, request):
        """Prepare one report of the given follow-ups (every one awaiting a report when none is given)."""
        body = _valid(serializers.ProvinceReportCreateSerializer, request)
        report = followups.province_report_create(actor=request.user, follow_up_ids=body.get("follow_ups"))
        return Response(
            serializers.ProvinceReportSerializer(self.get_queryset().get(pk=report.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=serializers.ProvinceReportSentSerializer, responses=serializers.ProvinceReportSerializer)
    @action(detail=True, methods=["post"])
    def sent(self, request, pk=None):
        """Record the day the report was sent to the provincial bureau."""
        report = self.get_object()
        body = _valid(serializers.ProvinceReportSentSerializer, request)
        followups.province_report_sent(actor=request.user, report=report, **body)
        return Response(serializers.ProvinceReportSerializer(self.get_queryset().get(pk=report.pk)).data)


class DecisionProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """Decisions proposed to a leader: an order to suspend and rectify, lifting it, the penalty for refusing
    sampling. Staff record the hearing and propose again after a rejection; a leader decides. An enterprise reads
    the decisions taken on it."""

    serializer_class = serializers.DecisionProposalSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.list_proposals",
        "retrieve": "inspections.view_proposal",
        "decide": "inspections.decide_proposal",
        "hearing": "inspections.manage_follow_up",
        "propose_again": "inspections.manage_follow_up",
    }
    filterset_fields = ["status", "kind", "enterprise"]
    ordering_fields = ["proposed_at", "decided_at"]
    ordering = ["-proposed_at", "-id"]

    def get_queryset(self):
        return selectors.proposal_list(self.request.user)

    def _data(self, proposal, code=status.HTTP_200_OK):
        return Response(
            serializers.DecisionProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data, status=code
        )

    @extend_schema(request=serializers.ProposalDecideSerializer, responses=serializers.DecisionProposalSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """A leader approves (with the decision's number and date, and its period or penalty) or rejects (with the
        opinion). Only an approved decision changes the enterprise's status."""
        proposal = self.get_object()
        body = _valid(serializers.ProposalDecideSerializer, request)
        followups.proposal_decide(actor=request.user, proposal=proposal, **body)
        return self._data(proposal)

    @extend_schema(request=serializers.ProposalHearingSerializer, responses=serializers.DecisionProposalSerializer)
    @action(detail=True, methods=["post"])
    def hearing(self, request, pk=None):
        """Record the right to a hearing: notified when, requested or not, held when."""
        proposal = self.get_object()
        body = _valid(serializers.ProposalHearingSerializer, request)
        followups.proposal_hearing(
            actor=request.user,
            proposal=proposal,
            notified_on=body["notified_on"],
            requested=body["requested"],
            held_on=body["held_on"],
        )
        return self._data(proposal)

    @extend_schema(request=serializers.ProposeAgainSerializer, responses={201: serializers.DecisionProposalSerializer})
    @action(detail=True, methods=["post"], url_path="propose-again")
    def propose_again(self, request, pk=None):
        """Propose again, with revised grounds, a decision the leader rejected."""
        proposal = self.get_object()
        body = _valid(serializers.ProposeAgainSerializer, request)
        new = followups.proposal_submit(actor=request.user, proposal=proposal, grounds=body["grounds"])
        return self._data(new, status.HTTP_201_CREATED)


class PublishedResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Published results: staff read all of them, an enterprise its own and replies beside them."""

    serializer_class = serializers.PublishedResultSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.list_publications",
        "retrieve": "inspections.list_publications",
        "reply": "inspections.reply_to_publication",
        "withdraw": "inspections.publish_results",
    }
    filterset_class = PublishedResultFilterSet
    ordering_fields = ["published_at", "enterprise_name"]
    ordering = ["campaign", "enterprise_name", "id"]

    def get_queryset(self):
        return PublishedResult.objects.visible_to(self.request.user).select_related("task", "campaign")

    @extend_schema(request=serializers.ReplySerializer, responses=serializers.PublishedResultSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """The enterprise's reply, shown beside its published result."""
        published = self.get_object()
        body = _valid(serializers.ReplySerializer, request)
        published = publication.publication_reply(actor=request.user, publication=published, reply=body["reply"])
        return Response(serializers.PublishedResultSerializer(published).data)

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.PublishedResultSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take a published result off the public pages, with the reason; it stays on record."""
        published = self.get_object()
        body = _valid(serializers.ReasonSerializer, request)
        published = publication.publication_withdraw(actor=request.user, publication=published, reason=body["reason"])
        return Response(serializers.PublishedResultSerializer(published).data)


class ConflictViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspectors' declared conflicts of interest: an inspector declares and withdraws their own; staff read all."""

    serializer_class = serializers.ConflictSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.list_conflicts",
        "retrieve": "inspections.list_conflicts",
        "create": "inspections.declare_conflict",
        "withdraw": "inspections.withdraw_conflict",
    }
    ordering_fields = ["declared_at"]
    ordering = ["-declared_at", "-id"]

    def get_queryset(self):
        return ConflictDeclaration.objects.visible_to(self.request.user).select_related("inspector", "enterprise")

    @extend_schema(request=serializers.ConflictDeclareSerializer, responses={201: serializers.ConflictSerializer})
    def create(self, request, *args, **kwargs):
        """Declare a conflict with the enterprise of this credit code: no draw sends the inspector there."""
        body = _valid(serializers.ConflictDeclareSerializer, request)
        declaration = campaigns.conflict_declare(
            actor=request.user, enterprise=body["credit_code"], reason=body["reason"]
        )
        return Response(serializers.ConflictSerializer(declaration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ConflictWithdrawSerializer, responses=serializers.ConflictSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        declaration = self.get_object()
        body = _valid(serializers.ConflictWithdrawSerializer, request)
        declaration = campaigns.conflict_withdraw(actor=request.user, declaration=declaration, reason=body["reason"])
        return Response(serializers.ConflictSerializer(declaration).data)
