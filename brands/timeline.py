"""What brand cultivation adds to an enterprise's file: a card with its cultivation targets, applications and
honours, and honours awarded or revoked and applications submitted on the timeline. Each viewer sees what the
models' `visible_to` lets them: staff everything, the enterprise its own, everyone else the current honours."""

from dataclasses import dataclass

from django.db.models import Model, Value
from django.utils.translation import gettext as _

from brands.choices import HonourStatus
from brands.models import Application, CultivationTarget, Honour
from core.timeline import TimelineEvent


@dataclass(frozen=True)
class BrandRecords:
    targets: list
    applications: list
    honours: list


def visible_records(user, enterprise: Model) -> BrandRecords:
    """The enterprise's brand records `user` may see. The file page asks twice (its card and its timeline) for
    the same enterprise object, so the answer is kept on it for the request: one query when there is nothing to
    show (most files), one more per kind of record there is."""
    memo = enterprise.__dict__.setdefault("_brand_records", {})
    if user.pk in memo:
        return memo[user.pk]
    querysets = {
        "target": CultivationTarget.objects.visible_to(user).select_related("officer"),
        "application": Application.objects.visible_to(user).select_related("programme", "product"),
        "honour": Honour.objects.visible_to(user).select_related("product"),
    }
    querysets = {kind: rows.filter(enterprise=enterprise) for kind, rows in querysets.items()}
    first, *others = [rows.order_by().values_list(Value(kind), "pk") for kind, rows in querysets.items()]
    found = {kind for kind, _pk in first.union(*others, all=True)}
    records = BrandRecords(
        **{f"{kind}s": list(rows) if kind in found else [] for kind, rows in querysets.items()},
    )
    memo[user.pk] = records
    return records


def brands_section(user, enterprise: Model) -> tuple[str, dict] | None:
    """The file page's brands card, or None when this viewer may see nothing of it."""
    records = visible_records(user, enterprise)
    if not (records.targets or records.applications or records.honours):
        return None
    return (
        "brands/file_section.html",
        {
            "tab": _("Brands"),
            "anchor": "brands",
            "enterprise": enterprise,
            "targets": records.targets,
            "applications": records.applications,
            "honours": records.honours,
            "staff": user.has_perm("brands.view_all"),
            "can_add_target": user.has_perm("brands.manage_targets"),
        },
    )


def brands_events(user, enterprise: Model) -> list[TimelineEvent]:
    """Applications submitted, honours awarded and revoked."""
    records = visible_records(user, enterprise)
    events = []
    for application in records.applications:
        events.append(
            TimelineEvent(
                application.submitted_at,
                _("Brands"),
                _("Applied: %s") % application.programme.title,
                application.get_status_display(),
                "" if application.eligible else "warn",
            )
        )
    for honour in records.honours:
        events.append(
            TimelineEvent(
                honour.awarded_on, _("Brands"), _("Honour awarded: %s") % honour.title, honour.certificate_number
            )
        )
        if honour.status == HonourStatus.REVOKED and honour.revoked_on:
            events.append(
                TimelineEvent(
                    honour.revoked_on,
                    _("Brands"),
                    _("Honour revoked: %s") % honour.title,
                    honour.revocation_reason,
                    "danger",
                )
            )
    return events
