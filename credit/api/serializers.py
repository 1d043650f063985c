"""Serializers of the credit API: they check the shape of the input and render records; every write goes through
a service in credit.services, which checks who may act and from which state, and emits the event the grade follows."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.notices import ProvisionalField, ServedHowField
from core.files import UploadsField
from core.models import JobRun
from credit.choices import Grade
from credit.models import (
    STATEMENT_MAX,
    BlacklistEntry,
    CreditGrade,
    CreditRepair,
    GradeChange,
    GradeOverride,
    ListingGround,
    RepairAttachment,
    RiskWarning,
    ScoringModel,
)
from credit.selectors import early_removal_conditions, grade_explanation
from enterprises.selectors import enterprises_on_file, enterprises_visible_to


def _limit_enterprise_choices(serializer) -> None:
    """Only enterprises the user may see can be named: another one is "not found", like a missing id."""
    request = serializer.context.get("request")
    if request is not None:
        serializer.fields["enterprise"].queryset = enterprises_visible_to(request.user)


# Grades and their explanation.


class OverrideBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeOverride
        fields = ["id", "grade", "expires_on"]
        read_only_fields = fields


class CreditGradeSerializer(serializers.ModelSerializer):
    """An enterprise's grade in force (the override's, when one is in force), the computed one and the risk."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    district = serializers.IntegerField(source="enterprise.district_id", read_only=True)
    is_overridden = serializers.BooleanField(read_only=True)
    override = OverrideBriefSerializer(read_only=True, allow_null=True)
    model_version = serializers.IntegerField(source="model.version", read_only=True)

    class Meta:
        model = CreditGrade
        fields = [
            "enterprise",
            "enterprise_name",
            "credit_code",
            "district",
            "grade",
            "computed_grade",
            "score",
            "is_overridden",
            "override",
            "model_version",
            "risk_score",
            "changed_at",
        ]
        read_only_fields = fields


class PointsField(serializers.FloatField):
    """A number of points, with no negative zero (0 units × −20 points is 0, not −0)."""

    def to_representation(self, value) -> float:
        return super().to_representation(value) + 0.0


class ExplanationLineSerializer(serializers.Serializer):
    """One indicator: its value, the points per unit, the cap, and what it added to (or took off) the score."""

    code = serializers.CharField(source="indicator.code")
    label = serializers.CharField(source="indicator.label")
    unit = serializers.CharField(source="indicator.unit")
    veto = serializers.BooleanField(source="indicator.veto", help_text=_("Puts the enterprise in C while above 0."))
    value = serializers.FloatField()
    points = serializers.FloatField(help_text=_("Points per unit of the value."))
    cap = serializers.FloatField(allow_null=True, help_text=_("The most the indicator can add or take off."))
    contribution = PointsField()


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class ThresholdsSerializer(serializers.Serializer):
    A = serializers.FloatField(help_text=_("Grade A from this score."))
    B = serializers.FloatField(help_text=_("Grade B from this score; C below."))


class ExplanationSerializer(serializers.Serializer):
    """Why the grade is what it is: score = base + Σ contributions, kept within 0–100; a veto means C; a score in A's
    range without a conforming spot check in the window means B (`held_at_b`)."""

    model_version = serializers.IntegerField(source="model.version")
    base_score = serializers.FloatField(source="model.base_score")
    thresholds = ThresholdsSerializer()
    lines = ExplanationLineSerializer(many=True)
    vetoes = IndicatorSerializer(many=True)
    held_at_b = serializers.BooleanField(
        help_text=_(
            "The score reaches A, but without a conforming spot check in the look-back window the grade is B at most "
            "(the model version's rule)."
        )
    )
    risk_lines = ExplanationLineSerializer(many=True)
    outlook = serializers.ListField(child=serializers.CharField(), help_text=_("What would move the grade."))


class CreditGradeDetailSerializer(CreditGradeSerializer):
    explanation = serializers.SerializerMethodField()

    class Meta(CreditGradeSerializer.Meta):
        fields = [*CreditGradeSerializer.Meta.fields, "explanation"]
        read_only_fields = fields

    @extend_schema_field(ExplanationSerializer)
    def get_explanation(self, grade: CreditGrade) -> dict:
        return ExplanationSerializer(grade_explanation(grade)).data


