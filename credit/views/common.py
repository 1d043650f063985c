"""What the credit pages share: the one way to reach an enterprise, and forms whose service errors land on them."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404

from core.pages import add_model_errors
from enterprises.models import Enterprise


def enterprise_for(request, pk: int, permission: str) -> Enterprise:
    """The enterprise if this user may see its file (else 404, as if it did not exist) and do `permission`."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user).select_related("district"), pk=pk)
    if not request.user.has_perm(permission, enterprise):
        raise PermissionDenied
    return enterprise


def submit(form, call: Callable) -> bool:
    """Validate `form` and call the service with it; its validation errors go back onto the form."""
    if not form.is_valid():
        return False
    try:
        call(form)
    except ValidationError as error:
        add_model_errors(form, error)
        return False
    return True
