from celery import shared_task

from core.tasks import QSTask
from credit.choices import GradeCause
from credit.services import overrides_expire, recalculate_all


@shared_task(base=QSTask, name="credit.tasks.recalculate_all_task", max_retries=3, retry_backoff=300)
def recalculate_all_task(cause: str = GradeCause.SCHEDULED) -> dict:
    """Nightly (and, with cause "monthly", the full monthly re-grade): every grade and risk score, set-based.
    Safe to retry: a rerun writes only what is still different; a concurrent run waits for the lock."""
    return recalculate_all(cause=cause).as_counts()


@shared_task(base=QSTask, name="credit.tasks.end_expired_overrides_task")
def end_expired_overrides_task() -> int:
    """Daily, just after midnight: overrides past their expiry end; each end's event regrades its enterprise."""
    return overrides_expire()
