from celery import shared_task

from credit.choices import GradeCause
from credit.services import overrides_expire, recalculate_all


@shared_task(name="credit.tasks.recalculate_all_task", bind=True, max_retries=3, acks_late=True)
def recalculate_all_task(self, cause: str = GradeCause.SCHEDULED) -> dict:
    """Nightly (and, with cause "monthly", the full monthly re-grade): every grade and risk score, set-based.
    Safe to retry: a rerun writes only what is still different; a concurrent run waits for the lock."""
    try:
        return recalculate_all(cause=cause).as_counts()
    except Exception as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=300) from exc


@shared_task(name="credit.tasks.end_expired_overrides_task")
def end_expired_overrides_task() -> int:
    """Daily, just after midnight: overrides past their expiry end, and those grades are recalculated at once."""
    return overrides_expire()
