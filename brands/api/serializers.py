"""Serializers of the brands API: they check the shape of the input and render records; every write goes through
a service in brands.services, which checks who may act and from which state.

Reviewers score independently: an application never carries the individual scores (staff read the stage results,
an enterprise neither), and a reviewer reads the other submitted scores of their stage only after submitting."""

import json

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from accounts.models import User
from brands.choices import (
    SCORED_STAGES,
    ApplicationStatus,
    HelpKind,
    HonourStatus,
    ObjectionStatus,
    ProgrammeKind,
    ProgrammeStatus,
    ProposalStatus,
    ReviewStatus,
    RevocationCause,
    Stage,
    TargetCategory,
    TargetStatus,
)
from brands.criteria import CRITERIA
from brands.eligibility import explained
from brands.models import (
    Application,
    ApplicationAttachment,
    Conferral,
    CultivationTarget,
    HelpRecord,
    Honour,
    HonourReview,
    Milestone,
    Notice,
    Objection,
    Programme,
    ProgressNote,
    ReviewAssignment,
    RevocationProposal,
    StageResult,
)
from core.api.fields import NamedEnumField
from core.api.notices import ProvisionalField
from core.files import UploadsField
from credit.choices import Grade
from enterprises.selectors import enterprises_visible_to, products, products_visible

CATEGORIES_HELP = format_lazy(
    _("Points per GB/T 19580 category ({categories}), each from 0 to its maximum."),
    categories=", ".join(f"{code} 0–{points}" for code, _label, points in CRITERIA),
)


def _is_staff(serializer) -> bool:
    request = serializer.context.get("request")
    return request is not None and request.user.has_perm("brands.view_all")


class EnumField(NamedEnumField):
    enum_prefix = "Brand"


class ScoresField(serializers.DictField):
    """Points per GB/T 19580 category. A multipart form sends it as a JSON object in one field (or one field per
    category, `self_assessment.leadership`); the service checks each category's range."""

    child = serializers.FloatField()

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("not_a_dict", input_type="str")
        return super().to_internal_value(data)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


# Cultivation targets.


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on", "note"]
        read_only_fields = fields