class GradeChangeSerializer(serializers.ModelSerializer):
    model_version = serializers.IntegerField(source="model.version", read_only=True)

    class Meta:
        model = GradeChange
        fields = [
            "id",
            "at",
            "previous_grade",
            "grade",
            "computed_grade",
            "score",
            "cause",
            "detail",
            "model_version",
            "override",
        ]
        read_only_fields = fields


# The scoring model.


class WeightSerializer(serializers.Serializer):
    points = serializers.FloatField(help_text=_("Points per unit of the indicator's value (negative takes off)."))
    cap = serializers.FloatField(
        required=False, allow_null=True, help_text=_("The most the indicator can add or take off; none if left out.")
    )


class ScoringModelSerializer(serializers.ModelSerializer):
    weights = serializers.DictField(child=WeightSerializer(), help_text=_("By grade indicator code."))
    risk_weights = serializers.DictField(child=WeightSerializer(), help_text=_("By risk indicator code."))
    recency_factors = serializers.ListField(
        child=serializers.FloatField(),
        help_text=_("The weight of a spot-check verdict by its year of age: one factor per year of the window."),
    )
    draw_weights = serializers.DictField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=_("By grade (A, B, C): how heavily each grade's stratum is drawn; the latest version's if omitted."),
    )

    class Meta:
        model = ScoringModel
        fields = [
            "version",
            "effective_from",
            "lookback_years",
            "recency_factors",
            "base_score",
            "grade_a_min",
            "grade_b_min",
            "a_needs_conforming_check",
            "draw_weights",
            "weights",
            "risk_weights",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["version", "created_by", "created_at"]
        # Versions are never edited; the service numbers them and checks the thresholds.
        validators = []
        extra_kwargs = {"note": {"allow_blank": True}}


# Overrides.


class GradeOverrideSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = GradeOverride
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "grade",
            "reason",
            "expires_on",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "ended_at",
            "end_reason",
        ]
        read_only_fields = fields


class OverrideRequestSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=enterprises_on_file())
    grade = serializers.ChoiceField(choices=Grade.choices)
    reason = serializers.CharField(allow_blank=True)
    expires_on = serializers.DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_enterprise_choices(self)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OverrideEndSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("Why the override ends before its expiry."))


# The serious-dishonesty list (严重违法失信名单) and early removal.

# What only staff and the enterprise itself read of an entry: the procedure, its statement and the decision's reasons
# (everyone else reads what the listing decision published).
PRIVATE_ENTRY_FIELDS = (
    "facts",
    "notice_number",
    "notified_at",
    "served_on",
    "served_how",
    "statement_due",
    "statement_due_provisional",
    "statement",
    "statement_at",
    "statement_on_paper",
    "consent_reference",
    "consent_on",
    "decided_at",
    "decision_note",
    "proposed_at",
)


class ListingGroundSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListingGround
        fields = ["id", "code", "title", "legal_basis", "order", "active"]


class BlacklistEntrySerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    ground = serializers.CharField(source="ground.code", read_only=True)
    ground_title = serializers.CharField(source="ground.title", read_only=True)
    penalty_decision_number = serializers.CharField(
        source="penalty.decision_number", read_only=True, allow_null=True, default=None
    )
    penalty_decided_on = serializers.DateField(
        source="penalty.decided_on", read_only=True, allow_null=True, default=None
    )
    early_removal_from = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("Early removal can be requested from this day.")
    )
    expires_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("The listing ends by itself on this day.")
    )
    served_how = ServedHowField()
    statement_due_provisional = ProvisionalField("statement_due", allow_null=True)

    class Meta:
        model = BlacklistEntry
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "ground",
            "ground_title",
            "penalty_decision_number",
            "penalty_decided_on",
            "status",
            *PRIVATE_ENTRY_FIELDS,
            "decision_number",
            "published_on",
            "early_removal_from",
            "expires_on",
            "removed_on",
            "removal_kind",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"allow_null": True} for name in PRIVATE_ENTRY_FIELDS}  # null to those who may not see

    def to_representation(self, entry):
        data = super().to_representation(entry)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        own = user is not None and getattr(user, "enterprise_id", None) == entry.enterprise_id
        if user is None or not (user.has_perm("credit.view_grades") or own):
            for name in PRIVATE_ENTRY_FIELDS:
                data[name] = None
        return data


