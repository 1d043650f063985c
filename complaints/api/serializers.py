"""Serializers of the complaints API: they check the shape of the input and render records; every write goes
through complaints.services. The public ones show a complaint's status and reply, never who complained, the
internal notes, the handler or the enterprise linked."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.choices import ComplaintKind, ComplaintStatus, NominationStatus, Outcome, RefusalReason
from complaints.clocks import with_countdowns
from complaints.forms import MAX_PHOTOS, handler_roles, lazy_format
from complaints.models import Complaint, ComplaintPhoto
from core.api.fields import NamedEnumField
from core.files import PHOTO_TYPES, UploadsField
from enterprises.selectors import districts, enterprises_on_file, enterprises_visible_to, products
from inspections.selectors import draft_campaigns


class EnumField(NamedEnumField):
    enum_prefix = "Complaint"


# The public's side.


class ComplaintFileSerializer(serializers.Serializer):
    """A complaint (named: contact name, phone and address and the business complained about in enterprise_name)
    or a tip (anonymous if wished, then optionally with a reward code) from the public (multipart, with up to
    MAX_PHOTOS photos)."""

    kind = EnumField(ComplaintKind)
    product_name = serializers.CharField(max_length=128, allow_blank=True)
    brand = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    enterprise_name = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default="", help_text=_("Maker or seller, as reported.")
    )
    place = serializers.CharField(max_length=255, allow_blank=True)
    district = serializers.PrimaryKeyRelatedField(queryset=districts(), required=False, allow_null=True, default=None)
    description = serializers.CharField(max_length=5000, allow_blank=True)
    anonymous = serializers.BooleanField(required=False, default=False)
    contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required unless an anonymous tip; an anonymous tip keeps no contact."),
    )
    contact_address = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text=_("Required for a complaint.")
    )
    reward_code = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("An anonymous tip only: return a reward code, once, to claim a reward later."),
    )
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=lazy_format(_("JPEG, PNG, HEIC or WebP photos, at most %(count)s."), count=MAX_PHOTOS),
    )

    def validate_photos(self, photos: list) -> list:
        if len(photos) > MAX_PHOTOS:
            raise serializers.ValidationError(_("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS})
        return UploadsField(types=PHOTO_TYPES, types_label=_("photos"), required=False).clean(photos)

    def values(self) -> dict:
        """The `values` of complaints.services.complaint_file (no contact at all when anonymous)."""
        data = dict(self.validated_data)
        data.pop("photos", None)
        if data["anonymous"]:
            data.pop("contact_name"), data.pop("contact_phone"), data.pop("contact_address")
        return data


class ComplaintReceiptSerializer(serializers.ModelSerializer):
    """What the complainant gets back: the number to follow it by."""

    status = EnumField(ComplaintStatus, read_only=True)
    track_url = serializers.SerializerMethodField(help_text=_("The API address to follow it."))
    reward_code = serializers.SerializerMethodField(
        help_text=_("Only when asked for: the reward code, given this once and never stored (keep it).")
    )

    class Meta:
        model = Complaint
        fields = ["tracking_number", "status", "received_at", "track_url", "reward_code"]
        read_only_fields = fields

    def get_track_url(self, complaint) -> str:
        return reverse("v1:complaint-track-detail", args=[complaint.tracking_number])

    def get_reward_code(self, complaint) -> str | None:
        return getattr(complaint, "reward_code", "") or None


class DeadlineSerializer(serializers.Serializer):
    """A running clock: the step waited for, its last day, the working days left or whether it is overdue."""

    step = serializers.CharField(source="key", help_text=_("accept, mediation, decision or notice."))
    label = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    working_days_left = serializers.IntegerField(source="days_left", allow_null=True)
    overdue = serializers.BooleanField()


class ClocksMixin(serializers.Serializer):
    deadlines = serializers.SerializerMethodField(help_text=_("The clocks still running, with their countdowns."))
    extended = serializers.SerializerMethodField(help_text=_("A tip's decision period was extended (once)."))

    public_steps = None  # every step; the public's serializer leaves out the tipster's notice

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, complaint) -> list:
        clocks = [c for c in with_countdowns(complaint) if self.public_steps is None or c.key in self.public_steps]
        return DeadlineSerializer(clocks, many=True).data

    def get_extended(self, complaint) -> bool:
        return complaint.extended_at is not None


class PublicComplaintSerializer(ClocksMixin, serializers.ModelSerializer):
    """A complaint's public status with its running clocks: the outcome and the reply once it is closed, nothing
    about who filed it."""

    public_steps = ("accept", "mediation", "decision")

    kind = EnumField(ComplaintKind, read_only=True)
    status = EnumField(ComplaintStatus, read_only=True)
    received_on = serializers.SerializerMethodField()
    outcome = EnumField(Outcome, read_only=True, allow_null=True, help_text=_("Once resolved."))
    reply = serializers.CharField(
        source="public_reply", read_only=True, allow_null=True, help_text=_("The bureau's reply, once closed.")
    )

    class Meta:
        model = Complaint
        fields = [
            "tracking_number",
            "kind",
            "product_name",
            "received_on",
            "status",
            "outcome",
            "reply",
            "deadlines",
            "extended",
        ]
        read_only_fields = fields

    def get_received_on(self, complaint) -> datetime.date:
        return timezone.localdate(complaint.received_at)

    def to_representation(self, complaint) -> dict:
        data = super().to_representation(complaint)
        if complaint.status not in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED):
            data["outcome"] = data["reply"] = None
        return data


class NominationSubmitSerializer(serializers.Serializer):
    product_name = serializers.CharField(max_length=128, allow_blank=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class NominationReceiptSerializer(serializers.Serializer):
    product_name = serializers.CharField(read_only=True)
    status = EnumField(NominationStatus, read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)


class NominationCountSerializer(serializers.Serializer):
    product_name = serializers.CharField(read_only=True)
    nominations = serializers.IntegerField(read_only=True, help_text=_("Open nominations of this product."))


class AdoptSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=draft_campaigns(), help_text=_("A draft campaign."))
    product_names = serializers.ListField(child=serializers.CharField(max_length=128), allow_empty=True)


class AdoptResultSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(read_only=True)
    adopted = serializers.IntegerField(read_only=True, help_text=_("Nominations taken into the campaign."))
    product_categories = serializers.ListField(child=serializers.CharField(), read_only=True)


# The bureau's side.


class ComplaintPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Download address (staff, or the complaint's handler)."))

    class Meta:
        model = ComplaintPhoto
        fields = ["id", "original_name", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        return reverse("v1:complaint-photo", args=[photo.complaint_id, photo.pk])


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint in the staff list, with the last days of its clocks."""

    kind = EnumField(ComplaintKind, read_only=True)
    status = EnumField(ComplaintStatus, read_only=True)
    outcome = EnumField(Outcome, read_only=True, allow_null=True)
    district_name = serializers.CharField(source="district.name", read_only=True, allow_null=True)
    linked_enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True)
    assigned_to_name = serializers.CharField(source="assigned_to.get_full_name", read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_number",
            "kind",
            "status",
            "product_name",
            "brand",
            "enterprise_name",
            "place",
            "district",
            "district_name",
            "received_at",
            "enterprise",
            "linked_enterprise_name",
            "product",
            "assigned_to",
            "assigned_to_name",
            "outcome",
            "led_to_case",
            "closed_at",
            "accept_due",
            "mediation_due",
            "decision_due",
            "notice_due",
        ]
        read_only_fields = fields


