"""The enterprise file as one timeline, and the field-by-field change history. A fixed number of queries each."""

import datetime
from dataclasses import dataclass
from itertools import pairwise

from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, Interview, Licence, Penalty, Product, SelfReport


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime.date
    section: str
    title: str
    detail: str = ""
    tone: str = ""  # "", "warn" or "danger": how the event is flagged


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def enterprise_timeline(enterprise: Enterprise) -> list[TimelineEvent]:
    """Everything that happened to the enterprise, newest first: licences, self-reports, penalties, interviews
    and product changes. Later issues add spot checks, rectifications, grades and honours here."""
    today = timezone.localdate()
    events = []
    for licence in Licence.objects.filter(enterprise=enterprise):
        events.append(TimelineEvent(licence.issued_on, _("Licence"), _("Issued: %s") % licence, licence.scope))
        if licence.expires_on <= today:
            events.append(TimelineEvent(licence.expires_on, _("Licence"), _("Expired: %s") % licence, tone="danger"))
    for report in SelfReport.objects.filter(enterprise=enterprise):
        period = f"{report.year}Q{report.quarter}"
        late = _(" (late)") if report.is_late else ""
        events.append(
            TimelineEvent(
                _day(report.submitted_at),
                _("Self-inspection"),
                _("Report %(period)s submitted%(late)s") % {"period": period, "late": late},
                tone="warn" if late else "",
            )
        )
        if report.reviewed_at:
            events.append(
                TimelineEvent(
                    _day(report.reviewed_at),
                    _("Self-inspection"),
                    _("Report %(period)s %(status)s") % {"period": period, "status": report.get_status_display()},
                    report.review_comment,
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
        events.append(TimelineEvent(_day(record.history_date), _("Product"), _("Product added: %s") % record.name))
    return sorted(events, key=lambda event: event.when, reverse=True)


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]  # (field, before, after)


def change_history(enterprise: Enterprise, limit: int = 200) -> list[Change]:
    """Who changed what and when in the file, its licences and its products, with the values before and after."""
    sources = [
        (Enterprise.history.filter(id=enterprise.pk), lambda r: _("File")),
        (Licence.history.filter(enterprise_id=enterprise.pk), lambda r: _("Licence %s") % r.number),
        (Product.history.filter(enterprise_id=enterprise.pk), lambda r: _("Product %s") % r.name),
    ]
    changes = []
    for records, describe in sources:
        by_object: dict[int, list] = {}
        for record in records.select_related("history_user").order_by("history_date", "history_id")[:limit]:
            by_object.setdefault(record.id, []).append(record)
        for versions in by_object.values():
            changes.append(_change(versions[0], None, describe))
            changes.extend(_change(new, old, describe) for old, new in pairwise(versions))
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


def _change(new, old, describe) -> Change:
    who = new.history_user.get_full_name() if new.history_user else _("system")
    if old is None or new.history_type != "~":
        label = {"+": _("created"), "-": _("removed")}.get(new.history_type, _("changed"))
        return Change(new.history_date, who, f"{describe(new)} {label}", [])
    meta = new.instance_type._meta
    rows = [
        (str(meta.get_field(delta.field).verbose_name), _display(delta.old), _display(delta.new))
        for delta in new.diff_against(old).changes
    ]
    return Change(new.history_date, who, f"{describe(new)} {_('changed')}", rows)


def _display(value) -> str:
    return "—" if value in (None, "") else str(value)
