"""What the open-data API publishes of each record: the published snapshot of a result, a campaign's plan, what a
dishonesty-list decision published, an honour's certificate, and an enterprise's public profile. Read-only."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from brands.choices import ProgrammeKind
from brands.models import Honour
from credit.choices import Grade
from credit.models import BlacklistEntry
from enterprises.models import Enterprise
from inspections.models import Campaign, PublishedResult


class OpenDataResultSerializer(serializers.ModelSerializer):
    """A published spot-check result, as the bureau published it (质量信息公告), with the enterprise's reply."""

    enterprise = serializers.IntegerField(
        source="enterprise_id", read_only=True, help_text=_("The enterprise's id (see /api/v1/public/enterprises/).")
    )
    campaign_title = serializers.CharField(source="campaign.title", read_only=True)
    year = serializers.IntegerField(source="campaign.year", read_only=True)

    class Meta:
        model = PublishedResult
        fields = [
            "id",
            "published_at",
            "campaign",
            "campaign_title",
            "year",
            "enterprise",
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
            "reply",
            "replied_at",
        ]
        read_only_fields = fields


class OpenDataCampaignSerializer(serializers.ModelSerializer):
    """A spot-check campaign with something public (a published result or a draw)."""

    product_categories = serializers.ListField(source="categories", child=serializers.CharField(), read_only=True)
    published_count = serializers.IntegerField(read_only=True, help_text=_("Its published results."))

    class Meta:
        model = Campaign
        fields = [
            "id",
            "year",
            "title",
            "legal_basis",
            "product_categories",
            "is_food",
            "period_start",
            "period_end",
            "status",
            "published_count",
        ]
        read_only_fields = fields


class OpenDataBlacklistEntrySerializer(serializers.ModelSerializer):
    """An entry in force on the dishonesty list: only what the decision published."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)

    class Meta:
        model = BlacklistEntry
        fields = ["id", "enterprise", "enterprise_name", "credit_code", "ground", "decision_number", "published_on"]
        read_only_fields = fields


class OpenDataHonourSerializer(serializers.ModelSerializer):
    """A famous-brand product or quality award in force."""

    programme_kind = serializers.ChoiceField(source="programme.kind", choices=ProgrammeKind.choices, read_only=True)
    programme_title = serializers.CharField(source="programme.title", read_only=True)
    year = serializers.IntegerField(source="programme.year", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Honour
        fields = [
            "id",
            "certificate_number",
            "title",
            "programme_kind",
            "programme_title",
            "year",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "product_name",
            "awarded_on",
            "valid_until",
        ]
        read_only_fields = fields


class OpenDataEnterpriseSerializer(serializers.ModelSerializer):
    """An enterprise with something published, with how much of each."""

    district = serializers.CharField(source="district.name", read_only=True)
    industry = serializers.CharField(source="industry.name", read_only=True)
    published_count = serializers.IntegerField(read_only=True, help_text=_("Its published results."))
    honour_count = serializers.IntegerField(read_only=True, help_text=_("Its honours in force."))
    is_listed = serializers.BooleanField(read_only=True, help_text=_("On the dishonesty list."))
    credit_grade = serializers.ChoiceField(
        choices=Grade.choices,
        read_only=True,
        allow_null=True,
        help_text=_("The quality credit grade in force; null when the bureau does not publish grades, or none yet."),
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "district",
            "industry",
            "published_count",
            "honour_count",
            "is_listed",
            "credit_grade",
        ]
        read_only_fields = fields


class OpenDataListingSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlacklistEntry
        fields = ["id", "ground", "decision_number", "published_on"]
        read_only_fields = fields


class OpenDataEnterpriseHonourSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Honour
        fields = ["id", "certificate_number", "title", "product_name", "awarded_on", "valid_until"]
        read_only_fields = fields


class OpenDataEnterpriseProfileSerializer(OpenDataEnterpriseSerializer):
    """An enterprise's public profile: its published results (each with its reply), its honours in force, its
    listing in force, and its grade where the bureau publishes grades. Read from portal.selectors.EnterpriseProfile,
    whose parts the view sets on the enterprise (see public_parts)."""

    listing = OpenDataListingSerializer(source="public_listing", read_only=True, allow_null=True)
    honours = OpenDataEnterpriseHonourSerializer(source="public_honours", many=True, read_only=True)
    results = OpenDataResultSerializer(source="public_results", many=True, read_only=True)

    class Meta(OpenDataEnterpriseSerializer.Meta):
        fields = [*OpenDataEnterpriseSerializer.Meta.fields, "listing", "honours", "results"]
        read_only_fields = fields


def public_parts(profile) -> Enterprise:
    """The profile's enterprise carrying its published parts, as OpenDataEnterpriseProfileSerializer reads them."""
    enterprise = profile.enterprise
    enterprise.public_listing = profile.listing
    enterprise.public_honours = profile.honours
    enterprise.public_results = profile.results
    return enterprise
