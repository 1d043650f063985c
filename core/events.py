"""Domain events: a change records what happened; handlers elsewhere react once it has committed.

`event_emit` writes the event in the caller's transaction and queues its dispatch after commit, so a rolled-back
change never fires. `event_dispatch` runs each event's handlers exactly once: it claims the event under a row
lock (skipping one another worker holds) and marks it dispatched in the same transaction as the handlers' writes.
A failed dispatch stays pending and is retried; handlers must therefore be idempotent, and they are.
"""

import datetime
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.models import DomainEvent

logger = logging.getLogger(__name__)
Handler = Callable[[DomainEvent], None]
Kinds = Callable[[], Iterable[str]]
# In registration order (apps start in INSTALLED_APPS order): an event's handlers run in that order, so credit's
# grade is written before brands reads it.
_HANDLERS: list[tuple[Kinds, Handler]] = []


def on_event(*kinds: str) -> Callable[[Handler], Handler]:
    """Register a handler for events of these kinds (call at app start-up, from `AppConfig.ready`)."""
    return on_events(lambda: kinds)


def on_events(kinds: Kinds) -> Callable[[Handler], Handler]:
    """Register a handler for the kinds `kinds()` names when an event is dispatched: for a consumer whose kinds
    other apps declare, some of them after it starts (credit recalculates on every indicator source's events)."""

    def register(handler: Handler) -> Handler:
        _HANDLERS.append((kinds, handler))
        return handler

    return register


def handlers_for(kind: str) -> list[Handler]:
    """The handlers of this kind, each once, in registration order."""
    handlers: list[Handler] = []
    for kinds, handler in _HANDLERS:
        if kind in kinds() and handler not in handlers:
            handlers.append(handler)
    return handlers


def event_emit(kind: str, *, enterprise_id: int | None, **payload) -> DomainEvent:
    """Record an event in the current transaction; its dispatch is queued once the transaction commits."""
    from core.tasks import dispatch_event_task

    event = DomainEvent.objects.create(kind=kind, enterprise_id=enterprise_id, payload=payload)
    transaction.on_commit(lambda: _hand_off(dispatch_event_task, event.pk))
    return event


def _hand_off(task, event_id: int) -> None:
    """Queue the event's dispatch once its write committed. The write stands whatever happens here: with the
    broker down the event stays pending (logged) and the 30-second sweep dispatches it once the broker is back."""
    from core.tasks import QueueUnavailable, enqueue

    try:
        enqueue(task, event_id)
    except QueueUnavailable:
        logger.warning("event %s stays pending until the broker answers again", event_id)
    except Exception:  # never turn a committed write into an error page
        logger.exception("queueing event %s failed; it stays pending", event_id)


def event_dispatch(event_id: int) -> bool:
    """Run the event's handlers once. False when it was already dispatched or another worker holds it."""
    try:
        with transaction.atomic():
            event = (
                DomainEvent.objects.select_for_update(skip_locked=True)
                .filter(pk=event_id, dispatched_at__isnull=True)
                .first()
            )
            if event is None:
                return False
            for handler in handlers_for(event.kind):
                handler(event)
            event.dispatched_at = timezone.now()
            event.attempts += 1
            event.error = ""
            event.save(update_fields=["dispatched_at", "attempts", "error"])
            return True
    except Exception as exc:
        DomainEvent.objects.filter(pk=event_id).update(attempts=F("attempts") + 1, error=repr(exc)[:2000])
        logger.exception("dispatching event %s failed", event_id)
        raise


# An event never attempted this long after it occurred missed its hand-off (the broker was down): the 30-second
# sweep dispatches it.
STRANDED_AFTER_SECONDS = 20


def stranded_events(*, older_than_seconds: int = STRANDED_AFTER_SECONDS):
    """Events never attempted a while after they occurred: their message was not queued, or waits in a long queue."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    return DomainEvent.objects.filter(dispatched_at__isnull=True, attempts=0, occurred_at__lt=cutoff)


def pending_events(*, older_than_seconds: int = 300):
    """Events whose dispatch has not happened a while after they occurred (a lost message or a failed run)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    return DomainEvent.objects.filter(dispatched_at__isnull=True, occurred_at__lt=cutoff)
