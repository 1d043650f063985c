"""Follow-up (后处理) of a nonconforming result (SAMR Order 18 Arts 45–49): stop-sale at once, a rectification
order, re-checks free of charge, the report to the provincial bureau and its notice, and the decisions the bureau
takes by a leader (an order to suspend and rectify, lifting it) before a referral to revoke the business licence.
The penalty for refusing sampling (Product Quality Law Art 56) is proposed to a leader in the same way. The portal
never changes an enterprise's legal status by itself: only a recorded decision does."""

import datetime
from decimal import Decimal

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
from inspections.choices import (
    FollowUpOutcome,
    FollowUpStage,
    ProposalKind,
    ProposalStatus,
    TaskKind,
    TaskStatus,
    Verdict,
)
from inspections.models import DecisionProposal, FollowUp, ProvinceReport, RectificationAttachment, Task
from inspections.services import deadlines

SUSPENSION_ROUND = 3  # the re-check after the period of an order to suspend and rectify
TEXT_LIMIT = 10_000  # the longest grounds, opinion or measures accepted


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


def _record(follow_up: FollowUp, actor, action: str, summary: str, **data) -> None:
    audit(actor=actor, action=action, target=follow_up, trail=follow_up.task.campaign, summary=summary, **data)
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
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("task__campaign").get(pk=follow_up.pk)
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
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("task__campaign").get(pk=follow_up.pk)
    require_state(follow_up, [FollowUpStage.RECTIFYING], field="stage")
    task = _recheck_task(follow_up, round_=1, sample_from=None, due_on=follow_up.first_recheck_due_on)
    follow_up.stage = FollowUpStage.FIRST_RECHECK
    follow_up._history_user = actor
    follow_up.save()
    _record(follow_up, actor, "follow_up.recheck", _("First re-check ordered, due %s") % task.due_on.isoformat())
    return task


def recheck_outcome(*, task: Task, actor, now: datetime.datetime) -> FollowUp:
    """Move the follow-up on from a re-check's final verdict. Never changes the enterprise's status: a failed first
    re-check is to be reported to the provincial bureau (whose notice opens the second re-check); a failed second
    re-check proposes to a leader an order to suspend and rectify; after the period, a passed re-check proposes
    lifting the suspension and a failed one awaits the referral to revoke the business licence. A passed first or
    second re-check closes the follow-up."""
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("task__campaign", "enterprise")
        .get(pk=task.follow_up_id)
    )
    if not follow_up.is_open:
        return follow_up
    today = timezone.localdate(now)
    passed = task.verdict == Verdict.CONFORMING
    if task.recheck_round == SUSPENSION_ROUND:
        follow_up._history_user = actor
        if passed:
            follow_up.stage = FollowUpStage.TO_RESTORE
            follow_up.save()
            _propose(follow_up.task, kind=ProposalKind.RESTORE, follow_up=follow_up, actor=None, now=now)
            _record(
                follow_up, actor, "follow_up.restore_proposed", _("Re-check passed: lifting the suspension proposed")
            )
        else:
            follow_up.stage = FollowUpStage.TO_REFER
            follow_up.save()
            _record(follow_up, actor, "follow_up.to_refer", _("Re-check after the suspension failed: to refer"))
    elif passed:
        _close(follow_up, outcome=FollowUpOutcome.RECTIFIED, actor=actor, now=now, lift_stop_sale=True)
        _record(follow_up, actor, "follow_up.rectified", _("Re-check passed: rectified"))
    elif task.recheck_round == 1:
        follow_up.stage = FollowUpStage.PROVINCE
        follow_up.first_recheck_failed_on = today
        follow_up._history_user = actor
        follow_up.save()
        _record(follow_up, actor, "follow_up.to_province", _("First re-check failed: to report to the province"))
    else:
        follow_up.stage = FollowUpStage.TO_SUSPEND
        follow_up._history_user = actor
        follow_up.save()
        _propose(follow_up.task, kind=ProposalKind.SUSPEND, follow_up=follow_up, actor=None, now=now)
        _record(follow_up, actor, "follow_up.suspension_proposed", _("Second re-check failed: suspension proposed"))
    return follow_up


