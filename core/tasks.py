from celery import shared_task
from django.db import connection

from core.services import job_run


@shared_task(name="core.tasks.heartbeat_task")
def heartbeat_task() -> int:
    """Prove that beat, the broker, a worker and the database are all alive; staff see the last run."""
    with job_run("heartbeat") as run:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            (value,) = cursor.fetchone()
        run.counts = {"database": value}
    return run.pk
