"""One error format for the whole API.

Every error answers with `{"error": {"code": ..., "message": ..., "fields": {...}}}`; `fields` maps each
invalid field to its messages and is present on validation errors only.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # Django's own exceptions get the same codes as DRF's ("not_found", "permission_denied").
    if isinstance(exc, DjangoValidationError):
        # Model validation raised inside a service: report it field by field, like a serializer would.
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        body = {"code": "invalid", "message": _("The request has invalid fields."), "fields": detail}
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = {"code": code if isinstance(code, str) else "error", "message": _message(exc)}
    response.data = {"error": body}
    return response


def _message(exc) -> str:
    detail = getattr(exc, "detail", exc)
    if isinstance(detail, list | dict):
        return _("The request could not be processed.")
    return str(detail)
