"""Writes shared by every app: the record that background jobs leave."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from core.models import JobRun


@contextmanager
def job_run(name: str) -> Iterator[JobRun]:
    """Record a job's start, end, counts and failure. Put counts into `run.counts` inside the block."""
    run = JobRun.objects.create(name=name, worker=socket.gethostname())
    try:
        yield run
    except Exception as exc:
        run.status = JobRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"
        raise
    else:
        run.status = JobRun.Status.SUCCEEDED
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "counts", "finished_at"])
