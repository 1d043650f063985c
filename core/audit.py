"""The audit log: every state-changing service writes one entry, in the same transaction as its change."""

from django.db import models

from core.models import AuditEntry


def trail_key(record: models.Model) -> str:
    """The case an entry belongs to, e.g. "inspections.campaign:12"."""
    return f"{record._meta.label_lower}:{record.pk}"


def audit(
    *,
    actor,
    action: str,
    target: models.Model,
    trail: models.Model | None = None,
    summary: str = "",
    **data,
) -> AuditEntry:
    """Record that `actor` (None for the system) did `action` to `target`, as part of the case `trail`."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=target._meta.label_lower,
        object_id=target.pk,
        trail=trail_key(trail or target),
        summary=str(summary)[:255],
        data=data,
    )


def audit_trail(record: models.Model):
    """Every entry of the case `record` heads, newest first."""
    return AuditEntry.objects.filter(trail=trail_key(record)).select_related("actor")
