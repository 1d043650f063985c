"""The laboratory's blind test, the staff review, notifying the enterprise, and its answer: accept or object."""

import datetime
import logging
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.hygiene import text_within
from core.notices import may_open, notice_open, notice_serve_on_paper
from core.transitions import require_perm, require_state
from inspections.choices import LabTestKind, LabTestStatus, TaskKind, TaskStatus, Verdict
from inspections.custody import custody_require_receipt
from inspections.draw import draw_laboratory
from inspections.models import ItemResult, Laboratory, LabTest, Objection, Task
from inspections.services.deadlines import objection_due_on
from inspections.services.followups import follow_up_open
from inspections.services.verdicts import task_finalise

logger = logging.getLogger(__name__)

# No 0/O or 1/I/L: codes are read aloud and copied by hand in the laboratory.
BLIND_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_blind_code() -> str:
    body = "".join(secrets.choice(BLIND_ALPHABET) for _n in range(10))
    return f"{body[:5]}-{body[5:]}"


def lab_test_create(*, task: Task, lab: Laboratory, actor, kind: str = LabTestKind.INITIAL) -> LabTest:
    """Send the sample to a laboratory under a fresh blind code: the laboratory never learns the enterprise."""
    lab_test = LabTest.objects.create(task=task, kind=kind, lab=lab, blind_code=new_blind_code())
    audit(actor=actor, action=f"lab_test.create.{kind}", target=lab_test, trail=task.campaign, summary=lab.name)
    return lab_test


def _locked(lab_test: LabTest) -> LabTest:
    return LabTest.objects.select_for_update().select_related("task__campaign", "lab").get(pk=lab_test.pk)


@transaction.atomic
def lab_test_save_results(
    *,
    actor,
    lab_test: LabTest,
    findings: dict,
    submit: bool,
    now: datetime.datetime | None = None,
    category: str | None = None,
) -> LabTest:
    """Record the laboratory's findings, {test item id: {"value", "conforms", "note", "not_applicable"}}, and the
    sample's product `category` (which picks the items that apply); with `submit`, every applicable item must have
    one and the verdict is computed from the items applicable and not marked not applicable: one failed item fails
    the batch. Nobody types the verdict. An item is marked not applicable only with the reason in its note, and
    never a mandatory one."""
    require_perm(actor, "inspections.enter_results", lab_test)
    lab_test = _locked(lab_test)
    require_state(lab_test, [LabTestStatus.PENDING])
    custody_require_receipt(lab_test)
    errors = _set_category(lab_test, category, actor)
    items = applicable_items(lab_test)
    for item_id, finding in findings.items():
        item = items.get(int(item_id)) if str(item_id).isdigit() else None
        if item is None:
            errors[f"item_{item_id}"] = _("This test item is not part of the campaign.")
            continue
        if finding.get("not_applicable"):
            if problem := _not_applicable_problem(item, finding):
                errors[f"item_{item.pk}"] = problem
                continue
            ItemResult.objects.update_or_create(
                lab_test=lab_test,
                item=item,
                defaults={
                    "value": None,
                    "conforms": None,
                    "passed": True,
                    "not_applicable": True,
                    "note": finding["note"].strip(),
                },
            )
            continue
        value, conforms = finding.get("value"), finding.get("conforms")
        if item.is_qualitative and (conforms is None or value is not None):
            errors[f"item_{item.pk}"] = _("%s: say only whether the sample meets the requirement.") % item.name
            continue
        if not item.is_qualitative:
            value = _measured(value)
            if value is None or conforms is not None:
                errors[f"item_{item.pk}"] = _("%s: enter the measured value as a number.") % item.name
                continue
        ItemResult.objects.update_or_create(
            lab_test=lab_test,
            item=item,
            defaults={
                "value": value,
                "conforms": conforms if item.is_qualitative else None,
                "passed": item.judge(value=value, conforms=conforms),
                "not_applicable": False,
                "note": (finding.get("note") or "").strip(),
            },
        )
    if errors:
        raise ValidationError(errors)
    if submit:
        results = {result.item_id: result for result in lab_test.item_results.all() if result.item_id in items}
        if missing := [item.name for pk, item in items.items() if pk not in results]:
            raise ValidationError(_("Results are missing for: %s.") % ", ".join(missing))
        failed = any(not result.passed for result in results.values() if not result.not_applicable)
        lab_test.verdict = Verdict.NONCONFORMING if failed else Verdict.CONFORMING
        lab_test.status = LabTestStatus.SUBMITTED
        lab_test.submitted_by = actor
        lab_test.submitted_at = now or timezone.now()
        lab_test.review_comment = ""
        lab_test._history_user = actor
        lab_test.save()
    audit(
        actor=actor,
        action="lab_test.submit" if submit else "lab_test.save",
        target=lab_test,
        trail=lab_test.task.campaign,
        summary=lab_test.get_verdict_display() if submit else "",
    )
    return lab_test


