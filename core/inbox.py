"""The to-do inbox (待办): what waits for a user, gathered from every app.

Each app registers its sources from its `AppConfig.ready` (`inbox_source_register`); a source takes the user and
returns the `InboxItem`s for that user's role, each a count with its earliest deadline and one address to act on.
A source answers with a bounded number of queries whatever the user's workload, and nothing for a role it does not
serve. The home pages and `/api/v1/inbox/` read `inbox_for`, so core never imports a domain app."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class InboxItem:
    kind: str  # stable, e.g. "inspections.results_to_review"
    label: str | Promise
    count: int
    url: str
    due: datetime.date | None = None  # the earliest deadline among the counted items
    urgent: bool = False  # overdue, or due today


InboxSource = Callable[..., Iterable[InboxItem]]
_SOURCES: list[InboxSource] = []


def inbox_source_register(source: InboxSource) -> InboxSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def inbox_for(user) -> list[InboxItem]:
    """Every waiting item for `user`, the urgent first, then by deadline; empty counts are left out."""
    items = [item for source in _SOURCES for item in source(user) if item.count]
    return sorted(items, key=lambda item: (not item.urgent, item.due or datetime.date.max, str(item.label)))


def inbox_count(
    queryset,
    *,
    kind: str,
    label,
    url: str,
    today: datetime.date,
    due_field: str | None = None,
    one_url: Callable[[int], str] | None = None,
    one_field: str = "pk",
) -> InboxItem:
    """One item from one aggregate query: how many rows of `queryset` wait, and the earliest `due_field` among
    them (urgent when that is today or past). With `one_url`, a lone waiting row is linked to directly (the click
    that acts) rather than to its list (`one_field` names the key `one_url` takes). A source builds each of its
    items with this, so its query count does not grow with the workload."""
    from django.db.models import Count, Min

    aggregates = {"n": Count("pk"), "first": Min(one_field)}
    if due_field:
        aggregates["due"] = Min(due_field)
    row = queryset.order_by().aggregate(**aggregates)
    due = row.get("due")
    if isinstance(due, datetime.datetime):
        from django.utils import timezone

        due = timezone.localtime(due).date()
    if one_url and row["n"] == 1:
        url = one_url(row["first"])
    return InboxItem(
        kind=kind, label=label, count=row["n"], url=url, due=due, urgent=bool(row["n"] and due and due <= today)
    )
