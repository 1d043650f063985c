from celery import shared_task
from django.utils import timezone

from core.services import job_run
from core.tasks import QSTask
from enterprises.services import licence_warnings_record


@shared_task(base=QSTask, name="enterprises.tasks.record_licence_warnings_task")
def record_licence_warnings_task() -> dict[str, int]:
    """Daily: record the licences that reached 90 days, 30 days or expiry. Idempotent when re-run."""
    with job_run("licence_warnings") as run:
        run.counts = licence_warnings_record(today=timezone.localdate())
    return run.counts
