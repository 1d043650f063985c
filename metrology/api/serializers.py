"""Serializers of the metrology API: they check the input's shape and render records; writes go through
metrology.services."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import NamedEnumField
from enterprises.selectors import districts, enterprises_on_file
from metrology.choices import DueState, FilingStatus, InstrumentStatus, VerificationResult, VerificationSource
from metrology.models import Instrument, InstrumentCategory, Verification


class EnumField(NamedEnumField):
    enum_prefix = "Metrology"


class InstrumentCategorySerializer(serializers.ModelSerializer):
    purpose = serializers.CharField(read_only=True)

    class Meta:
        model = InstrumentCategory
        fields = ["code", "name", "purpose", "regulation", "interval_months", "active"]


class InstrumentSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    district = serializers.CharField(source="district.name", read_only=True)
    filing_status = EnumField(FilingStatus, read_only=True)
    status = EnumField(InstrumentStatus, read_only=True)
    last_result = serializers.CharField(read_only=True, help_text=_("passed, failed, or empty: never verified."))
    due_state = serializers.SerializerMethodField()
    not_for_trade = serializers.SerializerMethodField(
        help_text=_("True: must not be used for trade settlement (failed, run out, or never verified).")
    )

    class Meta:
        model = Instrument
        fields = [
            "id",
            "category",
            "enterprise",
            "owner_name",
            "district",
            "location",
            "maker",
            "model_name",
            "serial",
            "institution",
            "last_verified_on",
            "last_result",
            "certificate_number",
            "next_due_on",
            "filing_status",
            "filing_comment",
            "status",
            "due_state",
            "not_for_trade",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=DueState.choices))
    def get_due_state(self, instrument) -> str:
        return instrument.due_state_on(timezone.localdate(), settings.METROLOGY_DUE_SOON_DAYS)

    def get_not_for_trade(self, instrument) -> bool:
        return instrument.not_for_trade_on(timezone.localdate())


class InstrumentFileSerializer(serializers.Serializer):
    """An instrument to file. An owner's enterprise and district are its file's whatever it sends; the metrology
    section gives the owner (an enterprise file, or a stall holder's name) and the district."""

    category = serializers.SlugRelatedField(slug_field="code", queryset=InstrumentCategory.objects.filter(active=True))
    location = serializers.CharField(max_length=255)
    maker = serializers.CharField(max_length=128)
    model_name = serializers.CharField(max_length=64)
    serial = serializers.CharField(max_length=64)
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=enterprises_on_file(), required=False, allow_null=True, default=None
    )
    owner_name = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    district = serializers.PrimaryKeyRelatedField(queryset=districts(), required=False, allow_null=True, default=None)


class InstrumentUpdateSerializer(serializers.Serializer):
    location = serializers.CharField(max_length=255, required=False)
    maker = serializers.CharField(max_length=128, required=False)
    model_name = serializers.CharField(max_length=64, required=False)
    serial = serializers.CharField(max_length=64, required=False)


class InstrumentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class VerificationSerializer(serializers.ModelSerializer):
    result = EnumField(VerificationResult, read_only=True)
    source = EnumField(VerificationSource, read_only=True)

    class Meta:
        model = Verification
        fields = [
            "id",
            "instrument",
            "verified_on",
            "result",
            "certificate_number",
            "institution",
            "valid_until",
            "source",
            "recorded_at",
        ]
        read_only_fields = fields


class VerificationRecordSerializer(serializers.Serializer):
    verified_on = serializers.DateField()
    result = EnumField(VerificationResult)
    certificate_number = serializers.CharField(max_length=64)
    institution = serializers.CharField(max_length=128)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class PublicStatusSerializer(serializers.Serializer):
    """What the public sees of a certificate: no more than the sticker and the register say."""

    certificate_number = serializers.CharField()
    category = serializers.CharField(source="category.name")
    maker = serializers.CharField()
    model_name = serializers.CharField()
    serial = serializers.CharField()
    owner_name = serializers.CharField()
    location = serializers.CharField()
    last_verified_on = serializers.DateField(allow_null=True)
    last_result = serializers.CharField()
    institution = serializers.CharField()
    next_due_on = serializers.DateField(allow_null=True)
    not_for_trade = serializers.BooleanField()


class RateSerializer(serializers.Serializer):
    category = serializers.CharField(allow_null=True)
    district = serializers.CharField(allow_null=True)
    total = serializers.IntegerField()
    valid = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
