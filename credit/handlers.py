"""Events elsewhere in the record that move a grade: each recalculates that enterprise only, inside the event's
dispatch (itself a Celery task), so the event is marked handled exactly when the new grade is written."""

from core.events import on_event
from core.models import DomainEvent
from credit.choices import GradeCause
from credit.services import recalculate_enterprises

GRADE_EVENTS = (
    "inspection.verdict",
    "inspection.refusal",
    "inspection.follow_up",
    "enterprise.record",  # a licence, self-report or penalty recorded or changed
    "brands.honour",
    "complaints.resolved",
)


@on_event(*GRADE_EVENTS)
def recalculate_on_event(event: DomainEvent) -> None:
    if event.enterprise_id:
        recalculate_enterprises([event.enterprise_id], cause=GradeCause.EVENT, detail=event.kind)
