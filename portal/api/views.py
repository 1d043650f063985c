"""The open-data API under /api/v1/public/: read-only, without an account, limited per network address, in JSON
(the default) or CSV (`?format=csv`, one page of `?page_size=` up to 500 rows). It serves exactly what the public
pages show, read through portal.selectors: anything unpublished answers 404, as if it did not exist."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from portal import selectors
from portal.api import serializers
from portal.api.pagination import OpenDataPagination
from portal.api.renderers import CSVRenderer
from portal.api.throttling import PublicRateThrottle
from portal.filtersets import (
    PublicBlacklistFilterSet,
    PublicCampaignFilterSet,
    PublicEnterpriseFilterSet,
    PublicHonourFilterSet,
    PublicResultFilterSet,
)

FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv"],
    description="The response format: JSON (the default) or CSV (UTF-8 with a byte-order mark, one row per record).",
)


class OpenDataSchema(AutoSchema):
    """A CSV response is text, one row per record with a header row, not the JSON object (whose field names are
    the columns)."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for response in (operation or {}).get("responses", {}).values():
            content = response.get("content", {})
            if CSVRenderer.media_type in content:
                content[CSVRenderer.media_type] = {
                    "schema": {
                        "type": "string",
                        "description": "UTF-8 with a byte-order mark; a header row with the JSON field names "
                        "(a nested object's as parent.field), then one row per record of the page.",
                    }
                }
        return operation


def _documented(tag: str):
    return extend_schema_view(
        list=extend_schema(tags=[tag], parameters=[FORMAT]),
        retrieve=extend_schema(tags=[tag], parameters=[FORMAT]),
    )


class OpenDataViewSet(viewsets.ReadOnlyModelViewSet):
    """Public and read-only: no sign-in (a credential sent along is ignored), throttled per address."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = OpenDataPagination
    lookup_value_regex = r"\d{1,18}"  # a primary key; anything else is not found
    export_name = "export"
    schema = OpenDataSchema()


@_documented("public")
class PublicResultViewSet(OpenDataViewSet):
    """Published spot-check results across campaigns (质量信息公告), newest first, with the enterprise's reply.
    Search by enterprise (name contains, or the exact credit code), product, verdict, campaign and year. A result
    not published, or withdrawn, is not found."""

    serializer_class = serializers.OpenDataResultSerializer
    filterset_class = PublicResultFilterSet
    ordering_fields = ["published_at", "enterprise_name", "id"]
    ordering = ["-published_at", "-id"]
    export_name = "results"

    def get_queryset(self):
        return selectors.result_rows()


@_documented("public")
class PublicCampaignViewSet(OpenDataViewSet):
    """Spot-check campaigns with something public (a published result or a draw), newest first, with their count
    of published results."""

    serializer_class = serializers.OpenDataCampaignSerializer
    filterset_class = PublicCampaignFilterSet
    ordering_fields = ["year", "id"]
    ordering = ["-year", "-id"]
    export_name = "campaigns"

    def get_queryset(self):
        return selectors.campaigns()


@_documented("public")
class PublicBlacklistViewSet(OpenDataViewSet):
    """The dishonesty list (失信名单): entries in force, as their decisions published them. An entry removed after
    credit repair, or dated ahead, is not found."""

    serializer_class = serializers.OpenDataBlacklistEntrySerializer
    filterset_class = PublicBlacklistFilterSet
    ordering_fields = ["published_on", "id"]
    ordering = ["-published_on", "-id"]
    export_name = "blacklist"

    def get_queryset(self):
        return selectors.blacklist_rows(timezone.localdate())


@_documented("public")
class PublicHonourViewSet(OpenDataViewSet):
    """Famous-brand products and quality awards in force. A revoked or expired honour is not found."""

    serializer_class = serializers.OpenDataHonourSerializer
    filterset_class = PublicHonourFilterSet
    ordering_fields = ["awarded_on", "valid_until", "certificate_number"]
    ordering = ["-awarded_on", "certificate_number"]
    export_name = "honours"

    def get_queryset(self):
        return selectors.honours(timezone.localdate())


@_documented("public")
class PublicEnterpriseViewSet(OpenDataViewSet):
    """Enterprises with something published: a published result, an honour in force, or a listing in force. Any
    other enterprise is not found. The credit grade is given only where the bureau publishes grades."""

    filterset_class = PublicEnterpriseFilterSet
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]
    export_name = "enterprises"

    def get_queryset(self):
        return selectors.public_enterprises(timezone.localdate())

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.OpenDataEnterpriseProfileSerializer
        return serializers.OpenDataEnterpriseSerializer

    def retrieve(self, request, *args, **kwargs):
        """An enterprise's public profile: its published results with its replies, its honours in force, its
        listing in force, and its grade where the bureau publishes grades."""
        try:
            profile = selectors.enterprise_profile(int(kwargs["pk"]), today=timezone.localdate())
        except ObjectDoesNotExist:  # nothing about it is published
            raise Http404 from None
        return Response(self.get_serializer(serializers.public_parts(profile)).data)
