"""Follow-up (后处理) of a nonconforming or refused result (SAMR Order 18 Arts 45–49): stop-sale at once, a
rectification order, re-checks free of charge, a public notice, and in the end a referral."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.events import event_emit
from core.notices import may_open, notice_open, notice_serve_on_paper
from core.transitions import require_perm, require_state
from enterprises.choices import EnterpriseStatus
from enterprises.services import record_save
from inspections import events
from inspections.choices import FollowUpOutcome, FollowUpStage, TaskKind, TaskStatus, Verdict
from inspections.models import FollowUp, RectificationAttachment, Task
from inspections.services import deadlines


def follow_up_open(*, task: Task, actor, now: datetime.datetime) -> FollowUp:
    """Order the stop-sale at once and the rectification, with the first re-check deadline (from the order). The
    report's deadline runs from the enterprise's receipt of the order: empty until it is served
    (`rectification_order_open`, `rectification_order_serve_on_paper`)."""
    today = timezone.localdate(now)
    follow_up = FollowUp.objects.create(
        task=task,
        enterprise_id=task.enterprise_id,
        stop_sale_at=now,
        ordered_on=today,
        first_recheck_due_on=deadlines.first_recheck_due_on(today),
    )
    _record(follow_up, actor, "follow_up.open", _("Stop-sale and rectification ordered"))
    return follow_up


def _start_rectification_clock(follow_up: FollowUp, received_on: datetime.date) -> None:
    follow_up.rectification_due_on = deadlines.rectification_due_on(received_on)


def rectification_order_open(*, actor, follow_up: FollowUp, now: datetime.datetime | None = None) -> FollowUp:
    """The enterprise's user opened the rectification order: the first opening serves it (core.notices)."""
    return notice_open(
        user=actor, notice=follow_up, start_clock=_start_rectification_clock, trail=follow_up.task.campaign, now=now
    )


def rectification_order_serve_on_paper(
    *, actor, follow_up: FollowUp, received_on, proof, now: datetime.datetime | None = None
) -> FollowUp:
    """Staff record the paper delivery of the rectification order, with the signed receipt's scan."""
    return notice_serve_on_paper(
        actor=actor,
        notice=follow_up,
        received_on=received_on,
        proof=proof,
        permission="inspections.manage_follow_up",
        start_clock=_start_rectification_clock,
        trail=follow_up.task.campaign,
        now=now,
    )


def _record(follow_up: FollowUp, actor, action: str, summary: str) -> None:
    audit(actor=actor, action=action, target=follow_up, trail=follow_up.task.campaign, summary=summary)
    event_emit(
        events.FOLLOW_UP,
        enterprise_id=follow_up.enterprise_id,
        follow_up=follow_up.pk,
        stage=follow_up.stage,
        outcome=follow_up.outcome,
    )


def _close(follow_up: FollowUp, *, outcome: str, actor, now: datetime.datetime, lift_stop_sale: bool) -> None:
    follow_up.stage = FollowUpStage.CLOSED
    follow_up.outcome = outcome
    follow_up.closed_at = now
    if lift_stop_sale:
        follow_up.stop_sale_lifted_at = now
    follow_up._history_user = actor
    follow_up.save()


@transaction.atomic
def rectification_submit(
    *, actor, follow_up: FollowUp, report: str, files: list[UploadedFile], now: datetime.datetime | None = None
) -> FollowUp:
    """The enterprise reports its rectification (a later report replaces the earlier; the history keeps both)."""
    require_perm(actor, "inspections.submit_rectification", follow_up)
    if not follow_up.is_served and may_open(actor, follow_up):  # the report shows the order was received
        rectification_order_open(actor=actor, follow_up=follow_up, now=now)
    follow_up = FollowUp.objects.select_for_update().select_related("task__campaign").get(pk=follow_up.pk)
    if not follow_up.is_open:
        raise ValidationError(_("This follow-up is closed."))
    if not report.strip():
        raise ValidationError({"report": _("Describe the causes found and the measures taken.")})
    follow_up.report = report.strip()
    follow_up.report_submitted_at = now or timezone.now()
    follow_up.report_submitted_by = actor
    follow_up._history_user = actor
    follow_up.save()
    for upload in files:
        RectificationAttachment.store(upload, follow_up=follow_up)
    _record(follow_up, actor, "follow_up.report", _("Rectification report submitted"))  # the report clears "overdue"
    return follow_up


