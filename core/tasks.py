"""The base every Celery task of the portal uses, and core's own tasks.

`QSTask` retries only what a later attempt can fix (the broker or Redis unreachable for a moment, a database lock
wait that timed out, a serialization failure or a deadlock), with exponential back-off and a bound; any other
exception fails the task at once, since running the same code on the same data again would fail the same way. In
process (no broker, `CELERY_TASK_ALWAYS_EAGER`) it never retries: the caller sees the exception."""

import logging
from typing import Any

import psycopg2.errors
import redis.exceptions
from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import OperationalError as DatabaseOperationalError
from django.db import connection
from kombu.exceptions import OperationalError as BrokerOperationalError

from core.events import event_dispatch, pending_events, stranded_events
from core.services import job_run, job_run_mark_lost, job_runs_lost

logger = logging.getLogger(__name__)

# The broker or the result backend did not answer: a moment later it may.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    BrokerOperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
# PostgreSQL errors (wrapped by Django in its OperationalError) that a new transaction may not meet again: a lock
# wait past lock_timeout, a serializable transaction that lost a race, a deadlock. Other database errors (a missing
# table, a broken query, a full disk) are not retried.
TRANSIENT_DATABASE_CAUSES: tuple[type[BaseException], ...] = (
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
)


class QueueUnavailable(Exception):
    """The broker did not take the message (down, or not answering within its timeouts)."""


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue a task from a web request: one attempt, bounded by the broker's timeouts in settings (about 2 s at
    most), no retries and no subscription to its result. Raises QueueUnavailable when the broker is down; in
    process (no broker) the task runs at once, as `delay` would."""
    try:
        task.apply_async(args, kwargs, retry=False, ignore_result=True)
    except (*TRANSIENT_ERRORS, redis.exceptions.RedisError, OSError) as exc:
        if task.app.conf.task_always_eager:
            raise
        logger.error("could not queue %s: %r", task.name, exc)
        raise QueueUnavailable(str(exc)) from exc


def is_transient(exc: BaseException) -> bool:
    """Whether a later attempt of the same task may succeed where this one failed."""
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    if isinstance(exc, DatabaseOperationalError):
        return isinstance(exc.__cause__, TRANSIENT_DATABASE_CAUSES)
    return isinstance(exc, TRANSIENT_DATABASE_CAUSES)


class QSTask(Task):
    """The portal's task base: bounded retries with exponential back-off, for transient errors only.

    A task sets its own bound and back-off through the decorator (`max_retries=3, retry_backoff=120`); the
    countdown of attempt n is `min(retry_backoff * 2**n, retry_backoff_max)` seconds. Tasks take primary keys
    and are safe to run twice, so a retry or a redelivered message does nothing twice."""

    max_retries = 5
    retry_backoff = 30
    retry_backoff_max = 600
    retry_jitter = False
    acks_late = True

    def retry_countdown(self) -> int:
        """Seconds before the next attempt, doubling with each retry up to `retry_backoff_max`."""
        return get_exponential_backoff_interval(
            factor=int(self.retry_backoff),
            retries=self.request.retries,
            maximum=self.retry_backoff_max,
            full_jitter=self.retry_jitter,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            if self.request.is_eager or not is_transient(exc):
                raise
            logger.warning("%s failed with a transient error, retrying: %r", self.name, exc)
            # Past max_retries, retry() raises `exc` itself: the task fails with the real error.
            raise self.retry(exc=exc, countdown=self.retry_countdown()) from exc


@shared_task(base=QSTask, name="core.tasks.heartbeat_task")
def heartbeat_task() -> int:
    """Prove that beat, the broker, a worker and the database are all alive; staff see the last run."""
    with job_run("heartbeat") as run:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            (value,) = cursor.fetchone()
        run.counts = {"database": value}
    return run.pk


@shared_task(base=QSTask, bind=True, name="core.tasks.dispatch_event_task")
def dispatch_event_task(self: QSTask, event_id: int) -> bool:
    """Run a domain event's handlers once. A failure is recorded on the event; a transient one is retried with
    back-off, any other is left pending for the periodic sweep (dispatch_pending_events_task). In process (no
    broker) a failure never fails the request that caused the event: the sweep picks it up too."""
    try:
        return event_dispatch(event_id)
    except Exception:
        if self.request.is_eager:
            return False
        raise


@shared_task(base=QSTask, name="core.tasks.dispatch_pending_events_task")
def dispatch_pending_events_task() -> int:
    """Queue again the events still pending a while after they occurred (a lost message, retries used up)."""
    ids = list(pending_events().values_list("pk", flat=True)[:10_000])
    for event_id in ids:
        dispatch_event_task.delay(event_id)
    return len(ids)


# A sweep that runs every 30 s handles at most this many events, oldest first.
STRANDED_BATCH = 500


@shared_task(base=QSTask, name="core.tasks.dispatch_stranded_events_task")
def dispatch_stranded_events_task() -> int:
    """Every 30 s: dispatch here the events never attempted a little while after they occurred (their hand-off to
    the broker failed, or the queue is slow), so a broker outage delays grades by at most a minute after it ends.
    Dispatching in this task rather than queueing each again keeps a backlog from growing copies; a failing
    event is counted as attempted and left to the 10-minute sweep."""
    dispatched = 0
    for event_id in stranded_events().order_by("occurred_at", "pk").values_list("pk", flat=True)[:STRANDED_BATCH]:
        try:
            dispatched += event_dispatch(event_id)
        except Exception:  # recorded on the event by event_dispatch; the next events still go
            continue
    return dispatched


@shared_task(base=QSTask, name="core.tasks.reap_lost_runs_task")
def reap_lost_runs_task() -> list[int]:
    """Every minute: runs whose heartbeat stopped are marked "worker lost", and those that name their task are
    queued again (the tasks are idempotent: a rerun writes only what the lost one did not commit)."""
    from celery import current_app

    requeued = []
    for run in job_runs_lost():
        if not job_run_mark_lost(run):
            continue
        logger.error("job run %s (%s) lost its worker %s", run.pk, run.name, run.worker)
        if run.task:
            if current_app.conf.task_always_eager:  # no broker: run it here
                current_app.tasks[run.task].apply(kwargs=run.task_kwargs)
            else:
                current_app.send_task(run.task, kwargs=run.task_kwargs)
            requeued.append(run.pk)
    return requeued
