"""One error format for the whole API.

Every error answers with `{"error": {"code": ..., "message": ..., "fields": {...}}}`; `fields` maps each
invalid field to its messages and is present on validation errors only.
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        body = {"code": "invalid", "message": _("The request has invalid fields."), "fields": detail}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        body = {"code": codes if isinstance(codes, str) else "error", "message": str(exc.detail)}
    else:
        body = {"code": "error", "message": str(response.data.get("detail", ""))}
    response.data = {"error": body}
    return response
