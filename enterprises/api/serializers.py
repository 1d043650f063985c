from rest_framework import serializers

from enterprises.models import District, Enterprise, Industry, Licence, ResponsibilityArea


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


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Licence
        fields = ["id", "kind", "number", "scope", "issued_on", "expires_on"]


class EnterpriseSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    licences = LicenceSerializer(many=True, read_only=True)

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
            "licences",
            "created_at",
            "updated_at",
        ]