class HelpRecordSerializer(serializers.ModelSerializer):
    kind = EnumField(HelpKind, read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.get_full_name", read_only=True)

    class Meta:
        model = HelpRecord
        fields = ["id", "kind", "given_on", "description", "recorded_by", "recorded_by_name"]
        read_only_fields = fields


class ProgressNoteSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.get_full_name", read_only=True)

    class Meta:
        model = ProgressNote
        fields = ["id", "text", "author", "author_name", "written_at"]
        read_only_fields = fields


class CultivationTargetSerializer(serializers.ModelSerializer):
    """A key cultivation target: staff put an enterprise on a year's list and change its plan; the enterprise
    stays the same once listed (a change of enterprise is ignored)."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category = EnumField(TargetCategory)
    officer_name = serializers.CharField(source="officer.get_full_name", read_only=True)
    status = EnumField(TargetStatus, read_only=True)

    class Meta:
        model = CultivationTarget
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "year",
            "category",
            "officer",
            "officer_name",
            "goal",
            "plan",
            "status",
            "closed_note",
            "created_at",
        ]
        read_only_fields = ["status", "closed_note", "created_at"]
        # One target per enterprise and year: checked by the service with the model's own message.
        validators = []
        extra_kwargs = {"goal": {"allow_blank": True}, "plan": {"allow_blank": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "enterprise" in self.fields:
            self.fields["enterprise"].queryset = enterprises_visible_to(request.user)


class CultivationTargetDetailSerializer(CultivationTargetSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    help = HelpRecordSerializer(many=True, read_only=True)
    notes = ProgressNoteSerializer(many=True, read_only=True)

    class Meta(CultivationTargetSerializer.Meta):
        fields = [*CultivationTargetSerializer.Meta.fields, "milestones", "help", "notes"]


class MilestoneAddSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255, allow_blank=True)
    due_on = serializers.DateField()


class MilestoneDoneSerializer(serializers.Serializer):
    milestone = serializers.IntegerField(help_text=_("The milestone of this target that was reached."))
    done_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HelpRecordAddSerializer(serializers.Serializer):
    kind = EnumField(HelpKind)
    given_on = serializers.DateField()
    description = serializers.CharField(allow_blank=True)


class ProgressNoteAddSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


# Programmes (the yearly calls).


class EligibilityRulesSerializer(serializers.Serializer):
    grades = serializers.ListField(
        child=serializers.ChoiceField(choices=Grade.choices), help_text=_("The credit grades that may apply.")
    )
    clean_years = serializers.IntegerField(
        min_value=0, max_value=10, help_text=_("Years without a failed spot check or a listing.")
    )
    trading_years = serializers.IntegerField(min_value=0, max_value=50, help_text=_("Years of trading at least."))
    valid_licences = serializers.BooleanField(help_text=_("Every licence held must be valid."))


class ConferralSerializer(serializers.ModelSerializer):
    """The submission of the proposed winners to the conferring body and, once recorded, its decision (`conferred`
    is null while it awaits it)."""

    submitted_by_name = serializers.CharField(source="submitted_by.get_full_name", read_only=True)

    class Meta:
        model = Conferral
        fields = [
            "conferring_body",
            "submitted_on",
            "submission_note",
            "submitted_by_name",
            "conferred",
            "document_number",
            "decided_on",
            "decision_note",
        ]
        read_only_fields = fields


class ConferralSubmitSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text=_("e.g. the bureau's letter")
    )


class ConferralRecordSerializer(serializers.Serializer):
    conferring_body = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=128,
        help_text=_("As named in the decision; the body submitted to if left out."),
    )
    document_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=64, help_text=_("The decision's 文号.")
    )
    decided_on = serializers.DateField(help_text=_("The decision's date: the honours' validity counts from it."))
    not_conferred = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        max_length=1000,
        help_text=_("Applications the body did not confer (all of them for a decision not to confer)."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ProgrammeSerializer(serializers.ModelSerializer):
    """A yearly call with its rules as data: who is eligible, the awards, the review stages and reviewers, how long
    the notice and the honour last."""

    kind = EnumField(ProgrammeKind)
    stages = serializers.ListField(
        child=EnumField(Stage),
        required=False,
        help_text=_("In order: at least one scored stage (paper, presentation, site), then the committee."),
    )
    eligibility = EligibilityRulesSerializer(required=False)
    status = EnumField(ProgrammeStatus, read_only=True)
    notice = serializers.SerializerMethodField(help_text=_("The public notice, once published."))
    conferral = ConferralSerializer(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Programme
        fields = [
            "id",
            "kind",
            "year",
            "title",
            "description",
            "closes_on",
            "award_count",
            "validity_years",
            "stages",
            "min_reviewers",
            "trim_from",
            "eligibility",
            "notice_working_days",
            "status",
            "notice",
            "conferral",
            "created_at",
        ]
        read_only_fields = ["status", "created_at"]
        # One call per programme and year: checked by the service.
        validators = []
        extra_kwargs = {"title": {"allow_blank": True}}

    def get_notice(self, programme: Programme) -> int | None:
        notice = getattr(programme, "notice", None)
        return notice.pk if notice else None


class NoticePublishSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, help_text=_("The notice text, naming the proposed winners."))


class RankingQuerySerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[(stage.value, stage.label) for stage in SCORED_STAGES])


class StageScoreSerializer(serializers.Serializer):
    """An application's score at a stage: the mean of the submitted totals, after dropping the highest and lowest
    when there are enough; its rank among the call's applications at that stage."""

    application = serializers.IntegerField(source="application_id")
    enterprise_name = serializers.CharField()
    product_name = serializers.CharField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    counted = serializers.IntegerField()
    dropped = serializers.IntegerField()
    submitted = serializers.IntegerField()
    pending = serializers.IntegerField()
    recused = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    complete = serializers.BooleanField(help_text=_("Every assigned reviewer has submitted or recused."))


# Applications.


class EligibilityCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    passed = serializers.BooleanField()
    rule = serializers.CharField()
    explanation = serializers.CharField(help_text=_("What in the record decided it."))


class ApplicationAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationAttachment
        fields = ["id", "original_name", "sha256", "uploaded_at"]
        read_only_fields = fields


class StageResultSerializer(serializers.ModelSerializer):
    stage = EnumField(Stage, read_only=True)

    class Meta:
        model = StageResult
        fields = [
            "stage",
            "score",
            "scores_counted",
            "scores_dropped",
            "rank",
            "advanced",
            "note",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    programme_title = serializers.CharField(source="programme.title", read_only=True)
    programme_kind = EnumField(ProgrammeKind, source="programme.kind", read_only=True)
    year = serializers.IntegerField(source="programme.year", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True, allow_null=True)
    status = EnumField(ApplicationStatus, read_only=True)
    stage = EnumField(Stage, read_only=True, allow_null=True, help_text=_("While under review."))

    class Meta:
        model = Application
        fields = [
            "id",
            "programme",
            "programme_title",
            "programme_kind",
            "year",
            "enterprise",
            "enterprise_name",
            "product",
            "product_name",
            "status",
            "stage",
            "eligible",
            "self_total",
            "submitted_at",
        ]
        read_only_fields = fields


class ApplicationDetailSerializer(ApplicationSerializer):
    """The application with its eligibility explained rule by rule. Staff also read the result of each stage;
    nobody reads the reviewers' individual scores here."""

    self_assessment = serializers.DictField(child=serializers.FloatField(), read_only=True)
    eligibility = serializers.SerializerMethodField()
    attachments = ApplicationAttachmentSerializer(many=True, read_only=True)
    stage_results = StageResultSerializer(
        many=True, read_only=True, required=False, help_text=_("Staff only: the outcome of each stage.")
    )

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "summary",
            "self_assessment",
            "eligibility",
            "checked_at",
            "bypass_reason",
            "bypassed_by",
            "bypassed_at",
            "closed_note",
            "attachments",
            "stage_results",
        ]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        if self.context.get("request") is not None and not _is_staff(self):
            fields.pop("stage_results")
        return fields

    @extend_schema_field(EligibilityCheckSerializer(many=True))
    def get_eligibility(self, application: Application) -> list[dict]:
        return EligibilityCheckSerializer(explained(application.eligibility), many=True).data


class ApplicationSubmitSerializer(serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    product = serializers.PrimaryKeyRelatedField(
        queryset=products().none(),
        required=False,
        allow_null=True,
        help_text=_("One of your current products (famous-brand calls)."),
    )
    summary = serializers.CharField(allow_blank=True)
    self_assessment = ScoresField(help_text=CATEGORIES_HELP)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Another enterprise's product is "not found", like a missing id.
            self.fields["product"].queryset = products_visible(request.user)

    def validate_attachments(self, files: list) -> list:
        return UploadsField(required=False).clean(files)  # the same type and size checks as the form


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewersAssignSerializer(serializers.Serializer):
    reviewers = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), help_text=_("Expert reviewers, by user id.")
    )