def applicable_items(lab_test: LabTest) -> dict:
    """{id: item} of the campaign's test items that apply to this sample's product category."""
    return {item.pk: item for item in lab_test.task.campaign.items.all() if item.applies_to(lab_test.category)}


def _set_category(lab_test: LabTest, category: str | None, actor) -> dict:
    """Record the sample's product category (one of the campaign's); the errors, if it is not one."""
    if category is None or category == lab_test.category:
        return {}
    if category and category not in lab_test.task.campaign.categories():
        return {"category": _("Choose one of the campaign's product categories.")}
    lab_test.category = category
    lab_test._history_user = actor
    lab_test.save(update_fields=["category"])
    return {}


def _not_applicable_problem(item, finding: dict) -> str | None:
    if item.mandatory:
        return _("%s is mandatory: it cannot be marked not applicable.") % item.name
    if not (finding.get("note") or "").strip():
        return _("%s: give the reason it does not apply in the note.") % item.name
    if finding.get("value") is not None or finding.get("conforms") is not None:
        return _("%s: an item marked not applicable has no finding.") % item.name
    return None


def _measured(value) -> Decimal | None:
    """A measured value as a finite decimal, or None when it is missing or not a number."""
    try:
        number = Decimal(str(value)) if value is not None and str(value).strip() else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


@transaction.atomic
def lab_test_review(*, actor, lab_test: LabTest, approve: bool, comment: str = "") -> LabTest:
    """A staff reviewer approves the laboratory's result, or returns it to the laboratory saying why."""
    require_perm(actor, "inspections.review_results", lab_test)
    lab_test = _locked(lab_test)
    require_state(lab_test, [LabTestStatus.SUBMITTED])
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say what the laboratory must check again.")})
    lab_test.reviewed_by = actor
    lab_test.review_comment = comment.strip()
    if approve:
        lab_test.status = LabTestStatus.APPROVED
        lab_test.approved_at = timezone.now()
    else:
        lab_test.status = LabTestStatus.PENDING
        lab_test.verdict = ""
    lab_test._history_user = actor
    lab_test.save()
    audit(
        actor=actor,
        action="lab_test.approve" if approve else "lab_test.return",
        target=lab_test,
        trail=lab_test.task.campaign,
        summary=lab_test.review_comment,
    )
    return lab_test


@transaction.atomic
def lab_test_notify(*, actor, lab_test: LabTest, now: datetime.datetime | None = None) -> LabTest:
    """Notify the enterprise of an approved result. A conforming first result, or any re-test result, is final at
    once. A nonconforming first result is a notice whose objection window runs from its receipt (empty until the
    enterprise opens it or staff record its paper delivery: `result_open`, `result_serve_on_paper`); for a routine
    check it also opens the follow-up: the stop-sale applies at once and an objection does not pause rectification."""
    require_perm(actor, "inspections.review_results", lab_test)
    now = now or timezone.now()
    lab_test = _locked(lab_test)
    require_state(lab_test, [LabTestStatus.APPROVED])
    task = lab_test.task
    lab_test.status = LabTestStatus.NOTIFIED
    lab_test.notified_at = now
    is_final = lab_test.is_retest or lab_test.verdict == Verdict.CONFORMING
    lab_test._history_user = actor
    lab_test.save()
    audit(
        actor=actor,
        action="lab_test.notify",
        target=lab_test,
        trail=task.campaign,
        summary=lab_test.get_verdict_display(),
    )
    if is_final:
        task_finalise(task=task, verdict=lab_test.verdict, actor=actor, source=f"notified {lab_test.kind}", now=now)
    elif task.kind == TaskKind.ROUTINE:
        follow_up_open(task=task, actor=actor, now=now)
    return lab_test


def _start_objection_clock(lab_test: LabTest, received_on: datetime.date) -> None:
    if lab_test.has_objection_clock:
        lab_test.objection_due_on = objection_due_on(lab_test.task.campaign, received_on)


def result_open(*, actor, lab_test: LabTest, now: datetime.datetime | None = None) -> LabTest:
    """One of the enterprise's users opened its notified result (page or API): the first opening serves it and
    starts the objection window that day (core.notices). Staff and laboratories reading it serve nothing."""
    require_state(lab_test, [LabTestStatus.NOTIFIED])
    lab_test = notice_open(
        user=actor, notice=lab_test, start_clock=_start_objection_clock, trail=lab_test.task.campaign, now=now
    )
    return lab_test


def result_serve_on_paper(*, actor, lab_test: LabTest, received_on, proof, now=None) -> LabTest:
    """Staff record that the enterprise received the result notice on paper or in person on `received_on`, with
    the scan of its signed receipt: the objection window runs from that day."""
    require_perm(actor, "inspections.review_results", lab_test)
    require_state(lab_test, [LabTestStatus.NOTIFIED])
    return notice_serve_on_paper(
        actor=actor,
        notice=lab_test,
        received_on=received_on,
        proof=proof,
        permission="inspections.review_results",
        start_clock=_start_objection_clock,
        trail=lab_test.task.campaign,
        now=now,
    )


