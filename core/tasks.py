import logging

from celery import shared_task
from django.db import connection

from core.events import event_dispatch, pending_events
from core.services import job_run

logger = logging.getLogger(__name__)


@shared_task(name="core.tasks.heartbeat_task")
def heartbeat_task() -> int:
    """Prove that beat, the broker, a worker and the database are all alive; staff see the last run."""
    with job_run("heartbeat") as run:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            (value,) = cursor.fetchone()
        run.counts = {"database": value}
    return run.pk


@shared_task(name="core.tasks.dispatch_event_task", bind=True, max_retries=5, acks_late=True)
def dispatch_event_task(self, event_id: int) -> bool:
    """Run a domain event's handlers once. A failure is recorded on the event and retried with back-off; in
    process (no broker) it is left for the periodic sweep rather than failing the request that caused it."""
    try:
        return event_dispatch(event_id)
    except Exception as exc:
        if self.request.is_eager:
            return False
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc


@shared_task(name="core.tasks.dispatch_pending_events_task")
def dispatch_pending_events_task() -> int:
    """Queue again the events still pending a while after they occurred (a lost message, retries used up)."""
    ids = list(pending_events().values_list("pk", flat=True)[:10_000])
    for event_id in ids:
        dispatch_event_task.delay(event_id)
    return len(ids)