def follow_up_overturn(*, follow_up: FollowUp, actor, now: datetime.datetime) -> FollowUp:
    """A re-test found the product conforming: lift the stop-sale, close the follow-up, cancel pending re-checks."""
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("task__campaign").get(pk=follow_up.pk)
    _close(follow_up, outcome=FollowUpOutcome.OVERTURNED, actor=actor, now=now, lift_stop_sale=True)
    follow_up.rechecks.filter(status=TaskStatus.ASSIGNED).update(
        status=TaskStatus.CANCELLED, cancelled_at=now, cancel_reason=str(FollowUpOutcome.OVERTURNED.label)
    )
    _record(follow_up, actor, "follow_up.overturned", _("The re-test overturned the result"))
    return follow_up


# Reporting a failed first re-check to the provincial bureau (Order 18 Arts 47–48).


def follow_ups_to_report():
    """Follow-ups whose first re-check failed and that no report to the provincial bureau covers yet."""
    return FollowUp.objects.filter(stage=FollowUpStage.PROVINCE, province_report__isnull=True)


@transaction.atomic
def province_report_create(
    *, actor, follow_up_ids: list[int] | None = None, now: datetime.datetime | None = None
) -> ProvinceReport:
    """Prepare one report to the provincial bureau covering the given follow-ups (by default every one awaiting
    it); the PDF and the CSV of the cases are produced from it (`inspections.province_report`)."""
    require_perm(actor, "inspections.manage_follow_up")
    waiting = follow_ups_to_report().select_for_update(of=("self",))
    if follow_up_ids is not None:
        wanted = set(follow_up_ids)
        chosen = list(waiting.filter(pk__in=wanted))
        if not wanted or len(chosen) != len(wanted):
            raise ValidationError(
                {"follow_ups": _("Choose follow-ups whose first re-check failed and that no report covers yet.")}
            )
    else:
        chosen = list(waiting)
    if not chosen:
        raise ValidationError({"follow_ups": _("No follow-up awaits a report to the provincial bureau.")})
    report = ProvinceReport.objects.create(created_at=now or timezone.now(), created_by=actor)
    for follow_up in chosen:
        follow_up.province_report = report
        follow_up._history_user = actor
        follow_up.save(update_fields=["province_report"])
        _record(follow_up, actor, "follow_up.province_report", _("Included in report %s") % report.number)
    return report


@transaction.atomic
def province_report_sent(
    *, actor, report: ProvinceReport, sent_on: datetime.date, reference: str = "", today: datetime.date | None = None
) -> ProvinceReport:
    """Record the day the report went to the provincial bureau (with the dispatch reference, if any)."""
    require_perm(actor, "inspections.manage_follow_up")
    report = ProvinceReport.objects.select_for_update().get(pk=report.pk)
    if report.sent_on is not None:
        raise ValidationError(_("This report is already recorded as sent."))
    today = today or timezone.localdate()
    errors = {}
    if sent_on is None:
        errors["sent_on"] = _("Give the day the report was sent.")
    elif sent_on > today:
        errors["sent_on"] = _("This date is in the future.")
    elif sent_on < timezone.localdate(report.created_at):
        errors["sent_on"] = _("The report was prepared on %s: it cannot have been sent earlier.") % (
            timezone.localdate(report.created_at).isoformat()
        )
    reference = (reference or "").strip()
    if len(reference) > 100:
        errors["reference"] = _("At most 100 characters.")
    if errors:
        raise ValidationError(errors)
    report.sent_on, report.sent_reference, report.sent_by = sent_on, reference, actor
    report._history_user = actor
    report.save()
    for follow_up in report.follow_ups.select_related("task__campaign"):
        _record(follow_up, actor, "follow_up.province_sent", _("Report %s sent to the province") % report.number)
    return report


