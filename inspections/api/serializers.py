"""Serializers of the spot-check API: they check the shape of the input and render records; every write goes
through a service, which checks who may act and from which state.

Results are rendered three ways: bureau staff see everything; a laboratory sees the sample blind (its code, the
test items and its own findings, nothing that names the enterprise); an enterprise sees its notified result with
its deadline to object."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from accounts.roles import Role
from core.api.fields import CreditCodeField
from core.api.notices import ProvisionalField, ServedHowField
from core.files import PHOTO_TYPES, UploadsField
from core.filters import MAX_ID
from enterprises.selectors import (
    current_products,
    enterprise_by_credit_code,
    enterprises_on_file,
    enterprises_visible_to,
    register_filter_form,
    standards,
)
from inspections.choices import ReferralSource, SignatureRole, TaskStatus
from inspections.forms import POOL_FILTERS
from inspections.models import (
    Campaign,
    CampaignReferral,
    ConflictDeclaration,
    DecisionProposal,
    Draw,
    FollowUp,
    ItemResult,
    LabTest,
    Objection,
    ProvinceReport,
    PublishedResult,
    RectificationAttachment,
    RedrawRequest,
    SamplingPhoto,
    SamplingRecord,
    SamplingSignature,
    Task,
    TestItem,
)
from inspections.models.campaigns import CAMPAIGN_FIELDS
from inspections.models.tasks import SAMPLING_FIELDS
from inspections.signatures import png_from_data_url


class UserBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


# Campaigns and their test items.

ITEM_FIELDS = [
    "id",
    "name",
    "standard",
    "standard_title",
    "clause",
    "limit_kind",
    "lower",
    "upper",
    "unit",
    "requirement",
    "position",
    "limit_text",
    "product_categories",
    "mandatory",
]


class CampaignItemSerializer(serializers.ModelSerializer):
    """A test item with its limit, as shown inside a campaign or a result."""

    standard = serializers.CharField(source="standard.code", read_only=True)
    standard_title = serializers.CharField(source="standard.title", read_only=True)
    limit_text = serializers.CharField(read_only=True)

    class Meta:
        model = TestItem
        fields = ITEM_FIELDS
        read_only_fields = ITEM_FIELDS


class TestItemSerializer(serializers.ModelSerializer):
    """A test item of a campaign (the standard by its code); the limit is checked by the model like the form."""

    standard = serializers.SlugRelatedField(slug_field="code", queryset=standards())
    standard_title = serializers.CharField(source="standard.title", read_only=True)
    limit_text = serializers.CharField(read_only=True)

    class Meta:
        model = TestItem
        fields = ["campaign", *ITEM_FIELDS]
        validators = []  # one name per campaign is checked by the service (test_item_save → full_clean)

    def validate_campaign(self, campaign: Campaign) -> Campaign:
        if self.instance is not None and campaign.pk != self.instance.campaign_id:
            raise serializers.ValidationError(_("A test item cannot move to another campaign."))
        return campaign


class CampaignReferralSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = CampaignReferral
        fields = ["id", "enterprise", "enterprise_name", "source", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    """The plan. Staff create it and change it while it is a draft; its life is moved on by the actions."""

    lab_name = serializers.CharField(source="lab.name", read_only=True)
    roster = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=User.objects.filter(role=Role.INSPECTOR, is_active=True),
        help_text=_("The draw picks the inspectors of each task from these."),
    )
    pool_filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text=format_lazy(
            _("Filters over the enterprise register that make the eligible pool: {filters}."),
            filters=", ".join(POOL_FILTERS),
        ),
    )
    task_count = serializers.IntegerField(read_only=True)
    final_count = serializers.IntegerField(read_only=True)
    items = CampaignItemSerializer(many=True, read_only=True)
    referrals = CampaignReferralSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            *CAMPAIGN_FIELDS,
            "lab_name",
            "pool_filters",
            "roster",
            "status",
            "created_by",
            "created_at",
            "approved_by",
            "approved_at",
            "started_at",
            "closed_at",
            "close_note",
            "approval_opinion",
            "task_count",
            "final_count",
            "items",
            "referrals",
        ]
        read_only_fields = [
            "status",
            "created_by",
            "created_at",
            "approved_by",
            "approved_at",
            "started_at",
            "closed_at",
            "close_note",
            "approval_opinion",
        ]

    def validate_pool_filters(self, filters: dict) -> dict:
        """The same register filters as the campaign form offers, stored as the FilterSet reads them back."""
        unknown = sorted(set(filters) - set(POOL_FILTERS))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown filters: %(unknown)s. The pool can be filtered by: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(POOL_FILTERS)}
            )
        filters = {name: value.strip() for name, value in filters.items() if value.strip()}
        form = register_filter_form(filters)
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(message) for message in messages] for name, messages in form.errors.items()}
            )
        return filters


class ReferralCreateSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=enterprises_on_file())
    source = serializers.ChoiceField(choices=ReferralSource.choices)
    note = serializers.CharField(max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["enterprise"].queryset = enterprises_visible_to(request.user)


class CommitDrawSerializer(serializers.Serializer):
    witness = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text=_("A value typed by a witness at the commitment: the seed is derived from the bureau's and this."),
    )


class RedrawRequestCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Why the draw must be redone (a leader decides)."))


class RedrawDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(help_text=_("The reason for the decision."))


class RedrawRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = RedrawRequest
        fields = [
            "id",
            "campaign",
            "draw",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    opinion = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PublishSerializer(serializers.Serializer):
    task_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_empty=False,
        help_text=_("The tasks whose final results to publish; all unpublished final results when left out."),
    )


class PublishedCountSerializer(serializers.Serializer):
    published = serializers.IntegerField()


# Draws: public records. The seed and the result stay hidden until the sampling they decided is over (staff see
# them once drawn).


class DrawSerializer(serializers.ModelSerializer):
    campaign_title = serializers.CharField(source="campaign.title", read_only=True)
    is_revealed = serializers.BooleanField(read_only=True)
    excluded_count = serializers.IntegerField(read_only=True, help_text=_("Left out before the seed: unstaffable."))
    seed = serializers.SerializerMethodField(help_text=_("Revealed when the sampling the draw decided is over."))
    result = serializers.SerializerMethodField(help_text=_("Revealed when the sampling the draw decided is over."))

    class Meta:
        model = Draw
        fields = [
            "id",
            "campaign",
            "campaign_title",
            "number",
            "status",
            "reason",
            "failure",
            "algorithm",
            "commitment",
            "witness",
            "inputs_digest",
            "pool_size",
            "excluded_count",
            "strata",
            "committed_at",
            "drawn_at",
            "superseded_at",
            "is_revealed",
            "seed",
            "result",
        ]
        read_only_fields = fields

    def _revealed(self, draw: Draw) -> bool:
        request = self.context.get("request")
        return draw.is_revealed_to(request.user) if request else draw.is_revealed

    def get_seed(self, draw: Draw) -> str | None:
        return draw.seed if self._revealed(draw) else None

    def get_result(self, draw: Draw) -> dict | None:
        return draw.result if self._revealed(draw) else None

    def get_drawn(self, draw: Draw) -> dict | None:
        return draw.drawn if self._revealed(draw) else None


class DrawDetailSerializer(DrawSerializer):
    inputs = serializers.SerializerMethodField(
        help_text=_("The frozen strata (members under pseudonyms), roster and conflicts, as published.")
    )
    drawn = serializers.SerializerMethodField(
        help_text=_("The drawn enterprises and inspectors by id, sorted: revealed with the result.")
    )

    class Meta(DrawSerializer.Meta):
        fields = [*DrawSerializer.Meta.fields, "inputs", "drawn"]
        read_only_fields = fields

    def get_inputs(self, draw: Draw) -> dict:
        return draw.published_inputs()


class DrawBundleSerializer(serializers.Serializer):
    """Everything needed to re-run a draw (the seed and result only once it is made)."""

    draw = serializers.IntegerField()
    campaign = serializers.IntegerField()
    number = serializers.IntegerField()
    commitment = serializers.CharField()
    inputs_digest = serializers.CharField()
    inputs = serializers.DictField()
    witness = serializers.CharField(required=False)
    failure = serializers.CharField(required=False)
    seed = serializers.CharField(required=False)
    result = serializers.DictField(required=False)
    drawn = serializers.DictField(required=False)


class DrawMembershipSerializer(serializers.Serializer):
    """An enterprise's own place in a draw's pool: recompute the pseudonym from the opening and find it."""

    draw = serializers.IntegerField()
    campaign = serializers.IntegerField()
    enterprise = serializers.IntegerField()
    opening = serializers.CharField()
    pseudonym = serializers.CharField()
    stratum = serializers.CharField()
    tickets = serializers.IntegerField()
    drawn = serializers.BooleanField(allow_null=True)


# Tasks and sampling.


class SamplingPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = SamplingPhoto
        fields = ["id", "original_name", "sha256", "uploaded_at", "url"]

    def get_url(self, photo: SamplingPhoto) -> str:
        return reverse("inspections:photo", args=[photo.record.task_id, photo.pk])


class SamplingSignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = SamplingSignature
        fields = ["role", "signer_name", "signed_at", "image_sha256", "record_sha256"]
        read_only_fields = fields


class SamplingRecordSerializer(serializers.ModelSerializer):
    photos = SamplingPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = SamplingRecord
        fields = [
            "id",
            "task",
            "outcome",
            *SAMPLING_FIELDS,
            "refusal_reason",
            "refusal_witness",
            "client_key",
            "sampled_at",
            "filed_by",
            "filed_at",
            "photos",
        ]
        read_only_fields = fields


class SamplingFiledSerializer(SamplingRecordSerializer):
    """The record as filed, with its signatures (their times and the SHA-256 of the record they signed)."""

    signatures = SamplingSignatureSerializer(many=True, read_only=True)

    class Meta(SamplingRecordSerializer.Meta):
        fields = [*SamplingRecordSerializer.Meta.fields, "signatures"]
        read_only_fields = fields


class SignatureSerializer(serializers.Serializer):
    """A signature drawn on the screen: the canvas as a PNG data URL, who signed and when."""

    role = serializers.ChoiceField(choices=SignatureRole.choices)
    signer_name = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")
    image = serializers.CharField(
        max_length=700_000, trim_whitespace=False, help_text=_("data:image/png;base64,... from the canvas")
    )
    signed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_image(self, value: str) -> bytes:
        try:
            return png_from_data_url(value, field="image")
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["image"]) from None


class SamplingSerializer(serializers.ModelSerializer):
    """The sampling record as filed on site (multipart, with the photos). Which fields a sampled record needs, and
    that the product is on the enterprise's file, is checked by the service."""

    refused = serializers.BooleanField(default=False, help_text=_("The enterprise refused to be sampled."))
    refusal_reason = serializers.CharField(required=False, allow_blank=True, default="")
    refusal_witness = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    client_key = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The device's key for this record: a resend with it files nothing new (200 with the record)."),
    )
    photo_keys = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=50,
        help_text=_("Keys of the photos sent ahead to sampling-uploads/."),
    )
    signatures = SignatureSerializer(many=True, required=False, default=list, max_length=3)

    class Meta:
        model = SamplingRecord
        fields = [
            *SAMPLING_FIELDS,
            "refused",
            "refusal_reason",
            "refusal_witness",
            "photos",
            "client_key",
            "photo_keys",
            "signatures",
        ]
        extra_kwargs = {name: {"required": False} for name in SAMPLING_FIELDS}

    def validate_signatures(self, signatures: list) -> list:
        roles = [signature["role"] for signature in signatures]
        if len(set(roles)) != len(roles):
            raise serializers.ValidationError(_("One signature per signer."))
        return signatures

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Current products of the enterprises this user may see; another one is "not found", like a missing id.
            self.fields["product"].queryset = current_products(enterprises=enterprises_visible_to(request.user))

    def validate_photos(self, photos: list) -> list:
        # The same type and size checks as the sampling form.
        field = UploadsField(required=False, types=PHOTO_TYPES, types_label=_("photos (JPEG, PNG, HEIC, WebP)"))
        return field.clean(photos)


