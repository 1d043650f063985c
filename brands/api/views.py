"""The brands API: cultivation targets, the yearly calls, applications and their expert review, the public notice
with objections, honours and revocation. Every read goes through the model's `visible_to` (another party's record
answers 404 like a missing one), every write through brands.services (a refusal is a 403, a rule broken a 400 with
the field errors). Published notices and current honours are public: they need no sign-in."""

import dataclasses

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from brands import services
from brands.api import serializers
from brands.filtersets import (
    ApplicationFilterSet,
    CultivationTargetFilterSet,
    HonourFilterSet,
    NoticeFilterSet,
    ObjectionFilterSet,
    ProgrammeFilterSet,
    ReviewAssignmentFilterSet,
    RevocationProposalFilterSet,
)
from brands.models import (
    Application,
    CultivationTarget,
    HelpRecord,
    Honour,
    Notice,
    Objection,
    Programme,
    ProgressNote,
    ReviewAssignment,
    RevocationProposal,
    StageResult,
)
from brands.scoring import stage_scores
from core.api.permissions import ActionPermission
from core.api.validation import valid_body as _valid


class ObjectionRateThrottle(ScopedRateThrottle):
    """Objections are filed without signing in: at most so many per caller (IP address, or account) and hour, as
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["brands_objection"] says."""

    def get_rate(self) -> str:
        # Read at each request rather than from the class attribute bound at import, so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class CultivationTargetViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Key cultivation targets (重点培育对象) by year: staff read and manage every plan, an enterprise reads its own.
    The detail carries the milestones, the help given and the progress notes."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "brands.list_targets",
        "retrieve": "brands.view_target",
        "create": "brands.manage_targets",
        "update": "brands.manage_targets",
        "partial_update": "brands.manage_targets",
        "close": "brands.manage_targets",
        "milestones": "brands.manage_targets",
        "milestone_done": "brands.manage_targets",
        "help": "brands.manage_targets",
        "notes": "brands.manage_targets",
    }
    filterset_class = CultivationTargetFilterSet
    ordering_fields = ["year", "created_at"]
    ordering = ["-year", "enterprise__name", "id"]

    def get_queryset(self):
        targets = CultivationTarget.objects.visible_to(self.request.user).select_related("enterprise", "officer")
        if self.action == "list":
            return targets
        return targets.prefetch_related(
            "milestones",
            Prefetch("help", queryset=HelpRecord.objects.select_related("recorded_by")),
            Prefetch("notes", queryset=ProgressNote.objects.select_related("author")),
        )

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.CultivationTargetSerializer
        return serializers.CultivationTargetDetailSerializer

    def _render(self, target, code=status.HTTP_200_OK) -> Response:
        target = self.get_queryset().get(pk=target.pk)
        return Response(serializers.CultivationTargetDetailSerializer(target).data, status=code)

    @extend_schema(
        request=serializers.CultivationTargetSerializer, responses={201: serializers.CultivationTargetDetailSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Put an enterprise on a year's list, with its category, officer, goal and plan."""
        body = _valid(serializers.CultivationTargetSerializer, request, context=self.get_serializer_context())
        target = services.target_save(actor=request.user, values=dict(body))
        return self._render(target, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.CultivationTargetSerializer, responses=serializers.CultivationTargetDetailSerializer
    )
    def update(self, request, *args, partial=False, **kwargs):
        """Change the year, category, officer, goal or plan of a target being cultivated (the enterprise stays)."""
        target = self.get_object()
        body = _valid(
            serializers.CultivationTargetSerializer,
            request,
            instance=target,
            partial=partial,
            context=self.get_serializer_context(),
        )
        return self._render(services.target_save(actor=request.user, values=dict(body), target=target))

    @extend_schema(request=serializers.NoteInputSerializer, responses=serializers.CultivationTargetDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """End the cultivation, saying why (e.g. honour won, plan abandoned)."""
        target = self.get_object()
        body = _valid(serializers.NoteInputSerializer, request)
        return self._render(services.target_close(actor=request.user, target=target, note=body["note"]))

    @extend_schema(request=serializers.MilestoneAddSerializer, responses={201: serializers.MilestoneSerializer})
    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        """Add a milestone to the plan."""
        target = self.get_object()
        body = _valid(serializers.MilestoneAddSerializer, request)
        milestone = services.milestone_add(actor=request.user, target=target, **body)
        return Response(serializers.MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.MilestoneDoneSerializer, responses=serializers.MilestoneSerializer)
    @action(detail=True, methods=["post"], url_path="milestone-done")
    def milestone_done(self, request, pk=None):
        """Mark one of the plan's milestones as reached (on a day up to today)."""
        target = self.get_object()
        body = _valid(serializers.MilestoneDoneSerializer, request)
        milestone = get_object_or_404(target.milestones, pk=body["milestone"])
        milestone = services.milestone_done(
            actor=request.user, milestone=milestone, done_on=body["done_on"], note=body["note"]
        )
        return Response(serializers.MilestoneSerializer(milestone).data)

    @extend_schema(request=serializers.HelpRecordAddSerializer, responses={201: serializers.HelpRecordSerializer})
    @action(detail=True, methods=["post"], url_path="help")
    def help(self, request, pk=None):
        """Record help given: standards, metrology, certification, training."""
        target = self.get_object()
        body = _valid(serializers.HelpRecordAddSerializer, request)
        record = services.help_record(actor=request.user, target=target, **body)
        return Response(serializers.HelpRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ProgressNoteAddSerializer, responses={201: serializers.ProgressNoteSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        """Write a progress note."""
        target = self.get_object()
        body = _valid(serializers.ProgressNoteAddSerializer, request)
        note = services.progress_note(actor=request.user, target=target, text=body["text"])
        return Response(serializers.ProgressNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class ProgrammeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The yearly calls, with their rules as data; every signed-in user reads them. Staff make a call, close it for
    review, read the ranking of a stage and publish the notice; after the notice a leader submits the winners to the
    conferring body and records its decision."""

    serializer_class = serializers.ProgrammeSerializer
    action_permissions = {
        "create": "brands.manage_programmes",
        "start_review": "brands.manage_programmes",
        "notice": "brands.publish_notice",
        "submit": "brands.submit_for_conferral",
        "decision": "brands.record_conferral",
        "ranking": "brands.view_all",
    }
    filterset_class = ProgrammeFilterSet
    ordering_fields = ["year", "closes_on", "created_at"]
    ordering = ["-year", "kind", "id"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            # A call is public to every signed-in user: the rules of the call are part of it.
            return [IsAuthenticated()]
        return [ActionPermission()]

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user).select_related("notice", "conferral__submitted_by")

    def _render(self, programme, code=status.HTTP_200_OK) -> Response:
        programme = self.get_queryset().get(pk=programme.pk)
        return Response(serializers.ProgrammeSerializer(programme).data, status=code)

    def create(self, request, *args, **kwargs):
        """Make a call: the programme, year, closing date, number of awards, stages and eligibility rules."""
        body = _valid(serializers.ProgrammeSerializer, request)
        programme = services.programme_create(actor=request.user, values=dict(body))
        return self._render(programme, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.ProgrammeSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        """Close applications and start the review."""
        programme = self.get_object()
        return self._render(services.programme_start_review(actor=request.user, programme=programme))

    @extend_schema(request=serializers.NoticePublishSerializer, responses={201: serializers.NoticeSerializer})
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        """Publish the proposed winners for the call's notice period, open to signed objections."""
        programme = self.get_object()
        body = _valid(serializers.NoticePublishSerializer, request)
        notice = services.notice_publish(actor=request.user, programme=programme, text=body["text"])
        notice = _notices().get(pk=notice.pk)
        return Response(serializers.NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ConferralSubmitSerializer, responses=serializers.ProgrammeSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """After the notice, with every objection resolved, submit the proposed winners to the conferring body (a
        leader): the city government for the quality award, the promotion committee for famous brands."""
        programme = self.get_object()
        body = _valid(serializers.ConferralSubmitSerializer, request)
        services.programme_submit(actor=request.user, programme=programme, note=body["note"])
        return self._render(programme)

    @extend_schema(
        request=serializers.ConferralRecordSerializer, responses={201: serializers.HonourSerializer(many=True)}
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """Record the conferring body's decision (a leader): its name, document number and date; the winners it
        conferred become honours valid from that date, those in `not_conferred` close with the reason."""
        programme = self.get_object()
        body = dict(_valid(serializers.ConferralRecordSerializer, request))
        honours = services.conferral_record(actor=request.user, programme=programme, **body)
        honours = _honours().filter(pk__in=[honour.pk for honour in honours]).order_by("certificate_number")
        return Response(serializers.HonourSerializer(honours, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[serializers.RankingQuerySerializer], responses=serializers.StageScoreSerializer(many=True)
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ranking(self, request, pk=None):
        """The applications scored at a stage, best first: the mean of the submitted totals (highest and lowest
        dropped when there are enough) and the rank."""
        programme = self.get_object()
        query = serializers.RankingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scores = stage_scores(programme, query.validated_data["stage"])
        applications = Application.objects.select_related("enterprise", "product").in_bulk(
            [score.application_id for score in scores]
        )
        rows = [
            {
                **dataclasses.asdict(score),
                "complete": score.complete,
                "enterprise_name": applications[score.application_id].enterprise.name,
                "product_name": getattr(applications[score.application_id].product, "name", None),
            }
            for score in scores
        ]
        return Response(serializers.StageScoreSerializer(rows, many=True).data)


class ApplicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Applications to the calls: staff read every one, an enterprise its own, a reviewer those assigned to them.
    An enterprise applies (eligibility is checked from its record at once and explained) or withdraws; staff admit
    an ineligible one with a recorded reason, assign reviewers and close each scored stage; the committee (a
    leader) proposes winners."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "brands.list_applications",
        "retrieve": "brands.list_applications",
        "create": "brands.apply",
        "bypass": "brands.bypass_eligibility",
        "withdraw": "brands.withdraw_application",
        "assign": "brands.assign_reviewers",
        "decide": "brands.decide_stage",
        "committee": "brands.committee_decide",
    }
    filterset_class = ApplicationFilterSet
    ordering_fields = ["submitted_at", "self_total"]
    ordering = ["-submitted_at", "-id"]

    def get_queryset(self):
        applications = Application.objects.visible_to(self.request.user).select_related(
            "programme", "enterprise", "product"
        )
        if self.action == "list":
            return applications
        return applications.prefetch_related(
            "attachments", Prefetch("stage_results", queryset=StageResult.objects.order_by("decided_at", "pk"))
        )

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ApplicationSerializer
        return serializers.ApplicationDetailSerializer

    def _render(self, application, code=status.HTTP_200_OK) -> Response:
        application = self.get_queryset().get(pk=application.pk)
        return Response(
            serializers.ApplicationDetailSerializer(application, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        request={
            "application/json": serializers.ApplicationSubmitSerializer,
            "multipart/form-data": serializers.ApplicationSubmitSerializer,
        },
        responses={201: serializers.ApplicationDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Apply to a call with the statement, the self-assessment and attachments. The eligibility check runs at
        once: an ineligible application is kept, with the reasons."""
        body = dict(_valid(serializers.ApplicationSubmitSerializer, request, context=self.get_serializer_context()))
        programme, files = body.pop("programme"), body.pop("attachments")
        application = services.application_submit(actor=request.user, programme=programme, values=body, files=files)
        return self._render(application, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ReasonInputSerializer, responses=serializers.ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def bypass(self, request, pk=None):
        """Admit an application that failed an eligibility check, recording why (the failed checks stay on file)."""
        application = self.get_object()
        body = _valid(serializers.ReasonInputSerializer, request)
        return self._render(
            services.eligibility_bypass(actor=request.user, application=application, reason=body["reason"])
        )

    @extend_schema(request=serializers.WithdrawSerializer, responses=serializers.ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The enterprise withdraws its application before the award."""
        application = self.get_object()
        body = _valid(serializers.WithdrawSerializer, request)
        return self._render(
            services.application_withdraw(actor=request.user, application=application, reason=body["reason"])
        )

    @extend_schema(
        request=serializers.ReviewersAssignSerializer,
        responses={201: serializers.ReviewAssignmentSerializer(many=True)},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign expert reviewers at the application's current stage (not one who recused from it before)."""
        application = self.get_object()
        body = _valid(serializers.ReviewersAssignSerializer, request)
        created = services.reviewers_assign(actor=request.user, application=application, reviewers=body["reviewers"])
        assignments = _assignments(ReviewAssignment.objects.filter(pk__in=[a.pk for a in created]))
        return Response(
            serializers.ReviewAssignmentSerializer(assignments, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=serializers.StageDecideSerializer, responses=serializers.ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Close the current scored stage once every reviewer has submitted or recused: on to the next stage, or
        stop here with the reason. The aggregated score and rank are recorded."""
        application = self.get_object()
        body = _valid(serializers.StageDecideSerializer, request)
        services.stage_decide(actor=request.user, application=application, advance=body["advance"], note=body["note"])
        return self._render(application)

    @extend_schema(request=serializers.CommitteeDecideSerializer, responses=serializers.ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def committee(self, request, pk=None):
        """The committee proposes the application for the award (within the call's number of awards) or not."""
        application = self.get_object()
        body = _valid(serializers.CommitteeDecideSerializer, request)
        services.committee_decide(
            actor=request.user, application=application, propose=body["propose"], note=body["note"]
        )
        return self._render(application)


def _assignments(assignments):
    return assignments.select_related(
        "application__programme", "application__enterprise", "application__product", "reviewer"
    )


class ReviewAssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Review assignments: a reviewer reads their own, staff every one. A reviewer scores each category on their
    own (the detail lists the other submitted scores of the stage only once theirs is submitted) or recuses for a
    conflict of interest."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "brands.list_reviews",
        "retrieve": "brands.list_reviews",
        "submit": "brands.review",
        "recuse": "brands.review",
    }
    filterset_class = ReviewAssignmentFilterSet
    ordering_fields = ["assigned_at", "closed_at"]
    ordering = ["-assigned_at", "-id"]

    def get_queryset(self):
        return _assignments(ReviewAssignment.objects.visible_to(self.request.user))

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ReviewAssignmentSerializer
        return serializers.ReviewAssignmentDetailSerializer

    def _render(self, assignment) -> Response:
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(serializers.ReviewAssignmentDetailSerializer(assignment).data)

    @extend_schema(request=serializers.ReviewSubmitSerializer, responses=serializers.ReviewAssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the points per category; final once submitted."""
        assignment = self.get_object()
        body = _valid(serializers.ReviewSubmitSerializer, request)
        return self._render(
            services.review_submit(
                actor=request.user, assignment=assignment, scores=body["scores"], comment=body["comment"]
            )
        )

    @extend_schema(request=serializers.ReasonInputSerializer, responses=serializers.ReviewAssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def recuse(self, request, pk=None):
        """Recuse for a conflict of interest, stating it (kept on file; not assigned to this application again)."""
        assignment = self.get_object()
        body = _valid(serializers.ReasonInputSerializer, request)
        return self._render(services.review_recuse(actor=request.user, assignment=assignment, reason=body["reason"]))


def _notices():
    winners = Application.objects.on_notice().select_related("enterprise", "product")
    return (
        Notice.objects.published()
        .select_related("programme")
        .prefetch_related(Prefetch("programme__applications", queryset=winners.order_by("pk"), to_attr="winners"))
    )


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Public notices (公示) of the proposed winners, readable without signing in; anyone may file a signed
    objection to a proposed winner while the notice runs (throttled per caller)."""

    serializer_class = serializers.NoticeSerializer
    permission_classes = [AllowAny]
    throttle_scope = "brands_objection"
    filterset_class = NoticeFilterSet
    ordering_fields = ["published_on", "ends_on"]
    ordering = ["-published_on", "-id"]

    def get_queryset(self):
        return _notices()

    @extend_schema(
        request=serializers.AwardObjectionFileSerializer, responses={201: serializers.AwardObjectionReceiptSerializer}
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[AllowAny],
        throttle_classes=[ObjectionRateThrottle],
        filter_backends=[],
    )
    def objections(self, request, pk=None):
        """File a signed objection (name and phone required) to a proposed winner while the notice runs."""
        notice = self.get_object()
        winners = Application.objects.filter(programme_id=notice.programme_id).on_notice()
        body = dict(_valid(serializers.AwardObjectionFileSerializer, request, winners=winners))
        objection = services.objection_file(
            actor=request.user if request.user.is_authenticated else None,
            notice=notice,
            application=body.pop("application"),
            values=body,
        )
        return Response(serializers.AwardObjectionReceiptSerializer(objection).data, status=status.HTTP_201_CREATED)


class ObjectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Objections to proposed winners, with who filed them: staff only. Staff resolve each before the award; an
    upheld objection takes the application out of the award."""

    serializer_class = serializers.AwardObjectionSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "brands.view_all",
        "retrieve": "brands.view_all",
        "resolve": "brands.resolve_objection",
    }
    filterset_class = ObjectionFilterSet
    ordering_fields = ["filed_at", "resolved_at"]
    ordering = ["-filed_at", "-id"]

    def get_queryset(self):
        return Objection.objects.visible_to(self.request.user).select_related("notice", "application__enterprise")

    @extend_schema(request=serializers.ObjectionResolveSerializer, responses=serializers.AwardObjectionSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Uphold or dismiss the objection, recording how it was looked into."""
        objection = self.get_object()
        body = _valid(serializers.ObjectionResolveSerializer, request)
        objection = services.objection_resolve(
            actor=request.user, objection=objection, upheld=body["upheld"], note=body["note"]
        )
        return Response(serializers.AwardObjectionSerializer(self.get_queryset().get(pk=objection.pk)).data)


def _honours():
    return Honour.objects.select_related("enterprise", "product", "programme")


class HonourViewSet(viewsets.ReadOnlyModelViewSet):
    """Honours awarded. The public (no sign-in) reads the current ones; an enterprise also its own; staff every
    one, revoked and expired included, and record the yearly review."""

    serializer_class = serializers.HonourSerializer
    action_permissions = {"review": "brands.review_honour"}
    filterset_class = HonourFilterSet
    ordering_fields = ["awarded_on", "valid_until", "certificate_number"]
    ordering = ["-awarded_on", "certificate_number"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [ActionPermission()]

    def get_queryset(self):
        return _honours().visible_to(self.request.user)

    @extend_schema(request=serializers.YearlyReviewSerializer, responses={201: serializers.HonourReviewSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request, pk=None):
        """The yearly check of a current honour, with the holder's record checked; a failed review proposes
        revocation."""
        honour = self.get_object()
        body = _valid(serializers.YearlyReviewSerializer, request)
        review = services.honour_review(actor=request.user, honour=honour, **body)
        return Response(serializers.HonourReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class RevocationProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """Proposals to revoke an honour, raised by the holder's record (a failed spot check, grade C, a listing) or a
    failed yearly review: staff confirm (the honour is revoked and leaves the public list) or dismiss them."""

    serializer_class = serializers.RevocationProposalSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "brands.view_all",
        "retrieve": "brands.view_all",
        "confirm": "brands.decide_revocation",
        "dismiss": "brands.decide_revocation",
    }
    filterset_class = RevocationProposalFilterSet
    ordering_fields = ["raised_at", "decided_at"]
    ordering = ["-raised_at", "-id"]

    def get_queryset(self):
        return RevocationProposal.objects.visible_to(self.request.user).select_related("honour__enterprise")

    def _decide(self, request, confirm: bool) -> Response:
        proposal = self.get_object()
        body = _valid(serializers.NoteInputSerializer, request)
        proposal = services.proposal_decide(actor=request.user, proposal=proposal, confirm=confirm, note=body["note"])
        return Response(serializers.RevocationProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(request=serializers.NoteInputSerializer, responses=serializers.RevocationProposalSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm with the grounds: the honour is revoked and stops counting in the credit grade."""
        return self._decide(request, confirm=True)

    @extend_schema(request=serializers.NoteInputSerializer, responses=serializers.RevocationProposalSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """Dismiss with the grounds: the honour stays."""
        return self._decide(request, confirm=False)
