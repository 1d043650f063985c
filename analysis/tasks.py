from celery import shared_task

from analysis.services import result_summary_refresh


@shared_task(name="analysis.tasks.refresh_result_summary_task", bind=True, max_retries=3, acks_late=True)
def refresh_result_summary_task(self) -> int:
    """On a schedule (and when staff ask): rebuild the result summary the dashboard's pass rates read. Safe to retry
    or to run twice at once: each run rebuilds the whole table, one after the other."""
    try:
        return result_summary_refresh()
    except Exception as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=120) from exc