class TaskSerializer(serializers.ModelSerializer):
    campaign_title = serializers.CharField(source="campaign.title", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    address = serializers.CharField(source="enterprise.address", read_only=True)
    district_name = serializers.CharField(source="enterprise.district.name", read_only=True)
    inspectors = UserBriefSerializer(many=True, read_only=True)
    sampling = SamplingRecordSerializer(read_only=True, allow_null=True)
    due_on_provisional = ProvisionalField("due_on")
    publish_due_on_provisional = ProvisionalField("publish_due_on")

    class Meta:
        model = Task
        fields = [
            "id",
            "campaign",
            "campaign_title",
            "draw",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "address",
            "district_name",
            "kind",
            "follow_up",
            "recheck_round",
            "inspectors",
            "status",
            "sample_from",
            "due_on",
            "due_on_provisional",
            "free_of_charge",
            "verdict",
            "finalised_at",
            "publish_due_on",
            "publish_due_on_provisional",
            "cancelled_at",
            "cancel_reason",
            "created_at",
            "sampling",
        ]
        read_only_fields = fields


# Laboratory tests.


class ItemResultSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    shown = serializers.CharField(read_only=True)

    class Meta:
        model = ItemResult
        fields = ["item", "item_name", "value", "conforms", "passed", "not_applicable", "note", "shown"]
        read_only_fields = fields


class ObjectionBriefSerializer(serializers.ModelSerializer):
    retest_lab_name = serializers.CharField(source="retest_lab.name", read_only=True)

    class Meta:
        model = Objection
        fields = ["id", "reasons", "filed_at", "retest_lab", "retest_lab_name"]
        read_only_fields = fields


class BlindLabTestSerializer(serializers.ModelSerializer):
    """What a laboratory sees of a sample: its code, the test items with their limits and its own findings. Nothing
    that could name the enterprise (no task, enterprise, product, trademark or batch)."""

    lab_name = serializers.CharField(source="lab.name", read_only=True)
    items = CampaignItemSerializer(source="task.campaign.items", many=True, read_only=True)
    item_results = ItemResultSerializer(many=True, read_only=True)

    class Meta:
        model = LabTest
        fields = [
            "id",
            "blind_code",
            "kind",
            "status",
            "verdict",
            "lab_name",
            "received_at",
            "submitted_at",
            "review_comment",
            "category",
            "items",
            "item_results",
        ]
        read_only_fields = fields


class _SampleLabTestSerializer(BlindLabTestSerializer):
    """The fields that name the campaign and the sample, shared by the staff's and the enterprise's views of a
    result (never by the laboratory's)."""

    campaign = serializers.IntegerField(source="task.campaign_id", read_only=True)
    campaign_title = serializers.CharField(source="task.campaign.title", read_only=True)
    product_name = serializers.CharField(source="task.sampling.product_name", read_only=True, allow_null=True)
    trademark = serializers.CharField(source="task.sampling.trademark", read_only=True, allow_null=True)
    batch_number = serializers.CharField(source="task.sampling.batch_number", read_only=True, allow_null=True)
    objection = ObjectionBriefSerializer(read_only=True, allow_null=True)


class LabTestSerializer(_SampleLabTestSerializer):
    """A result as bureau staff see it: the sample, the enterprise, the laboratory and every step."""

    enterprise = serializers.IntegerField(source="task.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="task.enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="task.enterprise.credit_code", read_only=True)
    served_how = ServedHowField()
    objection_due_on_provisional = ProvisionalField("objection_due_on")

    class Meta:
        model = LabTest
        fields = [
            "id",
            "blind_code",
            "kind",
            "status",
            "verdict",
            "task",
            "campaign",
            "campaign_title",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "product_name",
            "trademark",
            "batch_number",
            "lab",
            "lab_name",
            "received_at",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "approved_at",
            "review_comment",
            "notified_at",
            "served_on",
            "served_how",
            "objection_due_on",
            "objection_due_on_provisional",
            "accepted_at",
            "objection",
            "items",
            "item_results",
        ]
        read_only_fields = fields


class EnterpriseResultSerializer(_SampleLabTestSerializer):
    """A result as notified to the enterprise, with the countdown to its deadline to object."""

    specification = serializers.CharField(source="task.sampling.specification", read_only=True, allow_null=True)
    answerable = serializers.SerializerMethodField(help_text=_("The result can still be accepted or objected to."))
    days_left = serializers.SerializerMethodField(
        help_text=_("Days left to object (0 on the last day); null when no objection can be filed any more.")
    )
    served_how = ServedHowField()
    objection_due_on_provisional = ProvisionalField("objection_due_on")

    class Meta:
        model = LabTest
        fields = [
            "id",
            "blind_code",
            "kind",
            "status",
            "verdict",
            "task",
            "campaign",
            "campaign_title",
            "product_name",
            "specification",
            "trademark",
            "batch_number",
            "lab_name",
            "notified_at",
            "served_on",
            "served_how",
            "objection_due_on",
            "objection_due_on_provisional",
            "answerable",
            "days_left",
            "accepted_at",
            "objection",
            "items",
            "item_results",
        ]
        read_only_fields = fields

    def get_answerable(self, lab_test: LabTest) -> bool:
        return lab_test.is_open_to_answer

    def get_days_left(self, lab_test: LabTest) -> int | None:
        if not lab_test.is_open_to_answer or lab_test.objection_due_on is None:
            return None
        days = (lab_test.objection_due_on - timezone.localdate()).days
        return days if days >= 0 else None


class FindingSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text=_("The test item's id."))
    value = serializers.DecimalField(
        max_digits=16, decimal_places=6, required=False, allow_null=True, help_text=_("For a limit.")
    )
    conforms = serializers.BooleanField(required=False, allow_null=True, help_text=_("For a qualitative requirement."))
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    not_applicable = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("The item does not apply to this sample (not for a mandatory item; the note says why)."),
    )


class FindingsSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)
    category = serializers.CharField(
        max_length=128, required=False, help_text=_("The sample's product category, one of the campaign's.")
    )
    submit = serializers.BooleanField(
        default=False, help_text=_("Submit for review: every item must then have its finding.")
    )

    def validate_findings(self, findings: list[dict]) -> list[dict]:
        items = [finding["item"] for finding in findings]
        if len(items) != len(set(items)):
            raise serializers.ValidationError(_("Give each test item once."))
        return findings

    def findings_by_item(self) -> dict[int, dict]:
        """The findings as the service takes them: {test item id: {"value", "conforms", "note"}}."""
        return {
            finding["item"]: {key: finding.get(key) for key in ("value", "conforms", "note", "not_applicable")}
            for finding in self.validated_data["findings"]
        }


class ResultReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("Approve the result, or return it to the laboratory."))
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required when returning the result.")
    )


class ObjectionFileSerializer(serializers.Serializer):
    reasons = serializers.CharField(allow_blank=True)


class ObjectionSerializer(serializers.ModelSerializer):
    blind_code = serializers.CharField(source="lab_test.blind_code", read_only=True)
    task = serializers.IntegerField(source="lab_test.task_id", read_only=True)
    enterprise = serializers.IntegerField(source="lab_test.task.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="lab_test.task.enterprise.name", read_only=True)
    retest_lab_name = serializers.CharField(source="retest_lab.name", read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "lab_test",
            "blind_code",
            "task",
            "enterprise",
            "enterprise_name",
            "reasons",
            "filed_by",
            "filed_at",
            "retest_lab",
            "retest_lab_name",
            "lab_draw_seed",
            "lab_draw_candidates",
        ]
        read_only_fields = fields


# Follow-up, publication, conflicts.


class RectificationAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = RectificationAttachment
        fields = ["id", "original_name", "sha256", "uploaded_at", "url"]

    def get_url(self, attachment: RectificationAttachment) -> str:
        return reverse("inspections:attachment", args=[attachment.follow_up_id, attachment.pk])


class FollowUpSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    campaign = serializers.IntegerField(source="task.campaign_id", read_only=True)
    campaign_title = serializers.CharField(source="task.campaign.title", read_only=True)
    notice_url = serializers.CharField(read_only=True)  # a URL when given, "" until then: not a "uri" in the schema
    rechecks = serializers.SerializerMethodField(help_text=_("Re-check tasks (for the enterprise, those made)."))
    attachments = RectificationAttachmentSerializer(many=True, read_only=True)
    served_how = ServedHowField()
    rectification_due_on_provisional = ProvisionalField("rectification_due_on")
    first_recheck_due_on_provisional = ProvisionalField("first_recheck_due_on")
    second_recheck_by_provisional = ProvisionalField("second_recheck_by")
    proposals = serializers.SerializerMethodField(
        help_text=_("Decisions proposed on it (for the enterprise, those decided).")
    )

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "task",
            "enterprise",
            "enterprise_name",
            "campaign",
            "campaign_title",
            "stage",
            "outcome",
            "stop_sale_at",
            "stop_sale_lifted_at",
            "ordered_on",
            "served_on",
            "served_how",
            "rectification_due_on",
            "rectification_due_on_provisional",
            "first_recheck_due_on",
            "first_recheck_due_on_provisional",
            "report",
            "report_submitted_at",
            "attachments",
            "first_recheck_failed_on",
            "province_report",
            "notice_on",
            "notice_reference",
            "notice_url",
            "notice_text",
            "second_recheck_from",
            "second_recheck_by",
            "second_recheck_by_provisional",
            "referred_on",
            "referral_authority",
            "referral_reference",
            "closed_at",
            "rechecks",
            "proposals",
        ]
        read_only_fields = fields

    def get_proposals(self, follow_up: FollowUp) -> list[int]:
        """The decisions proposed on this follow-up that the caller may read (an enterprise: those decided)."""
        request = self.context.get("request")
        if request is None:
            return []
        return list(
            DecisionProposal.objects.visible_to(request.user)
            .filter(follow_up=follow_up)
            .order_by("proposed_at", "pk")
            .values_list("pk", flat=True)
        )

    def get_rechecks(self, follow_up: FollowUp) -> list[int]:
        """Staff see every re-check; the enterprise never a visit still to come."""
        request = self.context.get("request")
        staff = request is not None and request.user.has_perm("inspections.view_all_tasks")
        hidden = () if staff else (TaskStatus.ASSIGNED, TaskStatus.CANCELLED)
        return [task.pk for task in follow_up.rechecks.all() if task.status not in hidden]


