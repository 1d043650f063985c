"""The audit chain's daily task: write the head to a file outside the database (AUDIT_HEAD_DIR)."""

from celery import shared_task

from core.audit import audit_head_write
from core.tasks import QSTask


@shared_task(base=QSTask)
def write_audit_head_task() -> str:
    """Today's head of the audit chain, written to AUDIT_HEAD_DIR (rewritten if run twice the same day)."""
    path = audit_head_write()
    return str(path or "")