@transaction.atomic
def provincial_notice_record(
    *,
    actor,
    follow_up: FollowUp,
    notice_on: datetime.date,
    reference: str,
    url: str = "",
    today: datetime.date | None = None,
) -> FollowUp:
    """Record the provincial bureau's notice: the second re-check, free of charge, falls 60–90 days after the
    notice's date (not after the failure), on the inspectors' worklists."""
    require_perm(actor, "inspections.manage_follow_up", follow_up)
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("task__campaign", "enterprise", "province_report")
        .get(pk=follow_up.pk)
    )
    require_state(follow_up, [FollowUpStage.PROVINCE], field="stage")
    report = follow_up.province_report
    if report is None or report.sent_on is None:
        raise ValidationError(_("Record the report to the provincial bureau as sent first."))
    today = today or timezone.localdate()
    errors = {}
    if notice_on is None:
        errors["notice_on"] = _("Give the notice's date.")
    elif notice_on > today:
        errors["notice_on"] = _("This date is in the future.")
    elif notice_on < report.sent_on:
        errors["notice_on"] = _("The report was sent on %s: the notice cannot be earlier.") % report.sent_on.isoformat()
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = _("Give the notice's reference (its number or title).")
    elif len(reference) > 200:
        errors["reference"] = _("At most 200 characters.")
    url = (url or "").strip()
    if url:
        try:
            FollowUp._meta.get_field("notice_url").clean(url, follow_up)
        except ValidationError as error:
            errors["url"] = error.messages
    if errors:
        raise ValidationError(errors)
    follow_up.stage = FollowUpStage.SECOND_RECHECK
    follow_up.notice_on, follow_up.notice_reference, follow_up.notice_url = notice_on, reference, url
    follow_up.second_recheck_from, follow_up.second_recheck_by = deadlines.second_recheck_window(notice_on)
    follow_up.notice_text = _(
        "%(enterprise)s failed the re-check of %(campaign)s after a rectification order (provincial notice "
        "%(reference)s). A second re-check follows between %(start)s and %(end)s."
    ) % {
        "enterprise": follow_up.enterprise.name,
        "campaign": follow_up.task.campaign.title,
        "reference": reference,
        "start": follow_up.second_recheck_from.isoformat(),
        "end": follow_up.second_recheck_by.isoformat(),
    }
    follow_up._history_user = actor
    follow_up.save()
    _recheck_task(follow_up, round_=2, sample_from=follow_up.second_recheck_from, due_on=follow_up.second_recheck_by)
    _record(
        follow_up,
        actor,
        "follow_up.notice",
        _("Provincial notice %(reference)s of %(date)s recorded: second re-check")
        % {"reference": reference, "date": notice_on.isoformat()},
    )
    return follow_up


# Decisions a leader takes: the order to suspend and rectify, lifting it, the penalty for refusing sampling.


def _grounds(task: Task, kind: str, follow_up: FollowUp | None) -> str:
    names = {"enterprise": task.enterprise.name, "campaign": task.campaign.title}
    if kind == ProposalKind.REFUSAL_PENALTY:
        reason = getattr(getattr(task, "sampling", None), "refusal_reason", "")
        return _(
            "%(enterprise)s refused the sampling of %(campaign)s (reason given: %(reason)s). Refusing a spot check "
            "is a violation of the Product Quality Law; Art 56 provides for a penalty. The enterprise has the "
            "right to a statement and defence, and to a hearing."
        ) % {**names, "reason": reason or "—"}
    if kind == ProposalKind.SUSPEND:
        return _(
            "%(enterprise)s failed the second re-check of %(campaign)s after the provincial notice %(reference)s. "
            "Under SAMR Order 18 Art 48, an order to suspend and rectify within a period is proposed. The "
            "enterprise has the right to a hearing."
        ) % {**names, "reference": follow_up.notice_reference if follow_up else "—"}
    return (
        _(
            "%(enterprise)s passed the re-check after the period of the order to suspend and rectify (%(campaign)s): "
            "lifting the suspension is proposed."
        )
        % names
    )


def _propose(task: Task, *, kind: str, follow_up: FollowUp | None, actor, now: datetime.datetime, grounds: str = ""):
    proposal = DecisionProposal(
        kind=kind,
        enterprise_id=task.enterprise_id,
        task=task,
        follow_up=follow_up,
        grounds=grounds or _grounds(task, kind, follow_up),
        proposed_at=now,
        proposed_by=actor,
    )
    proposal.validate_constraints()
    proposal.save()
    audit(
        actor=actor,
        action="proposal.propose",
        target=proposal,
        trail=task.campaign,
        summary=f"{task.enterprise.name}: {proposal.get_kind_display()}",
        kind=kind,
    )
    if follow_up is None:  # a refusal: no follow-up to carry the event, the proposal's own
        event_emit(events.FOLLOW_UP, enterprise_id=task.enterprise_id, proposal=proposal.pk, proposal_kind=kind)
    return proposal