class StageDecideSerializer(serializers.Serializer):
    advance = serializers.BooleanField(help_text=_("Goes on to the next stage; otherwise it stops here."))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CommitteeDecideSerializer(serializers.Serializer):
    propose = serializers.BooleanField(help_text=_("Proposed for the award; otherwise not selected."))
    note = serializers.CharField(required=False, allow_blank=True, default="")


# Expert review.


class ReviewAssignmentSerializer(serializers.ModelSerializer):
    """One reviewer on one application at one stage, with their own scores (never another reviewer's)."""

    programme = serializers.IntegerField(source="application.programme_id", read_only=True)
    programme_title = serializers.CharField(source="application.programme.title", read_only=True)
    enterprise_name = serializers.CharField(source="application.enterprise.name", read_only=True)
    product_name = serializers.CharField(source="application.product.name", read_only=True, allow_null=True)
    stage = EnumField(Stage, read_only=True)
    reviewer_name = serializers.CharField(source="reviewer.get_full_name", read_only=True)
    status = EnumField(ReviewStatus, read_only=True)
    scores = serializers.DictField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "application",
            "programme",
            "programme_title",
            "enterprise_name",
            "product_name",
            "stage",
            "reviewer",
            "reviewer_name",
            "status",
            "scores",
            "total",
            "comment",
            "recusal_reason",
            "assigned_at",
            "closed_at",
        ]
        read_only_fields = fields


class OtherScoreSerializer(serializers.ModelSerializer):
    scores = serializers.DictField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = ["scores", "total", "closed_at"]
        read_only_fields = fields


class ReviewAssignmentDetailSerializer(ReviewAssignmentSerializer):
    others = serializers.SerializerMethodField(
        help_text=_("The other submitted scores at this stage, once this assignment is submitted (empty before).")
    )

    class Meta(ReviewAssignmentSerializer.Meta):
        fields = [*ReviewAssignmentSerializer.Meta.fields, "others"]
        read_only_fields = fields

    @extend_schema_field(OtherScoreSerializer(many=True))
    def get_others(self, assignment: ReviewAssignment) -> list[dict]:
        if assignment.status != ReviewStatus.SUBMITTED:
            return []  # independence: nothing of the others before one's own scores are in
        others = ReviewAssignment.objects.filter(
            application_id=assignment.application_id, stage=assignment.stage, status=ReviewStatus.SUBMITTED
        ).exclude(pk=assignment.pk)
        return OtherScoreSerializer(others.order_by("closed_at", "pk"), many=True).data


class ReviewSubmitSerializer(serializers.Serializer):
    scores = ScoresField(help_text=CATEGORIES_HELP)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


