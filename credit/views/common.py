"""What the credit pages share: the one way to reach an enterprise."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from enterprises.models import Enterprise


def enterprise_for(request, pk: int, permission: str) -> Enterprise:
    """The enterprise if this user may see its file (else 404, as if it did not exist) and do `permission`."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user).select_related("district"), pk=pk)
    if not request.user.has_perm(permission, enterprise):
        raise PermissionDenied
    return enterprise
