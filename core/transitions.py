"""Guards shared by every state-changing service: who may act, and from which state."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def require_perm(actor, permission: str, obj=None) -> None:
    """Refuse the action unless the permission rule allows `actor` to do it (to `obj`)."""
    if actor is None or not actor.has_perm(permission, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def require_state(record, allowed: Iterable[str], *, field: str = "status") -> None:
    """Refuse the action unless `record` is in one of the `allowed` states, saying which state it is in."""
    allowed = tuple(allowed)
    current = getattr(record, field)
    if current not in allowed:
        current_label = getattr(record, f"get_{field}_display")()
        choices = dict(record._meta.get_field(field).flatchoices)
        raise ValidationError(
            _("Not possible while %(record)s is “%(state)s” (it must be: %(allowed)s).")
            % {
                "record": record._meta.verbose_name,
                "state": current_label,
                "allowed": ", ".join(str(choices.get(state, state)) for state in allowed),
            },
            code="invalid_state",
        )