class RectificationSerializer(serializers.Serializer):
    report = serializers.CharField(
        allow_blank=True, help_text=_("The causes found, the measures taken, and how the products were handled.")
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)

    def validate_files(self, files: list) -> list:
        return UploadsField(required=False).clean(files)  # the same type and size checks as the form


class ProvincialNoticeSerializer(serializers.Serializer):
    notice_on = serializers.DateField(help_text=_("The notice's date: the second re-check window counts from it."))
    reference = serializers.CharField(max_length=200, help_text=_("The notice's number or title."))
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")


class ReferralSerializer(serializers.Serializer):
    authority = serializers.CharField(max_length=200, help_text=_("The authority that received the referral."))
    referred_on = serializers.DateField()
    reference = serializers.CharField(max_length=100)


class ProvinceReportSerializer(serializers.ModelSerializer):
    follow_ups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()
    csv_url = serializers.SerializerMethodField()

    class Meta:
        model = ProvinceReport
        fields = [
            "id",
            "number",
            "created_at",
            "created_by",
            "sent_on",
            "sent_reference",
            "sent_by",
            "follow_ups",
            "pdf_url",
            "csv_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, report: ProvinceReport) -> str:
        return reverse("inspections:province_report_pdf", args=[report.pk])

    def get_csv_url(self, report: ProvinceReport) -> str:
        return reverse("inspections:province_report_csv", args=[report.pk])


class ProvinceReportCreateSerializer(serializers.Serializer):
    follow_ups = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_empty=False,
        help_text=_("The follow-ups to report; every one awaiting a report when left out."),
    )