def refusal_penalty_propose(*, task: Task, actor, now: datetime.datetime) -> DecisionProposal:
    """A refused sampling: propose to a leader the penalty of Product Quality Law Art 56 (called by the sampling
    service in its transaction). The refusal stays nonconforming for the grade through the task's verdict."""
    task = Task.objects.select_related("campaign", "enterprise", "sampling").get(pk=task.pk)
    return _propose(task, kind=ProposalKind.REFUSAL_PENALTY, follow_up=None, actor=actor, now=now)


_STAGE_PROPOSES = {FollowUpStage.TO_SUSPEND: ProposalKind.SUSPEND, FollowUpStage.TO_RESTORE: ProposalKind.RESTORE}


@transaction.atomic
def proposal_submit(*, actor, proposal: DecisionProposal, grounds: str, now: datetime.datetime | None = None):
    """Propose again, with revised grounds, a decision the leader rejected (the rejected one stays on record)."""
    require_perm(actor, "inspections.manage_follow_up")
    rejected = DecisionProposal.objects.select_related("task__campaign", "task__enterprise", "follow_up").get(
        pk=proposal.pk
    )
    require_state(rejected, [ProposalStatus.REJECTED])
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": _("Give the facts and grounds.")})
    if len(grounds) > TEXT_LIMIT:
        raise ValidationError({"grounds": _("At most %d characters.") % TEXT_LIMIT})
    follow_up = rejected.follow_up
    if follow_up is not None:
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if _STAGE_PROPOSES.get(follow_up.stage) != rejected.kind:
            raise ValidationError(_("The follow-up has moved on: this decision is no longer to be proposed."))
    others = DecisionProposal.objects.filter(task=rejected.task, kind=rejected.kind)
    if others.filter(status__in=[ProposalStatus.PENDING, ProposalStatus.APPROVED]).exists():
        raise ValidationError(_("A proposal of this kind is already pending or decided."))
    new = _propose(
        rejected.task, kind=rejected.kind, follow_up=follow_up, actor=actor, now=now or timezone.now(), grounds=grounds
    )
    if follow_up is not None:
        _record(follow_up, actor, "follow_up.proposed_again", new.get_kind_display())
    return new


@transaction.atomic
def proposal_hearing(
    *,
    actor,
    proposal: DecisionProposal,
    notified_on: datetime.date | None,
    requested: bool,
    held_on: datetime.date | None,
    today: datetime.date | None = None,
) -> DecisionProposal:
    """Record the enterprise's right to a hearing: when it was told of it, whether it asked for one, when it was
    held. A decision waits for the hearing the enterprise asked for."""
    require_perm(actor, "inspections.manage_follow_up")
    proposal = (
        DecisionProposal.objects.select_for_update(of=("self",)).select_related("task__campaign").get(pk=proposal.pk)
    )
    require_state(proposal, [ProposalStatus.PENDING])
    today = today or timezone.localdate()
    errors = {}
    proposed_on = timezone.localdate(proposal.proposed_at)
    for name, day in (("notified_on", notified_on), ("held_on", held_on)):
        if day is not None and day > today:
            errors[name] = _("This date is in the future.")
        elif day is not None and day < proposed_on:
            errors[name] = _("The decision was proposed on %s: this cannot be earlier.") % proposed_on.isoformat()
    if notified_on is None and (requested or held_on):
        errors["notified_on"] = _("Record first when the enterprise was told of its right to a hearing.")
    if held_on is not None and not requested:
        errors["held_on"] = _("A hearing is held only when the enterprise asks for one.")
    if held_on is not None and notified_on is not None and held_on < notified_on and "held_on" not in errors:
        errors["held_on"] = _("The hearing cannot precede the notice of the right to it.")
    if errors:
        raise ValidationError(errors)
    proposal.hearing_notified_on, proposal.hearing_requested, proposal.hearing_held_on = notified_on, requested, held_on
    proposal._history_user = actor
    proposal.save()
    audit(
        actor=actor,
        action="proposal.hearing",
        target=proposal,
        trail=proposal.task.campaign,
        summary=_("Hearing: notified %(notified)s, requested %(requested)s, held %(held)s")
        % {
            "notified": notified_on.isoformat() if notified_on else "—",
            "requested": _("yes") if requested else _("no"),
            "held": held_on.isoformat() if held_on else "—",
        },
    )
    _emit_proposal(proposal)
    return proposal


