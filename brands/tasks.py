from celery import shared_task

from brands.revocation import proposals_raise
from core.services import job_run
from core.tasks import QSTask


@shared_task(base=QSTask, name="brands.tasks.raise_revocation_proposals_task")
def raise_revocation_proposals_task() -> int:
    """Nightly, after the credit recalculation: proposals for every holder that fell to C overnight (or was
    missed by an event). Safe to re-run: a proposal is raised once per cause."""
    with job_run("brands.revocation_proposals") as run:
        raised = proposals_raise()
        run.counts = {"raised": raised}
    return raised
