"""What the brand pages share: the refusal of an action a user may not take."""

from django.core.exceptions import PermissionDenied


def allow(user, permission: str, obj=None) -> None:
    """Refuse a posted action the user may not take (the service would refuse it too, less kindly)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied
