"""Events in an honour holder's record that may call its honour into question. They run after the credit
handlers (the credit app is installed first), so a grade that has just fallen to C is already written."""

from brands.revocation import proposals_raise
from core.events import on_event
from core.models import DomainEvent

HONOUR_EVENTS = (
    "inspection.verdict",
    "inspection.refusal",
    "inspection.follow_up",
    "enterprise.record",
    "credit.listed",
)


@on_event(*HONOUR_EVENTS)
def propose_revocations(event: DomainEvent) -> None:
    if event.enterprise_id:
        proposals_raise(enterprise_ids=[event.enterprise_id])
