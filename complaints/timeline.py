"""What complaints add to an enterprise's file, for the bureau's staff only: a card with the counts and the latest
complaints linked to it, and the substantiated complaints on the timeline. And a complaint's own change history,
as staff read it on its page. A fixed number of queries each."""

from dataclasses import dataclass

from django.db.models import Count, F, Model, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from complaints.choices import OPEN_STATUSES, SUBSTANTIATED_OUTCOMES, ComplaintStatus
from complaints.models import Complaint
from core.timeline import Change, TimelineEvent, change_history

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

HIDDEN_FIELDS = {"tracking_number", "reward_code_hash"}  # never change; not worth a row (nor shown)


def complaint_changes(complaint: Complaint, limit: int = 100) -> list[Change]:
    """Who changed what and when, newest first, with the values before and after as people read them. Two
    queries and one more per kind of related record named (users, enterprises, products, districts)."""

    def describe(record, kind: str) -> str:
        return pgettext("complaint history", "Received") if kind == "+" else _("Changed")

    return change_history([(complaint.history.all(), describe)], limit, hidden=HIDDEN_FIELDS, nobody=_("the public"))