def _serve_on_answer(actor, lab_test: LabTest, now) -> None:
    """An answer from the enterprise shows it has the result: one never opened is served by the answer itself."""
    if lab_test.status == LabTestStatus.NOTIFIED and not lab_test.is_served and may_open(actor, lab_test):
        notice_open(user=actor, notice=lab_test, start_clock=_start_objection_clock, now=now)


def _require_open_to_answer(lab_test: LabTest) -> None:
    require_state(lab_test, [LabTestStatus.NOTIFIED])
    if not lab_test.is_open_to_answer:
        raise ValidationError(_("This result is final: it can no longer be accepted or objected to."))


@transaction.atomic
def result_accept(*, actor, lab_test: LabTest, now: datetime.datetime | None = None) -> LabTest:
    """The enterprise accepts a nonconforming result without objecting: it is final at once."""
    require_perm(actor, "inspections.respond_to_result", lab_test)
    now = now or timezone.now()
    _serve_on_answer(actor, lab_test, now)
    lab_test = _locked(lab_test)
    _require_open_to_answer(lab_test)
    lab_test.accepted_at = now
    lab_test._history_user = actor
    lab_test.save()
    audit(actor=actor, action="result.accept", target=lab_test, trail=lab_test.task.campaign)
    task_finalise(task=lab_test.task, verdict=lab_test.verdict, actor=actor, source="accepted", now=now)
    return lab_test


@transaction.atomic
def objection_file(*, actor, lab_test: LabTest, reasons: str, now: datetime.datetime | None = None) -> Objection:
    """The enterprise objects to a nonconforming result within the deadline. A re-test laboratory is drawn at random
    among the approved laboratories other than the original; it tests the reserve sample blind, and its result
    is final. A late objection is refused and changes nothing: the result counts as accepted."""
    require_perm(actor, "inspections.respond_to_result", lab_test)
    now = now or timezone.now()
    _serve_on_answer(actor, lab_test, now)
    lab_test = _locked(lab_test)
    _require_open_to_answer(lab_test)
    if lab_test.objection_due_on is None:
        raise ValidationError(_("This result has not been served yet."))
    if timezone.localdate(now) > lab_test.objection_due_on:
        raise ValidationError(
            _(
                "The deadline to object was %(date)s. An objection can no longer be filed, and the result counts "
                "as accepted."
            )
            % {"date": lab_test.objection_due_on.isoformat()}
        )
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for your objection.")})
    candidates = list(
        Laboratory.objects.filter(is_approved=True).exclude(pk=lab_test.lab_id).values_list("pk", flat=True)
    )
    if not candidates:
        raise ValidationError(_("No other approved laboratory can re-test the sample; please contact the bureau."))
    seed = secrets.token_hex(32)
    retest_lab = Laboratory.objects.get(pk=draw_laboratory(seed=seed, key=lab_test.pk, candidates=candidates))
    objection = Objection.objects.create(
        lab_test=lab_test,
        reasons=text_within(reasons, field="reasons"),
        filed_by=actor,
        filed_at=now,
        retest_lab=retest_lab,
        lab_draw_seed=seed,
        lab_draw_candidates=sorted(candidates),
    )
    audit(
        actor=actor,
        action="objection.file",
        target=objection,
        trail=lab_test.task.campaign,
        summary=retest_lab.name,
        seed=seed,
        candidates=sorted(candidates),
    )
    lab_test_create(task=lab_test.task, lab=retest_lab, actor=actor, kind=LabTestKind.RETEST)
    return objection


def finalise_unobjected_results(*, today: datetime.date) -> int:
    """Make final every nonconforming result whose objection window closed without an objection (it counts as
    accepted). A result not yet served has no window and is never made final here. Safe to re-run: a task already
    final is left alone."""
    due = LabTest.objects.filter(
        served_on__isnull=False,
        objection_due_on__isnull=False,
        kind=LabTestKind.INITIAL,
        status=LabTestStatus.NOTIFIED,
        verdict=Verdict.NONCONFORMING,
        objection_due_on__lt=today,
        objection__isnull=True,
        task__status=TaskStatus.SAMPLED,
    ).values_list("pk", flat=True)
    finalised = 0
    for pk in due:
        try:
            with transaction.atomic():
                lab_test = _locked(LabTest(pk=pk))
                if lab_test.task.status == TaskStatus.FINAL or hasattr(lab_test, "objection") or not lab_test.is_served:
                    continue
                lab_test.accepted_at = timezone.now()
                lab_test.save()
                audit(actor=None, action="result.deadline_passed", target=lab_test, trail=lab_test.task.campaign)
                task_finalise(task=lab_test.task, verdict=lab_test.verdict, actor=None, source="deadline passed")
                finalised += 1
        except ValidationError:  # e.g. next year's calendar not loaded yet: this one waits, the others go on
            logger.exception("result %s could not be made final", pk)
    return finalised
