from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.api.fields import CreditCodeField
from core.api.notices import ProvisionalField
from enterprises.choices import ABOLISHED_LICENCE_KINDS, abolished_kind_message
from enterprises.models import (
    CONTACT_FIELDS,
    SELF_REPORT_FIELDS,
    District,
    Enterprise,
    Industry,
    Licence,
    Product,
    ResponsibilityArea,
    SelfReport,
    SelfReportAttachment,
    Standard,
)


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name"]


class ResponsibilityAreaSerializer(serializers.ModelSerializer):
    officer_name = serializers.CharField(source="officer.get_full_name", read_only=True)

    class Meta:
        model = ResponsibilityArea
        fields = ["id", "district", "name", "officer", "officer_name"]


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "code", "section", "name", "name_en"]


ABOLISHED_HELP = _l(
    "Of a kind no longer issued (已取消): the measuring-instrument manufacturing licence, abolished 2017."
)


class LicenceSerializer(serializers.ModelSerializer):
    is_abolished = serializers.BooleanField(read_only=True, help_text=ABOLISHED_HELP)

    class Meta:
        model = Licence
        fields = [
            "id",
            "kind",
            "is_abolished",
            "number",
            "scope",
            "issued_on",
            "expires_on",
            "revoked_on",
            "revocation_reason",
        ]
        read_only_fields = ["revoked_on", "revocation_reason"]


class LicenceWriteSerializer(serializers.ModelSerializer):
    """Licences recorded by bureau staff through the API; validated by the model like the form. A kind that was
    abolished is refused for a new licence (an existing one keeps it)."""

    is_abolished = serializers.BooleanField(read_only=True, help_text=ABOLISHED_HELP)

    class Meta:
        model = Licence
        fields = [
            "id",
            "enterprise",
            "kind",
            "is_abolished",
            "number",
            "scope",
            "issued_on",
            "expires_on",
            "revoked_on",
            "revocation_reason",
        ]
        read_only_fields = ["revoked_on", "revocation_reason"]  # set only by `revoke`
        validators = []  # the model's own constraints are checked by the service (record_save → full_clean)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_enterprise_choices(self)

    def validate_kind(self, kind: str) -> str:
        if kind in ABOLISHED_LICENCE_KINDS and getattr(self.instance, "kind", None) != kind:
            raise serializers.ValidationError(abolished_kind_message(kind))
        return kind


class LicenceRevokeSerializer(serializers.Serializer):
    revoked_on = serializers.DateField()
    revocation_reason = serializers.CharField(allow_blank=True)


class StandardSerializer(serializers.ModelSerializer):
    """A standard a product follows. An enterprise's own standard is self-declared and published (`enterprise`,
    with `published_on`), or filed if it is a food-safety one (`food_safety`, with its filing number and date)."""

    class Meta:
        model = Standard
        fields = ["code", "title", "kind", "published_on", "filing_number", "filed_on"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    standards = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Standard.objects.all(), required=False
    )
    standard_details = StandardSerializer(source="standards", many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "enterprise",
            "name",
            "specification",
            "trademark",
            "standards",
            "standard_details",
            "discontinued_on",
        ]
        read_only_fields = ["discontinued_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_enterprise_choices(self)
        request = self.context.get("request")
        if request is not None:
            # Public standards and the enterprise standards of enterprises this user may see: another firm's own
            # standard is "not found", exactly like a code that does not exist.
            visible = Enterprise.objects.visible_to(request.user)
            self.fields["standards"].child_relation.queryset = Standard.objects.filter(
                Q(owner__isnull=True) | Q(owner__in=visible)
            )

    def validate(self, attrs):
        enterprise = attrs.get("enterprise") or self.instance.enterprise
        for standard in attrs.get("standards", []):
            if standard.owner_id and standard.owner_id != enterprise.pk:
                message = _("%(code)s is another enterprise's own standard.") % {"code": standard.code}
                raise serializers.ValidationError({"standards": [message]})
        return attrs


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = SelfReportAttachment
        fields = ["id", "original_name", "sha256", "uploaded_at", "url"]

    def get_url(self, attachment) -> str:
        return reverse(
            "enterprises:attachment", args=[attachment.report.enterprise_id, attachment.report_id, attachment.pk]
        )


def _limit_enterprise_choices(serializer) -> None:
    """Only enterprises the user may see can be named: another one is "not found", like a missing id."""
    request = serializer.context.get("request")
    if request is not None and "enterprise" in serializer.fields:
        serializer.fields["enterprise"].queryset = Enterprise.objects.visible_to(request.user)


class SelfReportSerializer(serializers.ModelSerializer):
    is_late = serializers.BooleanField(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    due_on_provisional = ProvisionalField("due_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_enterprise_choices(self)

    class Meta:
        model = SelfReport
        fields = [
            "id",
            "enterprise",
            *SELF_REPORT_FIELDS,
            "status",
            "due_on",
            "due_on_provisional",
            "submitted_at",
            "is_late",
            "reviewed_at",
            "review_comment",
            "attachments",
        ]
        read_only_fields = ["status", "due_on", "submitted_at", "is_late", "reviewed_at", "review_comment"]
        validators = []  # one report per quarter is checked by the service, which also allows resubmission


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "return"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class EnterpriseSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    next_licence_expiry = serializers.DateField(source="next_expiry", read_only=True, default=None)
    licences = LicenceSerializer(many=True, read_only=True)
    products = ProductSerializer(many=True, read_only=True)
    self_reports = SelfReportSerializer(many=True, read_only=True)
    credit_code = CreditCodeField(
        label=Enterprise._meta.get_field("credit_code").verbose_name,
        validators=[
            UniqueValidator(
                Enterprise.objects.all(), Enterprise._meta.get_field("credit_code").error_messages["unique"]
            )
        ],
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "legal_representative",
            "address",
            "district",
            "district_name",
            "area",
            "area_name",
            "industry",
            "industry_name",
            "scale",
            "status",
            "contact_person",
            "contact_phone",
            "contact_email",
            "next_licence_expiry",
            "licences",
            "products",
            "self_reports",
            "created_at",
            "updated_at",
        ]


class EnterpriseContactSerializer(serializers.ModelSerializer):
    """What an enterprise user may change in its own file."""

    class Meta:
        model = Enterprise
        fields = list(CONTACT_FIELDS)