class ComplaintDetailSerializer(ClocksMixin, ComplaintSerializer):
    """A complaint with the complainant's contact, the handling, the reply, the internal note and the photos."""

    photos = ComplaintPhotoSerializer(many=True, read_only=True)
    refusal_reason = EnumField(RefusalReason, read_only=True, allow_null=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "description",
            "anonymous",
            "contact_name",
            "contact_phone",
            "contact_address",
            "refusal_reason",
            "extended_at",
            "extended_by",
            "extension_reason",
            "tipster_notified_at",
            "tipster_notified_by",
            "tipster_notice",
            "major_violation",
            "reward_claimed_at",
            "claimant_name",
            "claimant_phone",
            "deadlines",
            "extended",
            "triaged_by",
            "triaged_at",
            "public_reply",
            "internal_note",
            "closed_by",
            "reward_amount",
            "reward_note",
            "reward_recorded_by",
            "photos",
        ]
        read_only_fields = fields


class LinkSerializer(serializers.Serializer):
    """The enterprise and product a complaint concerns and who handles it. On update, a field left out keeps its
    value; null unlinks the enterprise or product."""

    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=enterprises_on_file().none(), required=False, allow_null=True
    )
    product = serializers.PrimaryKeyRelatedField(
        queryset=products(), required=False, allow_null=True, help_text=_("One of the enterprise's.")
    )
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(),
        required=False,
        allow_null=True,
        help_text=_("A member of staff or an inspector."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only enterprises the user may see can be named: another is "not found", like a missing id.
            self.fields["enterprise"].queryset = enterprises_visible_to(request.user)
        self.fields["assigned_to"].queryset = get_user_model().objects.filter(is_active=True, role__in=handler_roles())


class RejectSerializer(serializers.Serializer):
    reason = EnumField(
        RefusalReason, required=False, allow_blank=True, default="", help_text=_("Required for a complaint.")
    )
    reply = serializers.CharField(
        max_length=5000,
        allow_blank=True,
        help_text=_("Why it is not accepted and where to turn; shown to the complainant."),
    )


class ResolveSerializer(serializers.Serializer):
    outcome = EnumField(Outcome)
    reply = serializers.CharField(
        max_length=5000, allow_blank=True, help_text=_("What was found and done; shown to the complainant.")
    )
    led_to_case = serializers.BooleanField(required=False, default=False, help_text=_("A tip only."))
    major_violation = serializers.BooleanField(
        required=False, default=False, help_text=_("A tip that led to a case: about a major violation.")
    )
    note = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text=_("Internal note.")
    )


class ExtendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, help_text=_("Why the period is extended."))


class NotifySerializer(serializers.Serializer):
    how = serializers.CharField(max_length=255, allow_blank=True, help_text=_("How the tipster was told."))


class RewardClaimSerializer(serializers.Serializer):
    """An anonymous tipster names themself with the tracking number and the reward code."""

    number = serializers.CharField(max_length=32)
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=64, allow_blank=True)
    phone = serializers.CharField(max_length=32, allow_blank=True)


class RewardSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, help_text=_("Yuan."))
    note = serializers.CharField(max_length=255, allow_blank=True, help_text=_("The reward decision."))
