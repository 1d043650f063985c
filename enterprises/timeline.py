"""The enterprise file as one timeline, and the field-by-field change history. A fixed number of queries each."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.choices import ReportStatus
from enterprises.models import Enterprise, Interview, Licence, Penalty, Product, SelfReport


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime.date | datetime.datetime
    section: str
    title: str
    detail: str = ""
    tone: str = ""  # "", "warn" or "danger": how the event is flagged


# Other apps add their records to the file's timeline (spot checks, grades, honours): each source is a function
# from (the viewer, the enterprise) to the events that viewer may see, registered from the app's `AppConfig.ready`.
TIMELINE_SOURCES: list[Callable[[object, Enterprise], list[TimelineEvent]]] = []


# Sections other apps add to the file page: a function from (user, enterprise) to (template name, context), or
# None when the section has nothing for this user.
FILE_SECTIONS: list[Callable[[object, Enterprise], tuple[str, dict] | None]] = []


def enterprise_timeline(enterprise: Enterprise, *, user) -> list[TimelineEvent]:
    """Everything that happened to the enterprise, newest first: licences, self-reports, penalties, interviews,
    product changes, and what the other apps' registered sources let `user` see (a fixed number of queries each)."""
    today = timezone.localdate()
    events = [event for source in TIMELINE_SOURCES for event in source(user, enterprise)]
    for licence in Licence.objects.filter(enterprise=enterprise):
        events.append(TimelineEvent(licence.issued_on, _("Licence"), _("Issued: %s") % licence, licence.scope))
        if licence.revoked_on:
            events.append(
                TimelineEvent(
                    licence.revoked_on, _("Licence"), _("Revoked: %s") % licence, licence.revocation_reason, "danger"
                )
            )
        elif licence.expires_on < today:
            events.append(TimelineEvent(licence.expires_on, _("Licence"), _("Expired: %s") % licence, tone="danger"))
    previous_status: dict[int, str] = {}
    for version in SelfReport.history.filter(enterprise_id=enterprise.pk).order_by("history_date", "history_id"):
        if previous_status.get(version.id) == version.status:
            continue  # an edit that did not move the report on
        previous_status[version.id] = version.status
        period = f"{version.year}Q{version.quarter}"
        returned = version.status == ReportStatus.RETURNED
        events.append(
            TimelineEvent(
                version.history_date,
                _("Self-inspection"),
                _("Report %(period)s: %(status)s") % {"period": period, "status": version.get_status_display()},
                version.review_comment if version.status != ReportStatus.SUBMITTED else "",
                tone="warn" if returned else "",
            )
        )
    for penalty in Penalty.objects.filter(enterprise=enterprise, voided_at__isnull=True):
        events.append(
            TimelineEvent(
                penalty.decided_on,
                _("Penalty"),
                _("Administrative penalty %(number)s, %(amount)s yuan")
                % {"number": penalty.decision_number, "amount": penalty.amount},
                penalty.grounds,
                tone="danger" if penalty.is_heavier else "warn",
            )
        )
    for interview in Interview.objects.filter(enterprise=enterprise, voided_at__isnull=True):
        events.append(
            TimelineEvent(interview.held_on, _("Interview"), _("Administrative interview"), interview.reason, "warn")
        )
    for record in Product.history.filter(enterprise_id=enterprise.pk, history_type="+"):
        events.append(TimelineEvent(record.history_date, _("Product"), _("Product added: %s") % record.name))
    return sorted(events, key=_moment, reverse=True)


def _moment(event: TimelineEvent) -> datetime.datetime:
    """Dates sort as the start of their day in Asia/Shanghai, so same-day events keep their real order."""
    when = event.when
    if isinstance(when, datetime.datetime):
        return when
    return timezone.make_aware(datetime.datetime.combine(when, datetime.time.min))


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]  # (field, before, after)


def change_history(enterprise: Enterprise, limit: int = 200) -> list[Change]:
    """Who changed what and when in the file, its licences and its products, newest first, with the values
    before and after as people read them (names for related rows, labels for choices, codes for standards)."""
    sources = [
        (Enterprise.history.filter(id=enterprise.pk), lambda r: _("File")),
        (Licence.history.filter(enterprise_id=enterprise.pk), lambda r: _("Licence %s") % r.number),
        (Product.history.filter(enterprise_id=enterprise.pk), lambda r: _("Product %s") % r.name),
    ]
    labels = _Labels()
    changes = []
    for records, describe in sources:
        newest = list(records.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
        by_object: dict[int, list] = {}
        for record in reversed(newest):
            by_object.setdefault(record.id, []).append(record)
        for versions in by_object.values():
            if len(newest) <= limit:  # else the oldest version is only there as the "before" of the next
                changes.append(_change(versions[0], None, describe, labels))
            changes.extend(_change(new, old, describe, labels) for old, new in pairwise(versions))
    changes = [change for change in changes if change is not None]
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


def _change(new, old, describe, labels: "_Labels") -> Change | None:
    """One entry of the history, or None for a save that changed nothing visible."""
    who = new.history_user.get_full_name() if new.history_user else _("system")
    if old is None or new.history_type != "~":
        label = {"+": _("created"), "-": _("removed")}.get(new.history_type, _("changed"))
        return Change(new.history_date, who, f"{describe(new)} {label}", [])
    meta = new.instance_type._meta
    rows = []
    for delta in new.diff_against(old).changes:
        field = meta.get_field(delta.field)
        rows.append((str(field.verbose_name), labels.show(field, delta.old), labels.show(field, delta.new)))
    if not rows:
        return None
    return Change(new.history_date, who, f"{describe(new)} {_('changed')}", rows)


class _Labels:
    """Turns stored values into what people read, looking up each related row once."""

    def __init__(self):
        self._cache: dict[tuple, str] = {}

    def show(self, field, value) -> str:
        if value in (None, "", []):
            return "—"
        if field.many_to_many:  # e.g. a product's standards: [{"product": 1, "standard": 4}, ...]
            ids = [row[field.m2m_reverse_field_name()] for row in value]
            return ", ".join(self._related(field.related_model, pk) for pk in ids)
        if field.is_relation:
            return self._related(field.related_model, value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        return str(value)

    def _related(self, model, pk) -> str:
        key = (model, pk)
        if key not in self._cache:
            self._cache[key] = str(model.objects.filter(pk=pk).first() or pk)
        return self._cache[key]