class ListingProposeSerializer(serializers.Serializer):
    """A proposal: the service checks the ground is in force, the penalty is the enterprise's and heavier, and
    that no listing of the enterprise is under way or in force."""

    enterprise = serializers.PrimaryKeyRelatedField(queryset=enterprises_on_file())
    ground = serializers.SlugRelatedField(slug_field="code", queryset=ListingGround.objects.all())
    penalty_decision_number = serializers.CharField(
        max_length=64, help_text=_("The heavier administrative penalty decision the listing rests on.")
    )
    facts = serializers.CharField(allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_enterprise_choices(self)


class NoticeSerializer(serializers.Serializer):
    notice_number = serializers.CharField(max_length=64, allow_blank=True)


class StatementSerializer(serializers.Serializer):
    statement = serializers.CharField(
        allow_blank=True, max_length=STATEMENT_MAX, help_text=_("The statement and defence (陈述、申辩).")
    )


class ConsentSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=64, allow_blank=True)
    consent_on = serializers.DateField()


class ListingDecisionSerializer(serializers.Serializer):
    list = serializers.BooleanField(help_text=_("True lists the enterprise; false decides not to list."))
    reasons = serializers.CharField(allow_blank=True)
    decision_number = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)


class AttestSerializer(serializers.Serializer):
    penalty_fulfilled = serializers.BooleanField()
    penalty_note = serializers.CharField(allow_blank=True)
    harm_removed = serializers.BooleanField()
    harm_note = serializers.CharField(allow_blank=True)


class RepairAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RepairAttachment
        fields = ["id", "original_name", "sha256", "uploaded_at"]
        read_only_fields = fields


class RemovalConditionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    holds = serializers.BooleanField(allow_null=True)
    source = serializers.CharField()
    detail = serializers.CharField()


class CreditRepairSerializer(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="entry.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="entry.enterprise.name", read_only=True)
    decision_number = serializers.CharField(source="entry.decision_number", read_only=True)
    attachments = RepairAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = CreditRepair
        fields = [
            "id",
            "entry",
            "enterprise",
            "enterprise_name",
            "decision_number",
            "statement",
            "attachments",
            "applied_by",
            "applied_at",
            "attested_by",
            "attested_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class CreditRepairDetailSerializer(CreditRepairSerializer):
    """One application with each condition of early removal: whether it holds, and where that was read."""

    conditions = serializers.SerializerMethodField()

    class Meta(CreditRepairSerializer.Meta):
        fields = [*CreditRepairSerializer.Meta.fields, "conditions"]
        read_only_fields = fields

    @extend_schema_field(RemovalConditionSerializer(many=True))
    def get_conditions(self, repair) -> list:
        return RemovalConditionSerializer(early_removal_conditions(repair), many=True).data


class RepairApplySerializer(serializers.Serializer):
    statement = serializers.CharField(
        allow_blank=True, max_length=STATEMENT_MAX, help_text=_("How the penalty was fulfilled and the harm removed.")
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)

    def validate_files(self, files: list) -> list:
        return UploadsField(required=False).clean(files)  # the same type and size checks as the form


# Warnings and runs.


class RiskWarningSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, allow_null=True)
    district_name = serializers.CharField(source="district.name", read_only=True, allow_null=True)

    class Meta:
        model = RiskWarning
        fields = [
            "id",
            "kind",
            "enterprise",
            "enterprise_name",
            "industry",
            "industry_name",
            "district",
            "district_name",
            "raised_at",
            "value",
            "previous_value",
            "details",
            "status",
            "acknowledged_by",
            "acknowledged_at",
            "note",
        ]
        read_only_fields = fields


class CreditRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobRun
        fields = ["id", "name", "status", "started_at", "finished_at", "counts", "error", "worker"]
        read_only_fields = fields