def _recheck_task(follow_up: FollowUp, *, round_: int, sample_from, due_on) -> Task:
    """A re-check (free of charge) by the inspectors who made the original check."""
    original = follow_up.task
    task = Task.objects.create(
        campaign=original.campaign,
        enterprise_id=original.enterprise_id,
        kind=TaskKind.RECHECK,
        follow_up=follow_up,
        recheck_round=round_,
        sample_from=sample_from,
        due_on=due_on,
        free_of_charge=True,
    )
    task.inspectors.set(original.inspectors.all())
    return task


@transaction.atomic
def recheck_order(*, actor, follow_up: FollowUp) -> Task:
    """Staff order the first re-check; it is due within 75 days of the rectification order."""
    require_perm(actor, "inspections.manage_follow_up", follow_up)
    follow_up = FollowUp.objects.select_for_update().select_related("task__campaign").get(pk=follow_up.pk)
    require_state(follow_up, [FollowUpStage.RECTIFYING], field="stage")
    task = _recheck_task(follow_up, round_=1, sample_from=None, due_on=follow_up.first_recheck_due_on)
    follow_up.stage = FollowUpStage.FIRST_RECHECK
    follow_up._history_user = actor
    follow_up.save()
    _record(follow_up, actor, "follow_up.recheck", _("First re-check ordered, due %s") % task.due_on.isoformat())
    return task


def recheck_outcome(*, task: Task, actor, now: datetime.datetime) -> FollowUp:
    """Move the follow-up on from a re-check's final verdict: conforming closes it; a first failure brings a public
    notice and a second re-check 60–90 days later; a second failure, suspension and a revocation referral."""
    follow_up = (
        FollowUp.objects.select_for_update().select_related("task__campaign", "enterprise").get(pk=task.follow_up_id)
    )
    if not follow_up.is_open:
        return follow_up
    today = timezone.localdate(now)
    if task.verdict == Verdict.CONFORMING:
        _close(follow_up, outcome=FollowUpOutcome.RECTIFIED, actor=actor, now=now, lift_stop_sale=True)
        _record(follow_up, actor, "follow_up.rectified", _("Re-check passed: rectified"))
    elif task.recheck_round == 1:
        follow_up.stage = FollowUpStage.SECOND_RECHECK
        follow_up.notice_on = today
        follow_up.second_recheck_from, follow_up.second_recheck_by = deadlines.second_recheck_window(today)
        follow_up.notice_text = _(
            "%(enterprise)s failed the re-check of %(campaign)s after a rectification order. A second re-check "
            "follows between %(start)s and %(end)s."
        ) % {
            "enterprise": follow_up.enterprise.name,
            "campaign": follow_up.task.campaign.title,
            "start": follow_up.second_recheck_from.isoformat(),
            "end": follow_up.second_recheck_by.isoformat(),
        }
        follow_up._history_user = actor
        follow_up.save()
        _recheck_task(
            follow_up, round_=2, sample_from=follow_up.second_recheck_from, due_on=follow_up.second_recheck_by
        )
        _record(follow_up, actor, "follow_up.notice", _("Re-check failed: public notice, second re-check"))
    else:
        follow_up.referred_on = today
        _close(follow_up, outcome=FollowUpOutcome.REFERRED, actor=actor, now=now, lift_stop_sale=False)
        enterprise = follow_up.enterprise
        enterprise.status = EnterpriseStatus.SUSPENDED
        record_save(enterprise, actor=actor)
        _record(follow_up, actor, "follow_up.referred", _("Second re-check failed: suspended and referred"))
    return follow_up


def follow_up_overturn(*, follow_up: FollowUp, actor, now: datetime.datetime) -> FollowUp:
    """A re-test found the product conforming: lift the stop-sale, close the follow-up, cancel pending re-checks."""
    follow_up = FollowUp.objects.select_for_update().select_related("task__campaign").get(pk=follow_up.pk)
    _close(follow_up, outcome=FollowUpOutcome.OVERTURNED, actor=actor, now=now, lift_stop_sale=True)
    follow_up.rechecks.filter(status=TaskStatus.ASSIGNED).update(
        status=TaskStatus.CANCELLED, cancelled_at=now, cancel_reason=str(FollowUpOutcome.OVERTURNED.label)
    )
    _record(follow_up, actor, "follow_up.overturned", _("The re-test overturned the result"))
    return follow_up
