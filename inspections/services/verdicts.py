"""A task's final verdict, and what follows from it: the credit event, the follow-up, the publication deadline."""

import datetime

from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.events import event_emit
from inspections import events
from inspections.choices import TaskKind, TaskStatus, Verdict
from inspections.models import FollowUp, Task
from inspections.services import followups
from inspections.services.deadlines import publication_due_on


@transaction.atomic
def task_finalise(*, task: Task, verdict: str, actor, source: str, now: datetime.datetime | None = None) -> Task:
    """Record a task's final verdict (called by the services that make it final, never from outside). Idempotent:
    a task already final is returned unchanged.

    Emits `inspection.verdict` (or `inspection.refusal`) for the credit model. A nonconforming routine check
    without a follow-up opens one (a refusal is no rectification matter: the sampling service proposes its
    penalty); a routine check found conforming in the end (a re-test overturned it) closes its follow-up; a
    re-check moves its follow-up on."""
    now = now or timezone.now()
    task = Task.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    if task.status == TaskStatus.FINAL:
        return task
    task.status = TaskStatus.FINAL
    task.verdict = verdict
    task.finalised_at = now
    task.publish_due_on = publication_due_on(timezone.localdate(now))
    task._history_user = actor
    task.save()
    audit(
        actor=actor,
        action="task.finalise",
        target=task,
        trail=task.campaign,
        summary=f"{task.enterprise_id}: {task.get_verdict_display()} ({source})",
        verdict=verdict,
        source=source,
    )
    event_emit(
        events.REFUSAL if verdict == Verdict.REFUSED else events.VERDICT,
        enterprise_id=task.enterprise_id,
        task=task.pk,
        campaign=task.campaign_id,
        task_kind=task.kind,
        verdict=verdict,
    )
    if task.kind == TaskKind.RECHECK:
        followups.recheck_outcome(task=task, actor=actor, now=now)
        return task
    follow_up = FollowUp.objects.filter(task=task).first()
    if verdict == Verdict.NONCONFORMING and follow_up is None:  # a refusal is proposed a penalty instead
        followups.follow_up_open(task=task, actor=actor, now=now)
    elif verdict == Verdict.CONFORMING and follow_up is not None and follow_up.is_open:
        followups.follow_up_overturn(follow_up=follow_up, actor=actor, now=now)
    return task
