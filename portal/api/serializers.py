"""What the open-data API publishes of each record: the published snapshot of a result, a campaign's plan, what a
dishonesty-list decision published, an honour's certificate, and an enterprise's public profile. Read-only."""

from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from brands.choices import ProgrammeKind
from credit.choices import Grade
from inspections.choices import CampaignStatus, Verdict

# Plain serializers over the querysets portal.selectors returns (the records belong to other apps): each field is
# the type, label and help text a ModelSerializer would derive from the model field, so the API and its schema
# read as before. A label is the model field's verbose name (the same message, so the same translation).


class OpenDataResultSerializer(serializers.Serializer):
    """A published spot-check result, as the bureau published it (质量信息公告), with the enterprise's reply."""

    id = serializers.BigIntegerField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, label=capfirst(_("published at")))
    campaign = serializers.IntegerField(source="campaign_id", read_only=True)
    campaign_title = serializers.CharField(source="campaign.title", read_only=True)
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    enterprise = serializers.IntegerField(
        source="enterprise_id", read_only=True, help_text=_("The enterprise's id (see /api/v1/public/enterprises/).")
    )
    enterprise_name = serializers.CharField(read_only=True, label=capfirst(_("enterprise")))
    credit_code = serializers.CharField(read_only=True, label=capfirst(_("unified social credit code")))
    district_name = serializers.CharField(read_only=True, label=capfirst(_("district")))
    product_name = serializers.CharField(read_only=True, label=capfirst(_("product")))
    specification = serializers.CharField(read_only=True, label=capfirst(_("model or specification")))
    trademark = serializers.CharField(read_only=True, label=capfirst(_("trademark")))
    batch_number = serializers.CharField(read_only=True, label=capfirst(_("batch")))
    verdict = serializers.ChoiceField(choices=Verdict.choices, read_only=True, label=capfirst(_("verdict")))
    failed_items = serializers.CharField(read_only=True, label=capfirst(_("failed items")))
    lab_name = serializers.CharField(read_only=True, label=capfirst(_("testing laboratory")))
    reply = serializers.CharField(read_only=True, label=capfirst(_("the enterprise's reply")))
    replied_at = serializers.DateTimeField(read_only=True, allow_null=True, label=capfirst(_("replied at")))


class OpenDataCampaignSerializer(serializers.Serializer):
    """A spot-check campaign with something public (a published result or a draw)."""

    id = serializers.BigIntegerField(read_only=True)
    year = serializers.IntegerField(read_only=True, label=capfirst(_("year")))
    title = serializers.CharField(read_only=True, label=capfirst(_("title")))
    legal_basis = serializers.CharField(read_only=True, label=capfirst(_("legal basis")))
    product_categories = serializers.ListField(source="categories", child=serializers.CharField(), read_only=True)
    is_food = serializers.BooleanField(
        read_only=True,
        label=capfirst(_("food products")),
        help_text=_("Food-safety rules apply: objections within working days rather than calendar days."),
    )
    period_start = serializers.DateField(read_only=True, label=capfirst(_("period starts")))
    period_end = serializers.DateField(read_only=True, label=capfirst(_("period ends")))
    status = serializers.ChoiceField(choices=CampaignStatus.choices, read_only=True, label=capfirst(_("status")))
    published_count = serializers.IntegerField(read_only=True, help_text=_("Its published results."))


class OpenDataBlacklistEntrySerializer(serializers.Serializer):
    """An entry in force on the serious-dishonesty list: only what the decision published."""

    id = serializers.BigIntegerField(read_only=True)
    enterprise = serializers.IntegerField(source="enterprise_id", read_only=True, label=capfirst(_("enterprise")))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    ground = serializers.CharField(source="ground.code", read_only=True, label=capfirst(_("ground")))
    ground_title = serializers.CharField(source="ground.title", read_only=True)
    decision_number = serializers.CharField(read_only=True, label=capfirst(_("decision number")))
    published_on = serializers.DateField(read_only=True, label=capfirst(_("published on")))


