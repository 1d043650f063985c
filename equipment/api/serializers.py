"""Serializers of the equipment API: they check the shape of input and render records; every write goes through
equipment.services. The public one shows a registered unit's inspection status, never defects or people."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import NamedEnumField
from enterprises.selectors import districts, enterprises_on_file, enterprises_visible_to
from equipment.choices import Conclusion, RegistrationStatus, UnitStatus
from equipment.models import Category, Inspection, Registration, Unit


class EnumField(NamedEnumField):
    enum_prefix = "Equipment"


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "inspection_interval_months", "needs_certified_operators"]


class UnitSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    using_unit = serializers.PrimaryKeyRelatedField(read_only=True)
    using_unit_name = serializers.CharField(source="using_unit.name", read_only=True)
    district = serializers.PrimaryKeyRelatedField(read_only=True)
    status = EnumField(UnitStatus, read_only=True)
    last_conclusion = EnumField(Conclusion, read_only=True, allow_null=True)
    must_not_be_used = serializers.SerializerMethodField(
        help_text=_("In use while its periodic inspection is overdue or its last one failed (Art 40).")
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "equipment_code",
            "registration_number",
            "registered_on",
            "category",
            "category_name",
            "using_unit",
            "using_unit_name",
            "district",
            "address",
            "building",
            "maker",
            "model_name",
            "serial_number",
            "made_on",
            "installed_on",
            "put_into_use_on",
            "status",
            "status_since",
            "last_inspected_on",
            "last_conclusion",
            "next_inspection_due",
            "must_not_be_used",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_must_not_be_used(self, unit: Unit) -> bool:
        return unit.must_not_be_used(self.context.get("today") or timezone.localdate())


class RegistrationSerializer(serializers.ModelSerializer):
    status = EnumField(RegistrationStatus, read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "status", "applied_at", "note", "decided_at", "certificate_number", "reason"]


class InspectionSerializer(serializers.ModelSerializer):
    conclusion = EnumField(Conclusion, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "inspected_on",
            "institution",
            "report_number",
            "conclusion",
            "defects",
            "next_due_on",
            "imported",
        ]


class UnitDetailSerializer(UnitSerializer):
    registrations = RegistrationSerializer(many=True, read_only=True)
    inspections = InspectionSerializer(many=True, read_only=True)

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "registrations", "inspections"]


class UnitCreateSerializer(serializers.Serializer):
    """A new unit. A using unit's user enters its own (using_unit, registration_number and the last inspection are
    then ignored); staff name the using unit and may take over a registered, inspected unit."""

    equipment_code = serializers.CharField(max_length=32)
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    using_unit = serializers.PrimaryKeyRelatedField(queryset=enterprises_on_file(), required=False, allow_null=True)
    district = serializers.PrimaryKeyRelatedField(queryset=districts(), required=False, allow_null=True)
    address = serializers.CharField(max_length=255)
    building = serializers.CharField(max_length=128, required=False, allow_blank=True)
    maker = serializers.CharField(max_length=128, required=False, allow_blank=True)
    model_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    serial_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    made_on = serializers.DateField(required=False, allow_null=True)
    installed_on = serializers.DateField(required=False, allow_null=True)
    put_into_use_on = serializers.DateField()
    registration_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    last_inspected_on = serializers.DateField(required=False, allow_null=True)
    last_conclusion = EnumField(Conclusion, required=False, allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        user = self.context["request"].user
        if not user.has_perm("equipment.manage"):
            # A using unit may name only itself: another enterprise's id is refused like a missing one.
            fields["using_unit"].queryset = enterprises_visible_to(user)
        return fields


class ApplySerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AcceptSerializer(serializers.Serializer):
    certificate_number = serializers.CharField(max_length=32)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class InspectionRecordSerializer(serializers.Serializer):
    inspected_on = serializers.DateField()
    report_number = serializers.CharField(max_length=64)
    conclusion = EnumField(Conclusion)
    institution = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    defects = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    next_due_on = serializers.DateField(required=False, allow_null=True, default=None)


class StatusSerializer(serializers.Serializer):
    status = EnumField(UnitStatus)
    since = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PublicUnitSerializer(serializers.ModelSerializer):
    """What the bureau publishes of a registered unit: what and where it is, and its inspection status."""

    category = serializers.CharField(source="category.name", read_only=True)
    using_unit = serializers.CharField(source="using_unit.name", read_only=True)
    district = serializers.CharField(source="district.name", read_only=True)
    status = EnumField(UnitStatus, read_only=True)
    last_conclusion = EnumField(Conclusion, read_only=True, allow_null=True)
    must_not_be_used = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "registration_number",
            "category",
            "using_unit",
            "district",
            "address",
            "building",
            "status",
            "last_inspected_on",
            "last_conclusion",
            "next_inspection_due",
            "must_not_be_used",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_must_not_be_used(self, unit: Unit) -> bool:
        return unit.must_not_be_used(timezone.localdate())