def _emit_proposal(proposal: DecisionProposal) -> None:
    event_emit(
        events.FOLLOW_UP,
        enterprise_id=proposal.enterprise_id,
        follow_up=proposal.follow_up_id,
        proposal=proposal.pk,
        proposal_kind=proposal.kind,
        status=proposal.status,
    )


@transaction.atomic
def proposal_decide(
    *,
    actor,
    proposal: DecisionProposal,
    approve: bool,
    opinion: str = "",
    decision_number: str = "",
    decision_on: datetime.date | None = None,
    period_end: datetime.date | None = None,
    amount: Decimal | None = None,
    measures: str = "",
    now: datetime.datetime | None = None,
) -> DecisionProposal:
    """A leader decides a proposal. Approving records the decision (number, date; the period of an order to suspend
    and rectify; the fine or measures of a penalty) and only then changes the enterprise's status; rejecting needs
    the reason. A proposal is decided by another person than the one who made it."""
    require_perm(actor, "inspections.decide_proposal")
    now = now or timezone.now()
    today = timezone.localdate(now)
    proposal = (
        DecisionProposal.objects.select_for_update(of=("self",))
        .select_related("task__campaign", "enterprise", "follow_up")
        .get(pk=proposal.pk)
    )
    require_state(proposal, [ProposalStatus.PENDING])
    if proposal.proposed_by_id is not None and proposal.proposed_by_id == actor.pk:
        raise ValidationError(_("A proposal is decided by another person than the one who made it."))
    opinion, decision_number, measures = (
        (opinion or "").strip(),
        (decision_number or "").strip(),
        (measures or "").strip(),
    )
    errors = {}
    for name, value, limit in (("opinion", opinion, TEXT_LIMIT), ("measures", measures, TEXT_LIMIT),
                               ("decision_number", decision_number, 100)):  # fmt: skip
        if len(value) > limit:
            errors[name] = _("At most %d characters.") % limit
    if not approve:
        if not opinion:
            errors["opinion"] = _("Give the reason for rejecting the proposal.")
        if errors:
            raise ValidationError(errors)
        proposal.record_decision(actor=actor, status=ProposalStatus.REJECTED, note=opinion)
        _decision_recorded(proposal, actor, "proposal.reject", _("Rejected: %s") % opinion)
        return proposal
    kind = proposal.kind
    if not decision_number:
        errors["decision_number"] = _("Give the decision's number.")
    proposed_on = timezone.localdate(proposal.proposed_at)
    if decision_on is None:
        errors["decision_on"] = _("Give the decision's date.")
    elif decision_on > today:
        errors["decision_on"] = _("This date is in the future.")
    elif decision_on < proposed_on:
        errors["decision_on"] = _("The decision was proposed on %s: it cannot be decided earlier.") % (
            proposed_on.isoformat()
        )
    if kind == ProposalKind.SUSPEND:
        if period_end is None:
            errors["period_end"] = _("Give the day the period to suspend and rectify ends.")
        elif decision_on is not None and period_end <= decision_on:
            errors["period_end"] = _("The period ends after the decision's date.")
        elif decision_on is not None and (period_end - decision_on).days > 366:
            errors["period_end"] = _("A period of at most a year.")
    elif period_end is not None:
        errors["period_end"] = _("Only an order to suspend and rectify has a period.")
    if kind == ProposalKind.REFUSAL_PENALTY:
        if amount is None and not measures:
            errors["measures"] = _("Give the fine, the measures, or both.")
        if amount is not None and (amount < 0 or amount >= Decimal("1e10")):
            errors["amount"] = _("Give an amount in yuan, at least 0.")
    elif amount is not None:
        errors["amount"] = _("Only a penalty has a fine.")
    if kind in (ProposalKind.SUSPEND, ProposalKind.REFUSAL_PENALTY):
        if kind == ProposalKind.SUSPEND and proposal.hearing_notified_on is None:
            errors["__all__"] = _("Record first that the enterprise was told of its right to a hearing.")
        elif proposal.hearing_requested and proposal.hearing_held_on is None:
            errors["__all__"] = _("The enterprise asked for a hearing: record it as held before deciding.")
    if errors:
        raise ValidationError(errors)
    proposal.decision_number, proposal.decision_on = decision_number, decision_on
    proposal.period_end, proposal.amount, proposal.measures = period_end, amount, measures
    proposal.record_decision(actor=actor, status=ProposalStatus.APPROVED, note=opinion)
    follow_up = proposal.follow_up
    if kind == ProposalKind.SUSPEND:
        _enterprise_status(proposal, EnterpriseStatus.SUSPENDED, actor)
        follow_up = (
            FollowUp.objects.select_for_update(of=("self",)).select_related("task__campaign").get(pk=follow_up.pk)
        )
        follow_up.stage = FollowUpStage.SUSPENDED
        follow_up._history_user = actor
        follow_up.save()
        sample_from, due_on = deadlines.suspension_recheck_window(period_end)
        _recheck_task(follow_up, round_=SUSPENSION_ROUND, sample_from=sample_from, due_on=due_on)
    elif kind == ProposalKind.RESTORE:
        _enterprise_status(proposal, EnterpriseStatus.ACTIVE, actor)
        follow_up = (
            FollowUp.objects.select_for_update(of=("self",)).select_related("task__campaign").get(pk=follow_up.pk)
        )
        _close(follow_up, outcome=FollowUpOutcome.RECTIFIED, actor=actor, now=now, lift_stop_sale=True)
    _decision_recorded(
        proposal,
        actor,
        "proposal.approve",
        _("Decided: %(kind)s, no. %(number)s of %(date)s")
        % {"kind": proposal.get_kind_display(), "number": decision_number, "date": decision_on.isoformat()},
    )
    return proposal


