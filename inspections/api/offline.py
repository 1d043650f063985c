"""The field tool's API: photos sent ahead of the sampling record, scans of seal labels along the chain of custody,
the custody trail of a result, and the retained samples. The sampling record itself is filed at
`tasks/{id}/sampling/` (TaskViewSet), with the device's idempotency key."""

import re

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework import parsers as drf_parsers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.predicates import is_lab_technician
from core.api.parsers import FormParser, JSONParser, MultiPartParser
from core.api.permissions import ActionPermission
from core.api.validation import valid_body
from core.files import PHOTO_TYPES, UploadsField
from core.hygiene import data_errors
from inspections import custody
from inspections.choices import CustodyKind
from inspections.models import LabTest, RetainedSample, SamplingUpload
from inspections.selectors import task_list
from inspections.services import sampling

PNG_DATA_URL = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]{1,700000}")


class SamplingJSONParser(JSONParser):
    """The portal's JSON parser (every text checked by core.hygiene), except that a signature's image, a PNG data
    URL longer than free text may be, is set aside from that check when it is plain base64: the serializer opens
    it as a PNG. Any other long or unencodable text is refused as everywhere."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = drf_parsers.JSONParser.parse(self, stream, media_type, parser_context)
        images = {}
        signatures = parsed.get("signatures") if isinstance(parsed, dict) else None
        if isinstance(signatures, list):
            for index, signature in enumerate(signatures):
                image = signature.get("image") if isinstance(signature, dict) else None
                if isinstance(image, str) and PNG_DATA_URL.fullmatch(image):
                    images[index] = signature.pop("image")
        if errors := data_errors(parsed):
            raise serializers.ValidationError(errors if isinstance(parsed, dict) else {"non_field_errors": errors})
        for index, image in images.items():
            signatures[index]["image"] = image
        return parsed


class SamplingConflictError(exceptions.APIException):
    """409: the task changed while the phone was offline (cancelled, re-assigned, already filed). The phone keeps
    its copy of the record and shows the reason."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, conflict: sampling.SamplingConflict):
        super().__init__(detail=conflict.message, code=conflict.code)


def _one_photo(files: list):
    field = UploadsField(required=True, types=PHOTO_TYPES)
    cleaned = field.clean(files)
    if len(cleaned) != 1:
        raise serializers.ValidationError("One photo per upload.")
    return cleaned[0]


class SamplingUploadSerializer(serializers.ModelSerializer):
    class Meta:
        model = SamplingUpload
        fields = ["id", "key", "task", "original_name", "sha256", "uploaded_at", "record"]
        read_only_fields = fields


class SamplingUploadCreateSerializer(serializers.Serializer):
    task = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    key = serializers.UUIDField(help_text="The phone's key for this photo: a resend with it stores nothing new.")
    file = serializers.FileField()

    def validate_file(self, upload):
        try:
            return _one_photo([upload])
        except Exception as error:  # a Django form ValidationError from the upload checks
            raise serializers.ValidationError(getattr(error, "messages", [str(error)])) from None


class SamplingUploadViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Photos of a sampling record, sent ahead of it by its inspectors (each under its own key)."""

    serializer_class = SamplingUploadSerializer
    permission_classes = [ActionPermission]
    action_permissions = {"create": "inspections.upload_sampling_photo"}
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return SamplingUpload.objects.none()

    @extend_schema(
        request={"multipart/form-data": SamplingUploadCreateSerializer},
        responses={200: SamplingUploadSerializer, 201: SamplingUploadSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Receive one photo for a task assigned to the caller; 200 with the stored photo when the key was sent
        before."""
        body = valid_body(SamplingUploadCreateSerializer, request)
        task = task_list(request.user).filter(pk=body["task"]).first()
        if task is None:
            raise serializers.ValidationError({"task": ["No task of yours has this number."]})
        try:
            upload = sampling.sampling_upload(actor=request.user, task=task, key=body["key"], upload=body["file"])
        except sampling.SamplingConflict as conflict:
            raise SamplingConflictError(conflict) from None
        code = status.HTTP_200_OK if upload.replayed else status.HTTP_201_CREATED
        return Response(SamplingUploadSerializer(upload).data, status=code)


class CustodyEventSerializer(serializers.Serializer):
    """One hand-over on a sample's trail; `by` is empty for the enterprise (it sees what and when, not who)."""

    kind = serializers.ChoiceField(choices=CustodyKind.choices)
    label = serializers.CharField()
    at = serializers.DateTimeField()
    seal_number = serializers.CharField(allow_blank=True)
    seal_intact = serializers.BooleanField(allow_null=True)
    place = serializers.CharField(allow_blank=True)
    by = serializers.CharField(allow_blank=True)


class CustodyScanSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=128, help_text="The text of the seal label's QR code, as scanned.")
    kind = serializers.ChoiceField(
        choices=CustodyKind.choices, help_text="Any but sealed: a sample is sealed when its record is filed."
    )
    seal_intact = serializers.BooleanField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    key = serializers.UUIDField(required=False, allow_null=True, default=None)
    photo = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_photo(self, upload):
        if upload is None:
            return None
        try:
            return _one_photo([upload])
        except Exception as error:
            raise serializers.ValidationError(getattr(error, "messages", [str(error)])) from None


class CustodyScanResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    result = serializers.IntegerField(source="lab_test_id")
    blind_code = serializers.CharField(source="lab_test.blind_code")
    kind = serializers.ChoiceField(choices=CustodyKind.choices)
    seal_number = serializers.CharField(allow_blank=True)
    seal_intact = serializers.BooleanField(allow_null=True)
    place = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


class CustodyViewSet(viewsets.GenericViewSet):
    """Seal-label scans (the QR text posted as a phone or a desk scanner reads it), and a result's custody trail."""

    permission_classes = [ActionPermission]
    action_permissions = {"create": "inspections.scan_custody", "list": "inspections.view_custody"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = CustodyEventSerializer
    pagination_class = None

    def get_queryset(self):
        return LabTest.objects.none()

    @extend_schema(
        request={"application/json": CustodyScanSerializer, "multipart/form-data": CustodyScanSerializer},
        responses={200: CustodyScanResultSerializer, 201: CustodyScanResultSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Record one scan. At the laboratory say whether the seal is intact (a photo when it is broken): the
        receipt unlocks testing; a broken seal blocks it and tells the supervisors."""
        body = valid_body(CustodyScanSerializer, request)
        event = custody.custody_scan(actor=request.user, **body)
        code = status.HTTP_200_OK if event.replayed else status.HTTP_201_CREATED
        return Response(CustodyScanResultSerializer(event).data, status=code)

    @extend_schema(
        parameters=[OpenApiParameter("result", OpenApiTypes.INT, required=True, description="The result (sample).")],
        responses=CustodyEventSerializer(many=True),
    )
    def list(self, request, *args, **kwargs):
        """The custody trail of a result the caller may read; without names for the enterprise."""
        result = request.query_params.get("result", "")
        if not result.isdigit() or int(result) > 2**31 - 1:
            raise serializers.ValidationError({"result": ["Give the number of a result."]})
        lab_test = LabTest.objects.visible_to(request.user).filter(pk=int(result)).first()
        if lab_test is None:
            raise exceptions.NotFound()
        with_names = request.user.has_perm("inspections.view_all_tasks")
        blind = is_lab_technician.test(request.user)  # the sampling place may name the enterprise
        rows = custody.custody_trail(lab_test, with_names=with_names, blind=blind)
        return Response(CustodyEventSerializer(rows, many=True).data)


class RetainedSampleSerializer(serializers.ModelSerializer):
    dispose_after = serializers.SerializerMethodField()

    class Meta:
        model = RetainedSample
        fields = [
            "id",
            "task",
            "storage_place",
            "stored_at",
            "used_for_retest_at",
            "dispose_after",
            "disposed_at",
            "disposal_note",
        ]
        read_only_fields = fields

    def get_dispose_after(self, retained) -> str | None:
        day = custody.retained_disposal_date(retained)
        return day.isoformat() if day else None


class RetainedStoreSerializer(serializers.Serializer):
    storage_place = serializers.CharField(max_length=128)


class RetainedDisposeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=255)


class RetainedSampleViewSet(viewsets.ReadOnlyModelViewSet):
    """Retained samples (备样): staff read all, a laboratory those of its own samples; where each is kept, from when
    it may be disposed of, and its disposal (staff)."""

    serializer_class = RetainedSampleSerializer
    permission_classes = [ActionPermission]
    action_permissions = {
        "list": "inspections.view_retained",
        "retrieve": "inspections.view_retained",
        "store": "inspections.manage_retained",
        "dispose": "inspections.manage_retained",
    }
    ordering = ["-id"]

    queryset = RetainedSample.objects.none()

    def get_queryset(self):
        user = self.request.user
        retained = RetainedSample.objects.select_related("task")
        if getattr(self, "swagger_fake_view", False):
            return retained.none()
        if user.has_perm("inspections.view_all_tasks"):
            return retained
        return retained.filter(Q(task__lab_tests__lab__technicians=user)).distinct()

    def get_permission_object(self, obj):
        return None  # the service decides per sample

    @extend_schema(request=RetainedStoreSerializer, responses=RetainedSampleSerializer)
    @action(detail=True, methods=["post"])
    def store(self, request, pk=None):
        """Say where the retained sample is kept."""
        body = valid_body(RetainedStoreSerializer, request)
        retained = custody.retained_store(actor=request.user, retained=self.get_object(), **body)
        return Response(RetainedSampleSerializer(retained).data)

    @extend_schema(request=RetainedDisposeSerializer, responses=RetainedSampleSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        """Record the disposal, once the result is final and the hold after it is over (staff)."""
        body = valid_body(RetainedDisposeSerializer, request)
        retained = custody.retained_dispose(actor=request.user, retained=self.get_object(), note=body["note"])
        return Response(RetainedSampleSerializer(retained).data)