class OpenDataHonourSerializer(serializers.Serializer):
    """A famous-brand product or quality award in force."""

    id = serializers.BigIntegerField(read_only=True)
    certificate_number = serializers.CharField(read_only=True, label=capfirst(_("certificate number")))
    title = serializers.CharField(read_only=True, label=capfirst(_("honour")))
    programme_kind = serializers.ChoiceField(source="programme.kind", choices=ProgrammeKind.choices, read_only=True)
    programme_title = serializers.CharField(source="programme.title", read_only=True)
    year = serializers.IntegerField(source="programme.year", read_only=True)
    enterprise = serializers.IntegerField(source="enterprise_id", read_only=True, label=capfirst(_("enterprise")))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True, allow_null=True, default=None)
    conferring_body = serializers.CharField(read_only=True, label=capfirst(_("conferring body")))
    decision_number = serializers.CharField(
        read_only=True, label=capfirst(_("document number")), help_text=_("Blank for an honour on file from before.")
    )
    awarded_on = serializers.DateField(read_only=True, label=capfirst(_("awarded on")))
    valid_until = serializers.DateField(read_only=True, label=capfirst(_("valid until")))


class OpenDataEnterpriseSerializer(serializers.Serializer):
    """An enterprise with something published, with how much of each."""

    id = serializers.BigIntegerField(read_only=True)
    name = serializers.CharField(read_only=True, label=capfirst(_("name")))
    credit_code = serializers.CharField(read_only=True, label=capfirst(_("unified social credit code")))
    district = serializers.CharField(source="district.name", read_only=True)
    industry = serializers.CharField(source="industry.name", read_only=True)
    published_count = serializers.IntegerField(read_only=True, help_text=_("Its published results."))
    honour_count = serializers.IntegerField(read_only=True, help_text=_("Its honours in force."))
    is_listed = serializers.BooleanField(read_only=True, help_text=_("On the serious-dishonesty list."))
    credit_grade = serializers.ChoiceField(
        choices=Grade.choices,
        read_only=True,
        allow_null=True,
        help_text=_("The quality credit grade in force; null when the bureau does not publish grades, or none yet."),
    )


class OpenDataListingSerializer(serializers.Serializer):
    id = serializers.BigIntegerField(read_only=True)
    ground = serializers.CharField(source="ground.code", read_only=True, label=capfirst(_("ground")))
    ground_title = serializers.CharField(source="ground.title", read_only=True)
    decision_number = serializers.CharField(read_only=True, label=capfirst(_("decision number")))
    published_on = serializers.DateField(read_only=True, label=capfirst(_("published on")))


class OpenDataEnterpriseHonourSerializer(serializers.Serializer):
    id = serializers.BigIntegerField(read_only=True)
    certificate_number = serializers.CharField(read_only=True, label=capfirst(_("certificate number")))
    title = serializers.CharField(read_only=True, label=capfirst(_("honour")))
    product_name = serializers.CharField(source="product.name", read_only=True, allow_null=True, default=None)
    conferring_body = serializers.CharField(read_only=True, label=capfirst(_("conferring body")))
    decision_number = serializers.CharField(
        read_only=True, label=capfirst(_("document number")), help_text=_("Blank for an honour on file from before.")
    )
    awarded_on = serializers.DateField(read_only=True, label=capfirst(_("awarded on")))
    valid_until = serializers.DateField(read_only=True, label=capfirst(_("valid until")))


class OpenDataEnterpriseProfileSerializer(OpenDataEnterpriseSerializer):
    """An enterprise's public profile: its published results (each with its reply), its honours in force, its
    listing in force, and its grade where the bureau publishes grades. Read from portal.selectors.EnterpriseProfile,
    whose parts the view sets on the enterprise (see public_parts)."""

    listing = OpenDataListingSerializer(source="public_listing", read_only=True, allow_null=True)
    honours = OpenDataEnterpriseHonourSerializer(source="public_honours", many=True, read_only=True)
    results = OpenDataResultSerializer(source="public_results", many=True, read_only=True)


def public_parts(profile) -> Model:
    """The profile's enterprise carrying its published parts, as OpenDataEnterpriseProfileSerializer reads them."""
    enterprise = profile.enterprise
    enterprise.public_listing = profile.listing
    enterprise.public_honours = profile.honours
    enterprise.public_results = profile.results
    return enterprise