def _enterprise_status(proposal: DecisionProposal, status: str, actor) -> None:
    """The enterprise's status changes here only, by the decision recorded (through the register's service)."""
    enterprise = proposal.enterprise
    enterprise.status = status
    record_save(enterprise, actor=actor)


def _decision_recorded(proposal: DecisionProposal, actor, action: str, summary: str) -> None:
    audit(actor=actor, action=action, target=proposal, trail=proposal.task.campaign, summary=summary)
    if proposal.follow_up_id is not None:
        follow_up = FollowUp.objects.select_related("task__campaign").get(pk=proposal.follow_up_id)
        _record(follow_up, actor, action.replace("proposal.", "follow_up.decision_"), summary, proposal=proposal.pk)
    else:
        _emit_proposal(proposal)


@transaction.atomic
def referral_record(
    *,
    actor,
    follow_up: FollowUp,
    authority: str,
    referred_on: datetime.date | None,
    reference: str,
    today: datetime.date | None = None,
) -> FollowUp:
    """Record the referral to revoke the business licence, with the authority that received it: it closes the
    follow-up (the stop-sale stays in force; the status stays as the last decision left it)."""
    require_perm(actor, "inspections.manage_follow_up", follow_up)
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("task__campaign").get(pk=follow_up.pk)
    require_state(follow_up, [FollowUpStage.TO_REFER], field="stage")
    today = today or timezone.localdate()
    authority, reference = (authority or "").strip(), (reference or "").strip()
    errors = {}
    if not authority:
        errors["authority"] = _("Name the authority that received the referral.")
    elif len(authority) > 200:
        errors["authority"] = _("At most 200 characters.")
    if not reference:
        errors["reference"] = _("Give the referral's reference.")
    elif len(reference) > 100:
        errors["reference"] = _("At most 100 characters.")
    if referred_on is None:
        errors["referred_on"] = _("Give the day of the referral.")
    elif referred_on > today:
        errors["referred_on"] = _("This date is in the future.")
    if errors:
        raise ValidationError(errors)
    follow_up.referred_on, follow_up.referral_authority, follow_up.referral_reference = (
        referred_on,
        authority,
        reference,
    )
    _close(
        follow_up,
        outcome=FollowUpOutcome.REFERRED,
        actor=actor,
        now=timezone.now(),
        lift_stop_sale=False,
    )
    _record(
        follow_up,
        actor,
        "follow_up.referred",
        _("Referred to %(authority)s (%(reference)s) to revoke the business licence")
        % {"authority": authority, "reference": reference},
    )
    return follow_up
