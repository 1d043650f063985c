"""What the credit pages share: the one way to reach an enterprise."""

from django.core.exceptions import PermissionDenied
from django.db.models import Model

from enterprises.selectors import enterprise_visible_or_404


def enterprise_for(request, pk: int, permission: str) -> Model:
    """The enterprise if this user may see its file (else 404, as if it did not exist) and do `permission`."""
    enterprise = enterprise_visible_or_404(request.user, pk)
    if not request.user.has_perm(permission, enterprise):
        raise PermissionDenied
    return enterprise
