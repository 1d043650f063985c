"""Serializers of the standardization API: they check the input's shape and render records; every write goes
through standards.services."""

from rest_framework import serializers

from core.api.fields import NamedEnumField
from enterprises.choices import StandardKind, StandardStatus
from standards.choices import CheckOutcome, DeclarationPlatform, ProjectLevel, ProjectRole, ProjectStage
from standards.importing import normalise_number
from standards.models import Declaration, DeclaredIndicator, StandardProject
from standards.selectors import standard_model


class EnumField(NamedEnumField):
    enum_prefix = "Standards"


class CatalogueStandardSerializer(serializers.ModelSerializer):
    kind = EnumField(StandardKind, read_only=True)
    status = EnumField(StandardStatus, read_only=True)
    successor_code = serializers.CharField(source="successor.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = standard_model()
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "status",
            "successor",
            "successor_code",
            "issued_on",
            "effective_on",
            "abolished_on",
            "owner",
        ]
        read_only_fields = fields


class StandardNumberField(serializers.CharField):
    """A standard on file, named by its number."""

    default_error_messages = {"unknown": "No standard with this number is on file."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        number = super().run_validation(data)  # the text's own checks (length, blank) first
        if number in ("", None):
            return None
        standard = standard_model().objects.filter(code=normalise_number(number)).first()
        if standard is None:
            self.fail("unknown")
        return standard


class CatalogueLoadSerializer(serializers.Serializer):
    file = serializers.FileField(max_length=255)
    dry_run = serializers.BooleanField(default=True)


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    reason = serializers.CharField()


class LoadResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    is_valid = serializers.BooleanField()
    errors = RowErrorSerializer(many=True)
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    outdated = serializers.IntegerField()


class DeclaredIndicatorSerializer(serializers.ModelSerializer):
    below_national = serializers.BooleanField(read_only=True)

    class Meta:
        model = DeclaredIndicator
        fields = ["name", "unit", "declared_value", "national_value", "higher_is_better", "key", "below_national"]
        extra_kwargs = {"national_value": {"required": False, "allow_null": True}}


class DeclarationSerializer(serializers.ModelSerializer):
    standard_code = serializers.CharField(source="standard.code", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    platform = EnumField(DeclarationPlatform, read_only=True)
    check_outcome = EnumField(CheckOutcome, read_only=True, allow_null=True)
    indicators = DeclaredIndicatorSerializer(many=True, read_only=True)
    url = serializers.CharField(read_only=True)  # the publication's address when given, "" when not: not a "uri"

    class Meta:
        model = Declaration
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "standard",
            "standard_code",
            "declared_on",
            "platform",
            "url",
            "claimed_standard",
            "below_national",
            "check_outcome",
            "checked_on",
            "check_note",
            "withdrawn_on",
            "withdrawal_reason",
            "indicators",
        ]
        read_only_fields = fields


class DeclarationCreateSerializer(serializers.Serializer):
    standard = StandardNumberField()
    declared_on = serializers.DateField()
    platform = EnumField(DeclarationPlatform)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    claimed_standard = StandardNumberField(required=False, allow_null=True, default=None)
    indicators = DeclaredIndicatorSerializer(many=True, required=False, default=list)
    enterprise = serializers.IntegerField(required=False, min_value=1, help_text="Staff declaring for an enterprise.")


class DeclarationCheckSerializer(serializers.Serializer):
    outcome = EnumField(CheckOutcome)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DeclarationWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class OutdatedExecutionSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    product_name = serializers.CharField(source="product.name")
    enterprise = serializers.IntegerField(source="product.enterprise_id")
    enterprise_name = serializers.CharField(source="product.enterprise.name")
    standard = serializers.IntegerField(source="standard_id")
    standard_code = serializers.CharField(source="standard.code")
    status = EnumField(StandardStatus, source="standard.status")
    successor_code = serializers.CharField(source="standard.successor.code", allow_null=True, default=None)


class ProductStandardSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1)
    old = serializers.IntegerField(min_value=1)
    new = StandardNumberField()


class StandardProjectSerializer(serializers.ModelSerializer):
    level = EnumField(ProjectLevel)
    role = EnumField(ProjectRole)
    stage = EnumField(ProjectStage)

    class Meta:
        model = StandardProject
        fields = [
            "id",
            "title",
            "number",
            "level",
            "role",
            "enterprise",
            "body",
            "district",
            "industry",
            "stage",
            "proposed_on",
            "published_on",
        ]
        read_only_fields = fields
