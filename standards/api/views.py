"""The standardization API. Reads go through the access rules (`visible_to`: another's record answers 404 like a
missing one); writes through standards.services (a refusal is a 403, a broken rule a 400 with field errors)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core.api.parsers import FormParser, JSONParser, MultiPartParser
from core.api.permissions import ActionPermission
from core.api.validation import valid_body
from enterprises import selectors as enterprise_selectors
from standards import selectors, services
from standards.api import serializers
from standards.filtersets import DeclarationFilterSet, StandardFilterSet, StandardProjectFilterSet
from standards.importing import CatalogueFileError, catalogue_load
from standards.models import Declaration, StandardProject
from standards.roles import is_enterprise


class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue of standards, with status and successor. Standards staff load a file of them (dry run by
    default; all or nothing; every row's errors)."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "standards.view_catalogue",
        "retrieve": "standards.view_catalogue",
        "load": "standards.load_catalogue",
    }
    serializer_class = serializers.CatalogueStandardSerializer
    filterset_class = StandardFilterSet
    ordering = ["code"]

    def get_queryset(self):
        return selectors.catalogue().order_by("code")

    @extend_schema(
        request={"multipart/form-data": serializers.CatalogueLoadSerializer}, responses=serializers.LoadResultSerializer
    )
    @action(detail=False, methods=["post"], filter_backends=[], parser_classes=[MultiPartParser, FormParser])
    def load(self, request):
        """Load or refresh the catalogue from an .xlsx or .csv file (see the README for its columns)."""
        body = valid_body(serializers.CatalogueLoadSerializer, request)
        upload = body["file"]
        try:
            result = catalogue_load(upload, filename=upload.name, user=request.user, dry_run=body["dry_run"])
        except CatalogueFileError as error:
            raise DRFValidationError({"file": [error.message]}) from error
        return Response(serializers.LoadResultSerializer(result).data, status=200 if result.is_valid else 400)


class DeclarationViewSet(viewsets.ReadOnlyModelViewSet):
    """Self-declarations (自我声明公开): staff read all, an enterprise its own. An enterprise declares a standard
    it executes; standards staff record the check of a flagged one; the enterprise or staff withdraw one."""

    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "standards.view_declarations",
        "retrieve": "standards.view_declarations",
        "declare": "standards.declare",
        "check": "standards.check_declaration",
        "withdraw": "standards.view_declarations",
    }
    serializer_class = serializers.DeclarationSerializer
    filterset_class = DeclarationFilterSet
    parser_classes = [JSONParser]

    def get_queryset(self):
        return selectors.declarations_visible(self.request.user).prefetch_related("indicators")

    def _render(self, declaration) -> Response:
        return Response(serializers.DeclarationSerializer(self.get_queryset().get(pk=declaration.pk)).data)

    @extend_schema(request=serializers.DeclarationCreateSerializer, responses={201: serializers.DeclarationSerializer})
    @action(detail=False, methods=["post"], filter_backends=[])
    def declare(self, request):
        """Declare and publish a standard the enterprise executes: an enterprise standard of its own (with its
        indicators) or a group standard."""
        body = valid_body(serializers.DeclarationCreateSerializer, request)
        enterprise_id = request.user.enterprise_id if is_enterprise.test(request.user) else body.pop("enterprise", None)
        body.pop("enterprise", None)
        enterprise = enterprise_selectors.enterprises_visible_to(request.user).filter(pk=enterprise_id).first()
        if enterprise is None:
            raise DRFValidationError({"enterprise": ["Name an enterprise on file."]})
        declaration = services.declaration_create(actor=request.user, enterprise=enterprise, **body)
        response = self._render(declaration)
        response.status_code = 201
        return response

    @extend_schema(request=serializers.DeclarationCheckSerializer, responses=serializers.DeclarationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def check(self, request, pk=None):
        if not request.user.has_perm("standards.check_declaration"):
            self.permission_denied(request)
        declaration = get_object_or_404(Declaration.objects.restrict(request.user, "check"), pk=pk)
        body = valid_body(serializers.DeclarationCheckSerializer, request)
        return self._render(services.declaration_check(actor=request.user, declaration=declaration, **body))

    @extend_schema(request=serializers.DeclarationWithdrawSerializer, responses=serializers.DeclarationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        declaration = get_object_or_404(Declaration.objects.restrict(request.user, "change"), pk=pk)
        body = valid_body(serializers.DeclarationWithdrawSerializer, request)
        return self._render(
            services.declaration_withdraw(actor=request.user, declaration=declaration, reason=body["reason"])
        )


class OutdatedViewSet(viewsets.GenericViewSet):
    """Products executing an abolished or replaced standard: the staff's worklist, or an enterprise's own. The
    enterprise names the new standard a product executes."""

    permission_classes = [ActionPermission]
    action_permissions = {"list": "standards.view_declarations", "replace": "standards.view_declarations"}
    serializer_class = serializers.OutdatedExecutionSerializer
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        if is_enterprise.test(user):
            return selectors.outdated_executions(enterprise_id=user.enterprise_id or 0)
        return selectors.outdated_executions()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=serializers.ProductStandardSerializer, responses=serializers.OutdatedExecutionSerializer(many=True)
    )
    @action(detail=False, methods=["post"])
    def replace(self, request):
        """Replace an outdated standard a product executes by a current one (the product's enterprise, or staff)."""
        body = valid_body(serializers.ProductStandardSerializer, request)
        if not (is_enterprise.test(request.user) or request.user.has_perm("standards.edit_catalogue")):
            self.permission_denied(request)
        row = self.get_queryset().filter(product_id=body["product"], standard_id=body["old"]).first()
        if row is None:
            raise DRFValidationError({"product": ["This product does not execute this outdated standard."]})
        services.product_standard_replace(actor=request.user, product=row.product, old=row.standard, new=body["new"])
        rows = self.get_queryset().filter(product_id=body["product"])
        return Response(self.get_serializer(rows, many=True).data)


class StandardProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Standard-setting projects led or joined by local enterprises and bodies."""

    permission_classes = [ActionPermission]
    action_permissions = {"list": "standards.view_projects", "retrieve": "standards.view_projects"}
    serializer_class = serializers.StandardProjectSerializer
    filterset_class = StandardProjectFilterSet

    def get_queryset(self):
        return StandardProject.objects.visible_to(self.request.user).order_by("-proposed_on", "-pk")


class PublicDeclarationViewSet(viewsets.ReadOnlyModelViewSet):
    """The city's self-declared enterprise and group standards, for anyone (no login)."""

    permission_classes = [AllowAny]
    serializer_class = serializers.DeclarationSerializer
    filterset_class = DeclarationFilterSet

    def get_queryset(self):
        return selectors.public_declarations().prefetch_related("indicators")
