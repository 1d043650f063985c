from celery import shared_task
from django.utils import timezone

from core.services import job_run
from core.tasks import QSTask
from equipment.services import reminders_record


@shared_task(base=QSTask, name="equipment.tasks.record_reminders_task")
def record_reminders_task() -> dict[str, int]:
    """Daily: record the reminders of inspections to request and registrations to apply for, set-based; each is
    recorded once (a unique constraint), so a rerun adds nothing."""
    with job_run("equipment_reminders") as run:
        run.counts = {"reminders": reminders_record(today=timezone.localdate())}
    return run.counts
