"""Metrology's Celery tasks: thin, set-based, safe to run twice."""

from celery import shared_task

from core.tasks import QSTask
from metrology.services import reminders_record


@shared_task(base=QSTask, name="metrology.tasks.record_verification_reminders_task")
def record_verification_reminders_task() -> int:
    """Record today's verification reminders (each once; a re-run records nothing)."""
    return reminders_record()
