import datetime
import logging

from celery import shared_task

from core.tasks import QSTask
from credit.choices import GradeCause
from credit.services import RecalculationRunning, dishonesty_list_daily, overrides_expire, recalculate_all

logger = logging.getLogger(__name__)


@shared_task(
    base=QSTask,
    name="credit.tasks.recalculate_all_task",
    max_retries=3,
    retry_backoff=300,
    acks_late=True,
    reject_on_worker_lost=True,
)
def recalculate_all_task(cause: str = GradeCause.SCHEDULED) -> dict:
    """Nightly (and, with cause "monthly", the full monthly re-grade): every grade and risk score, set-based.
    Safe to retry and to deliver again (acknowledged late, rejected back to the queue when its worker dies): a rerun
    writes only what is still different. While another full run is under way it does nothing (that run covers it)
    and says which run that is."""
    try:
        return recalculate_all(cause=cause).as_counts()
    except RecalculationRunning as exc:
        logger.warning("full recalculation (%s) not started: %s", cause, exc)
        return {"refused": True, "running": exc.run.pk if exc.run else None}


@shared_task(base=QSTask, name="credit.tasks.end_expired_overrides_task")
def end_expired_overrides_task() -> int:
    """Daily, just after midnight: overrides past their expiry end; each end's event regrades its enterprise."""
    return overrides_expire()


@shared_task(base=QSTask, name="credit.tasks.dishonesty_list_daily_task")
def dishonesty_list_daily_task(as_of: str | None = None) -> dict:
    """Daily, just after midnight: statement periods that have passed lapse, and listings three years after
    publication are removed (each on its due date). `as_of` (an ISO date) runs it for that day. Safe to run twice:
    the second run finds nothing left to do."""
    return dishonesty_list_daily(today=datetime.date.fromisoformat(as_of) if as_of else None)
