from django.db.models import Prefetch
from rest_framework import viewsets

from core.api.permissions import ActionPermission
from enterprises.api.serializers import (
    DistrictSerializer,
    EnterpriseSerializer,
    IndustrySerializer,
    ResponsibilityAreaSerializer,
)
from enterprises.filtersets import EnterpriseFilterSet
from enterprises.models import District, Industry, Licence, ResponsibilityArea
from enterprises.selectors import register_queryset

REFERENCE_PERMISSIONS = {"list": "enterprises.view_reference_data", "retrieve": "enterprises.view_reference_data"}


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """The enterprise register. An enterprise user's token sees only its own enterprise."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    permission_classes = [ActionPermission]
    action_permissions = {"list": "enterprises.list_enterprises", "retrieve": "enterprises.view_enterprise"}
    ordering_fields = ["name", "credit_code", "created_at", "updated_at"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return register_queryset(self.request.user).prefetch_related(
            Prefetch("licences", queryset=Licence.objects.order_by("expires_on", "pk"))
        )


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    permission_classes = [ActionPermission]
    action_permissions = REFERENCE_PERMISSIONS
    filterset_fields = ["code"]


class ResponsibilityAreaViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ResponsibilityArea.objects.select_related("officer")
    serializer_class = ResponsibilityAreaSerializer
    permission_classes = [ActionPermission]
    action_permissions = REFERENCE_PERMISSIONS
    filterset_fields = ["district"]


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    permission_classes = [ActionPermission]
    action_permissions = REFERENCE_PERMISSIONS
    filterset_fields = ["section", "code"]
