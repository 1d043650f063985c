"""The enterprise file's shared machinery: the events of its timeline, the registries through which apps add
their records and sections to it, and the field-by-field change history rendered from django-simple-history."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.contrib.auth import get_user_model
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


Describe = Callable[[object, str], str]  # (a historical record, its type "+", "~" or "-") -> what happened


def change_history(
    sources: list[tuple[QuerySet, Describe]], limit: int = 200, *, hidden: Iterable[str] = (), nobody: str = ""
) -> list[Change]:
    """Who changed what and when, newest first, across several historical tables (django-simple-history), with
    the values before and after as people read them: names for related rows (each model looked up once), labels
    for choices, yes/no, local times. `sources` pairs a history queryset with `describe(record, type)`; fields in
    `hidden` get no row; `nobody` names a change without a user (default "system")."""
    steps = []  # (new version, the one before it or None)
    for records, describe in sources:
        newest = list(records.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
        by_object: dict[int, list] = {}
        for record in reversed(newest):
            by_object.setdefault(record.id, []).append(record)
        for versions in by_object.values():
            if len(newest) <= limit:  # else the oldest version is only there as the "before" of the next
                steps.append((versions[0], None, describe))
            steps.extend((new, old, describe) for old, new in pairwise(versions))
    edits = [
        (new, old, describe, new.diff_against(old).changes if old is not None and new.history_type == "~" else None)
        for new, old, describe in steps
    ]
    labels = _Labels((new.instance_type._meta, delta) for new, _old, _d, deltas in edits for delta in deltas or ())
    hidden, nobody = set(hidden), nobody or _("system")
    changes = []
    for new, _old, describe, deltas in edits:
        who = _name(new.history_user) if new.history_user else nobody
        if deltas is None:
            changes.append(Change(new.history_date, who, describe(new, new.history_type), []))
            continue
        meta = new.instance_type._meta
        rows = [
            (
                str(meta.get_field(d.field).verbose_name),
                labels.show(meta, d.field, d.old),
                labels.show(meta, d.field, d.new),
            )
            for d in deltas
            if d.field not in hidden
        ]
        if rows:  # a save that changed nothing visible leaves no entry
            changes.append(Change(new.history_date, who, describe(new, "~"), rows))
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


class _Labels:
    """Stored values as people read them: names for related rows, each model looked up once for all the deltas."""

    def __init__(self, deltas: Iterable[tuple]):
        wanted: dict[type, set] = {}
        for meta, delta in deltas:
            field = meta.get_field(delta.field)
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(self._ids(field, delta.old, delta.new))
        self.names = {
            model: {row.pk: _name(row) for row in model.objects.filter(pk__in=ids)} for model, ids in wanted.items()
        }

    @staticmethod
    def _ids(field, *values) -> list:
        if field.many_to_many:  # e.g. a product's standards: [{"product": 1, "standard": 4}, ...]
            return [row[field.m2m_reverse_field_name()] for value in values for row in value or ()]
        return [value for value in values if value]

    def show(self, meta, name: str, value) -> str:
        if value in (None, "", []):
            return "—"
        field = meta.get_field(name)
        if field.is_relation:
            names = self.names.get(field.related_model, {})
            return ", ".join(names.get(pk, str(pk)) for pk in self._ids(field, value))
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return str(value)


def _name(row) -> str:
    """A user by their full name (else username), anything else as it prints."""
    if isinstance(row, get_user_model()):
        return row.get_full_name() or row.username
    return str(row)
