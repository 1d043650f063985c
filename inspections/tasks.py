from celery import shared_task
from django.utils import timezone

from core.services import job_run
from core.tasks import QSTask
from inspections.services.testing import finalise_unobjected_results


@shared_task(base=QSTask, name="inspections.tasks.finalise_unobjected_results_task")
def finalise_unobjected_results_task() -> int:
    """Daily: nonconforming results whose objection window closed without an objection become final (they count
    as accepted). Idempotent: a second run the same day finds nothing left to do."""
    with job_run("finalise_unobjected_results") as run:
        run.counts = {"finalised": finalise_unobjected_results(today=timezone.localdate())}
    return run.counts["finalised"]
