"""The enterprise file's shared machinery: the events of its timeline, the registries through which apps add
their records and sections to it, and the field-by-field change history rendered from django-simple-history."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime.date | datetime.datetime
    section: str
    title: str
    detail: str = ""
    tone: str = ""  # "", "warn" or "danger": how the event is flagged


# Other apps add their records to the file's timeline (spot checks, grades, honours): each source is a function
# from (the viewer, the enterprise) to the events that viewer may see, registered from the app's `AppConfig.ready`.
TIMELINE_SOURCES: list[Callable[[object, object], list[TimelineEvent]]] = []


# Sections other apps add to the file page: a function from (user, enterprise) to (template name, context), or
# None when the section has nothing for this user.
FILE_SECTIONS: list[Callable[[object, object], tuple[str, dict] | None]] = []


def file_contributions_register(*, events=None, section=None) -> None:
    """Add an app's timeline source and file section (idempotent; call from `AppConfig.ready`)."""
    for registry, source in ((TIMELINE_SOURCES, events), (FILE_SECTIONS, section)):
        if source is not None and source not in registry:
            registry.append(source)


def timeline_sorted(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Newest first."""
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


def change_history(sources: list[tuple[QuerySet, Callable]], limit: int = 200) -> list[Change]:
    """Who changed what and when, newest first, across several historical tables, with the values before and
    after as people read them (names for related rows, labels for choices). `sources` pairs a history queryset
    with a function naming the changed record."""
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
