"""Domain events are written with the change, dispatched once after commit, and retried when a handler fails."""

import pytest

from core import events
from core.events import event_dispatch, event_emit, on_event
from core.models import DomainEvent
from core.tasks import dispatch_pending_events_task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def handled(monkeypatch):
    seen = []
    monkeypatch.setattr(events, "_HANDLERS", [])
    on_event("test.happened")(lambda event: seen.append(event.payload["n"]))
    return seen


def test_an_event_is_dispatched_once_after_commit(handled, enterprise):
    event = event_emit("test.happened", enterprise_id=enterprise.pk, n=1)
    event.refresh_from_db()
    assert handled == [1] and event.dispatched_at and event.attempts == 1
    assert event_dispatch(event.pk) is False  # a retry, or a second worker, does nothing twice
    assert handled == [1]


def test_a_rolled_back_change_fires_nothing(handled, enterprise):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        event_emit("test.happened", enterprise_id=enterprise.pk, n=2)
        raise RuntimeError("the change failed")
    assert handled == [] and not DomainEvent.objects.exists()


def test_a_failing_handler_leaves_the_event_pending_for_the_sweep(monkeypatch, enterprise):
    calls = []
    monkeypatch.setattr(events, "_HANDLERS", [])

    @on_event("test.flaky")
    def flaky(event):
        calls.append(event.pk)
        if len(calls) == 1:
            raise ConnectionError("database busy")

    event = event_emit("test.flaky", enterprise_id=enterprise.pk)
    event.refresh_from_db()
    assert event.dispatched_at is None and event.attempts == 1 and "database busy" in event.error
    DomainEvent.objects.filter(pk=event.pk).update(occurred_at=event.occurred_at.replace(year=2020))
    assert dispatch_pending_events_task.delay().get() == 1
    event.refresh_from_db()
    assert event.dispatched_at and event.attempts == 2 and calls == [event.pk, event.pk]
