"""Events that move a grade: each recalculates that enterprise only, inside the event's dispatch (itself a Celery
task, after the write committed), so the event is marked handled exactly when the new grade is written. This is
the only way a write elsewhere (or in credit) reaches a grade; the nightly full run catches up on the rest. During a
full run the recalculation never waits behind it: it is recorded for that run, which does it as soon as it commits.

The kinds are those every registered indicator source declares (`core.indicators.Source.events`: a verdict, a
licence, an honour, a complaint, a listing...) and credit's own overrides. They are read when an event is
dispatched, so a source an app registers after credit starts counts as well."""

import datetime

from core.events import on_events
from core.indicators import source_events
from core.models import DomainEvent
from credit import events
from credit.choices import GradeCause
from credit.services import recalculate_enterprises

# Not indicator sources: an override is applied over the computed grade.
OVERRIDE_EVENTS = (events.OVERRIDE_APPROVED, events.OVERRIDE_ENDED)


def grade_event_kinds() -> set[str]:
    """Every event kind that recalculates the enterprise's grade."""
    return source_events() | set(OVERRIDE_EVENTS)


@on_events(grade_event_kinds)
def recalculate_on_event(event: DomainEvent) -> None:
    """Recalculate the event's enterprise. The history names the cause and detail the event carries (an
    override's, say); by default an event, and its kind. An event that names the moment it speaks of (`as_of`:
    overrides ended by a run at a given time) is recalculated as of that moment."""
    if not event.enterprise_id:
        return
    cause, as_of = event.payload.get("cause"), event.payload.get("as_of")
    recalculate_enterprises(
        [event.enterprise_id],
        cause=cause if cause in GradeCause.values else GradeCause.EVENT,
        detail=event.payload.get("detail") or event.kind,
        now=datetime.datetime.fromisoformat(as_of) if as_of else None,
    )