# The public notice and objections.


class NoticeWinnerSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True, allow_null=True)
    status = EnumField(ApplicationStatus, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "enterprise_name", "product_name", "status"]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):
    """A published notice of a call's proposed winners; objections are open until `ends_on`."""

    programme_title = serializers.CharField(source="programme.title", read_only=True)
    programme_kind = EnumField(ProgrammeKind, source="programme.kind", read_only=True)
    year = serializers.IntegerField(source="programme.year", read_only=True)
    is_open = serializers.BooleanField(read_only=True, help_text=_("Objections are still accepted."))
    winners = NoticeWinnerSerializer(source="programme.winners", many=True, read_only=True)
    ends_on_provisional = ProvisionalField("ends_on")

    class Meta:
        model = Notice
        fields = [
            "id",
            "programme",
            "programme_title",
            "programme_kind",
            "year",
            "text",
            "published_on",
            "ends_on",
            "ends_on_provisional",
            "is_open",
            "winners",
        ]
        read_only_fields = fields


class AwardObjectionFileSerializer(serializers.Serializer):
    """A signed objection: the proposed winner objected to, who objects (name and phone required) and why."""

    application = serializers.PrimaryKeyRelatedField(
        queryset=Application.objects.none(), help_text=_("A proposed winner of this notice.")
    )
    name = serializers.CharField(max_length=64, allow_blank=True)
    phone = serializers.CharField(max_length=32, allow_blank=True)
    organisation = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    text = serializers.CharField(allow_blank=True)

    def __init__(self, *args, winners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if winners is not None:
            self.fields["application"].queryset = winners


class AwardObjectionReceiptSerializer(serializers.ModelSerializer):
    status = EnumField(ObjectionStatus, read_only=True)

    class Meta:
        model = Objection
        fields = ["id", "notice", "application", "filed_at", "status"]
        read_only_fields = fields


class AwardObjectionSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="application.enterprise.name", read_only=True)
    programme = serializers.IntegerField(source="notice.programme_id", read_only=True)
    status = EnumField(ObjectionStatus, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "notice",
            "programme",
            "application",
            "enterprise_name",
            "name",
            "phone",
            "organisation",
            "text",
            "filed_at",
            "filed_by",
            "status",
            "resolution_note",
            "resolved_by",
            "resolved_at",
        ]
        read_only_fields = fields


class ObjectionResolveSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text=_("Upheld takes the application out of the award."))
    note = serializers.CharField(required=False, allow_blank=True, default="")


# Honours and revocation.


class HonourSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True, allow_null=True)
    programme_kind = EnumField(ProgrammeKind, source="programme.kind", read_only=True)
    programme_year = serializers.IntegerField(source="programme.year", read_only=True)
    status = EnumField(HonourStatus, read_only=True)
    is_current = serializers.BooleanField(read_only=True, help_text=_("Not revoked and within its validity."))

    class Meta:
        model = Honour
        fields = [
            "id",
            "certificate_number",
            "title",
            "enterprise_name",
            "product_name",
            "programme",
            "programme_kind",
            "programme_year",
            "conferring_body",
            "decision_number",
            "awarded_on",
            "valid_until",
            "status",
            "is_current",
            "revoked_on",
            "revocation_reason",
        ]
        read_only_fields = fields


class YearlyReviewSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    passed = serializers.BooleanField(help_text=_("Still meets the rules; a failed review proposes revocation."))
    note = serializers.CharField(allow_blank=True, help_text=_("The findings."))


class HonourReviewSerializer(serializers.ModelSerializer):
    checks = serializers.SerializerMethodField()

    class Meta:
        model = HonourReview
        fields = ["id", "honour", "year", "passed", "note", "checks", "reviewed_by", "reviewed_at"]
        read_only_fields = fields

    @extend_schema_field(EligibilityCheckSerializer(many=True))
    def get_checks(self, review: HonourReview) -> list[dict]:
        return EligibilityCheckSerializer(explained(review.checks), many=True).data


class RevocationProposalSerializer(serializers.ModelSerializer):
    certificate_number = serializers.CharField(source="honour.certificate_number", read_only=True)
    honour_title = serializers.CharField(source="honour.title", read_only=True)
    enterprise_name = serializers.CharField(source="honour.enterprise.name", read_only=True)
    cause = EnumField(RevocationCause, read_only=True)
    status = EnumField(ProposalStatus, read_only=True)

    class Meta:
        model = RevocationProposal
        fields = [
            "id",
            "honour",
            "certificate_number",
            "honour_title",
            "enterprise_name",
            "cause",
            "trigger",
            "detail",
            "raised_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields
