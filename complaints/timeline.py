"""What complaints add to an enterprise's file, for the bureau's staff only: a card with the counts and the latest
complaints linked to it, and the substantiated complaints on the timeline. And a complaint's own change history,
as staff read it on its page. A fixed number of queries each."""

import datetime
from dataclasses import dataclass
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Model, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from complaints.choices import OPEN_STATUSES, SUBSTANTIATED_OUTCOMES, ComplaintStatus
from complaints.models import Complaint
from core.timeline import TimelineEvent

LATEST = 5  # complaints listed on the file's card

SUBSTANTIATED = Q(status=ComplaintStatus.RESOLVED, outcome__in=SUBSTANTIATED_OUTCOMES)


@dataclass(frozen=True)
class ComplaintRecords:
    total: int
    open: int
    substantiated: int
    latest: list  # the newest LATEST complaints
    substantiated_rows: list  # every substantiated complaint, for the timeline


def file_records(user, enterprise: Model) -> ComplaintRecords | None:
    """The enterprise's complaints as staff see them on its file, or None for anyone else. One query: the latest
    complaints and the substantiated ones, each row carrying the counts over all of the enterprise's complaints.
    The file page asks twice (its card and its timeline), so the answer is kept on the enterprise object."""
    if not user.has_perm("complaints.view_all"):
        return None
    memo = enterprise.__dict__.setdefault("_complaint_records", {})
    if user.pk in memo:
        return memo[user.pk]
    rows = list(
        Complaint.objects.filter(enterprise=enterprise)
        .annotate(
            newest=Window(RowNumber(), order_by=[F("received_at").desc(), F("pk").desc()]),
            total_count=Window(Count("pk")),
            open_count=Window(Count("pk", filter=Q(status__in=OPEN_STATUSES))),
            substantiated_count=Window(Count("pk", filter=SUBSTANTIATED)),
        )
        .filter(Q(newest__lte=LATEST) | SUBSTANTIATED)
        .only("tracking_number", "kind", "product_name", "received_at", "status", "outcome", "closed_at", "enterprise")
        .order_by("-received_at", "-pk")
    )
    first = rows[0] if rows else None
    records = ComplaintRecords(
        total=first.total_count if first else 0,
        open=first.open_count if first else 0,
        substantiated=first.substantiated_count if first else 0,
        latest=[row for row in rows if row.newest <= LATEST],
        substantiated_rows=[
            row for row in rows if row.status == ComplaintStatus.RESOLVED and row.outcome in SUBSTANTIATED_OUTCOMES
        ],
    )
    memo[user.pk] = records
    return records


def complaints_section(user, enterprise: Model) -> tuple[str, dict] | None:
    """The file page's complaints card: staff only, and only when complaints are linked to the enterprise."""
    records = file_records(user, enterprise)
    if records is None or not records.total:
        return None
    return (
        "complaints/file_section.html",
        {"tab": _("Complaints"), "anchor": "complaints", "enterprise": enterprise, "records": records},
    )


def complaints_events(user, enterprise: Model) -> list[TimelineEvent]:
    """Substantiated complaints, when they were closed (staff only)."""
    records = file_records(user, enterprise)
    if records is None:
        return []
    return [
        TimelineEvent(
            complaint.closed_at or complaint.received_at,
            _("Complaints"),
            _("Substantiated complaint %(number)s: %(product)s")
            % {"number": complaint.tracking_number, "product": complaint.product_name},
            complaint.get_outcome_display(),
            "warn",
        )
        for complaint in records.substantiated_rows
    ]


# A complaint's change history.


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]  # (field, before, after)


HIDDEN_FIELDS = {"tracking_number"}  # never changes; not worth a row


def complaint_changes(complaint: Complaint, limit: int = 100) -> list[Change]:
    """Who changed what and when, newest first, with the values before and after as people read them. Two
    queries and one more per kind of related record named (users, enterprises, products, districts)."""
    versions = list(
        complaint.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    versions.reverse()
    complete = len(versions) <= limit  # else the oldest is only there as the "before" of the next
    deltas = [(new, new.diff_against(old).changes) for old, new in pairwise(versions)]
    labels = _Labels(delta for _new, changes in deltas for delta in changes)
    meta = Complaint._meta
    entries = []
    if complete and versions:
        entries.append(
            Change(versions[0].history_date, _who(versions[0]), pgettext("complaint history", "Received"), [])
        )
    for new, changes in deltas:
        rows = [
            (
                str(meta.get_field(delta.field).verbose_name),
                labels.show(delta.field, delta.old),
                labels.show(delta.field, delta.new),
            )
            for delta in changes
            if delta.field not in HIDDEN_FIELDS
        ]
        if rows:
            entries.append(Change(new.history_date, _who(new), _("Changed"), rows))
    entries.reverse()
    return entries


def _who(version) -> str:
    user = version.history_user
    return (user.get_full_name() or user.username) if user else _("the public")


class _Labels:
    """Stored values as people read them: names for related rows (each model looked up once), labels for
    choices."""

    def __init__(self, deltas):
        self.meta = Complaint._meta
        wanted: dict[type, set] = {}
        for delta in deltas:
            model = self._model(delta.field)
            if model is not None:
                wanted.setdefault(model, set()).update(value for value in (delta.old, delta.new) if value)
        self.names = {
            model: {row.pk: _name(row) for row in model.objects.filter(pk__in=ids)} for model, ids in wanted.items()
        }

    def _model(self, name: str):
        field = self.meta.get_field(name)
        return field.related_model if field.is_relation else None

    def show(self, name: str, value) -> str:
        if value in (None, ""):
            return "—"
        model = self._model(name)
        if model is not None:
            return self.names[model].get(value, str(value))
        field = self.meta.get_field(name)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return str(value)


def _name(row) -> str:
    if isinstance(row, get_user_model()):
        return row.get_full_name() or row.username
    return str(row)
