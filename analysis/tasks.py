from celery import shared_task

from analysis.services import result_summary_refresh
from core.tasks import QSTask


@shared_task(base=QSTask, name="analysis.tasks.refresh_result_summary_task", max_retries=3, retry_backoff=120)
def refresh_result_summary_task() -> int:
    """On a schedule (and when staff ask): rebuild the result summary the dashboard's pass rates read. Safe to retry
    or to run twice at once: each run rebuilds the whole table, one after the other."""
    return result_summary_refresh()
