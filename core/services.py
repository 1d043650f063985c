"""Writes shared by every app: the record that background jobs leave."""

import datetime
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from core.models import JobRun

logger = logging.getLogger(__name__)


def _beat(run_pk: int, stop: threading.Event) -> None:
    """Write the run's heartbeat every JOB_HEARTBEAT_SECONDS until stopped, on this thread's own connection (the
    job's transaction commits only at its end)."""
    try:
        while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
            JobRun.objects.filter(pk=run_pk, status=JobRun.Status.RUNNING).update(heartbeat_at=timezone.now())
    except Exception:  # a heartbeat missed is reported by the reaper, never fails the job
        logger.exception("job run %s: heartbeat failed", run_pk)
    finally:
        connections.close_all()


@contextmanager
def job_run(name: str, *, task: str = "", task_kwargs: dict | None = None) -> Iterator[JobRun]:
    """Record a job's start, end, counts and failure. Put counts into `run.counts` inside the block.

    The run beats while it runs (PostgreSQL: a thread on its own connection); a run that stops beating lost its
    worker, and `job_runs_reap` marks it so and queues `task` again with `task_kwargs` (if given)."""
    now = timezone.now()
    run = JobRun.objects.create(
        name=name, worker=socket.gethostname(), heartbeat_at=now, task=task, task_kwargs=task_kwargs or {}
    )
    stop = threading.Event()
    beating = None
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        beating = threading.Thread(target=_beat, args=(run.pk, stop), name=f"heartbeat-{run.pk}", daemon=True)
        beating.start()
    try:
        yield run
    except Exception as exc:
        run.status = JobRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"
        raise
    else:
        run.status = JobRun.Status.SUCCEEDED
    finally:
        stop.set()
        if beating is not None:
            beating.join(timeout=10)
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "counts", "finished_at"])


def job_runs_lost(*, now: datetime.datetime | None = None):
    """Runs still marked running whose heartbeat stopped JOB_LOST_AFTER_SECONDS ago: their worker is gone."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.JOB_LOST_AFTER_SECONDS)
    return JobRun.objects.filter(status=JobRun.Status.RUNNING, heartbeat_at__lt=cutoff)


def job_run_mark_lost(run: JobRun, *, now: datetime.datetime | None = None) -> bool:
    """Mark a silent run "worker lost" (once: False when it finished or another reaper took it meanwhile)."""
    now = now or timezone.now()
    seconds = int((now - run.heartbeat_at).total_seconds()) if run.heartbeat_at else 0
    return bool(
        JobRun.objects.filter(pk=run.pk, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.LOST,
            finished_at=now,
            error=f"WorkerLost: no heartbeat for {seconds} s (worker {run.worker})",
        )
    )