class ProvinceReportSentSerializer(serializers.Serializer):
    sent_on = serializers.DateField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DecisionProposalSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = DecisionProposal
        fields = [
            "id",
            "kind",
            "status",
            "enterprise",
            "enterprise_name",
            "task",
            "follow_up",
            "grounds",
            "proposed_at",
            "proposed_by",
            "hearing_notified_on",
            "hearing_requested",
            "hearing_held_on",
            "decision_number",
            "decision_on",
            "period_end",
            "amount",
            "measures",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


TEXT_LIMIT = 10_000


class ProposalDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("True: record the decision; false: reject with the opinion."))
    opinion = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decision_on = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("An order to suspend and rectify only.")
    )
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    measures = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")


class ProposalHearingSerializer(serializers.Serializer):
    notified_on = serializers.DateField(required=False, allow_null=True, default=None)
    requested = serializers.BooleanField(required=False, default=False)
    held_on = serializers.DateField(required=False, allow_null=True, default=None)


class ProposeAgainSerializer(serializers.Serializer):
    grounds = serializers.CharField(max_length=TEXT_LIMIT)


class PublishedResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublishedResult
        fields = [
            "id",
            "task",
            "campaign",
            "enterprise_name",
            "credit_code",
            "district_name",
            "product_name",
            "specification",
            "trademark",
            "batch_number",
            "verdict",
            "failed_items",
            "lab_name",
            "published_at",
            "reply",
            "replied_at",
            "withdrawn_at",
            "withdraw_reason",
        ]
        read_only_fields = fields


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=2000, allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ConflictWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=ConflictDeclaration._meta.get_field("withdraw_reason").max_length)


class ConflictSerializer(serializers.ModelSerializer):
    inspector_name = serializers.CharField(source="inspector.get_full_name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = [
            "id",
            "inspector",
            "inspector_name",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "reason",
            "declared_at",
            "withdrawn_at",
            "withdraw_reason",
        ]
        read_only_fields = fields


class ConflictDeclareSerializer(serializers.Serializer):
    """An inspector names the enterprise by its exact credit code: inspectors do not browse the register."""

    credit_code = CreditCodeField()
    reason = serializers.CharField(max_length=255)

    def validate_credit_code(self, code: str) -> Model:
        enterprise = enterprise_by_credit_code(code)
        if enterprise is None:
            raise serializers.ValidationError(_("No enterprise on file has this credit code."))
        return enterprise
