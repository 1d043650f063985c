"""Writes in credit grading. Each checks who may act and from which state, is atomic and audited. A write that
moves a grade (an override approved or ended, a listing, a repair approved) emits an event (credit.events) in its
transaction; the grade is recalculated when the event is dispatched after commit (credit.handlers), with the
cause and detail the event carries, as for any event elsewhere in the record."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.predicates import is_enterprise_user
from core.audit import audit
from core.events import event_dispatch, event_emit
from core.indicators import GRADE, INDICATORS, RISK
from core.models import DomainEvent
from core.notices import may_open, notice_open, notice_serve_on_paper
from core.services import job_run
from core.transitions import require_perm, require_state
from core.workdays import deadline
from credit import events
from credit.choices import (
    AWAITING_DECISION,
    BlacklistStatus,
    GradeCause,
    OverrideStatus,
    RemovalKind,
    RepairStatus,
    WarningStatus,
)
from credit.models import (
    BlacklistEntry,
    CreditRepair,
    GradeOverride,
    ListingGround,
    RepairAttachment,
    RiskWarning,
    ScoringModel,
    default_draw_weights,
)
from credit.recalculation import (
    FULL_RUN_PREFIX,
    Outcome,
    RecalculationRunning,
    full_run_in_progress,
    recalculate,
    recalculate_deferred,
)
from credit.reference_data import ensure_weights
from credit.selectors import new_heavier_penalties

OVERRIDE_MAX = relativedelta(years=1)  # a calendar year: 366 days would allow a year and a day outside leap years


def recalculate_enterprises(enterprise_ids, *, cause: str, detail: str = "", now=None) -> Outcome:
    """Recalculate these enterprises only (after an event in their record, or a staff action). While a full run
    is under way this returns at once, deferred (`Outcome.deferred`): the full run recalculates them after."""
    return recalculate(cause=cause, enterprise_ids=list(enterprise_ids), detail=detail, now=now)


def recalculate_all(*, cause: str, now=None) -> Outcome:
    """The full recalculation with its run record (start, end, heartbeat, counts, failure) that staff see.
    Refused at once (RecalculationRunning, naming it) while another full run is under way; a run whose worker was
    lost is queued again by core's reaper with the same cause."""
    running = full_run_in_progress()
    if running is not None:
        raise RecalculationRunning(running)
    with job_run(
        f"{FULL_RUN_PREFIX}{cause}", task="credit.tasks.recalculate_all_task", task_kwargs={"cause": cause}
    ) as run:
        ended = _overrides_end_expired(now=now)
        # Their grades first, so the history names the override's end rather than this run (the event's task,
        # queued at commit, then finds it already handled).
        for event in ended:
            event_dispatch(event.pk)
        outcome = recalculate(cause=cause, run=run, now=now)
        run.counts = {**outcome.as_counts(), "overrides_ended": len(ended)}
        deferred = recalculate_deferred()
        if deferred:
            run.counts["deferred"] = deferred
    return outcome


def _clean_weights(weights: dict, kind: str, field: str) -> dict:
    known = {i.code for i in INDICATORS.values() if i.kind == kind}
    unknown = set(weights) - known
    if unknown:
        raise ValidationError({field: _("Unknown indicators: %s") % ", ".join(sorted(unknown))})
    cleaned = {}
    for code, weight in weights.items():
        try:
            points = float(weight.get("points", 0))
            cap = weight.get("cap")
            cap = None if cap in (None, "") else float(cap)
        except (TypeError, ValueError, AttributeError):
            raise ValidationError({field: _("Points and caps must be numbers (%s).") % code}) from None
        if cap is not None and cap <= 0:
            raise ValidationError({field: _("A cap must be above zero (%s).") % code})
        cleaned[code] = {"points": points} if cap is None else {"points": points, "cap": cap}
    return cleaned


@transaction.atomic
def scoring_model_create(*, actor, values: dict, today: datetime.date | None = None) -> ScoringModel:
    """Issue a new version of the scoring model. Versions are never edited; the new one takes effect on its date
    (today at the earliest: grades are never recomputed retroactively)."""
    require_perm(actor, "credit.change_model")
    today = today or timezone.localdate()
    effective_from = values["effective_from"]
    if effective_from < today:
        raise ValidationError({"effective_from": _("A new version takes effect today at the earliest.")})
    if not str(values.get("note", "")).strip():
        raise ValidationError({"note": _("Say what changed and why.")})
    try:
        factors = [float(f) for f in values["recency_factors"]]
    except (TypeError, ValueError):
        factors = []
    if len(factors) != values["lookback_years"] or any(not 0 <= f <= 1 for f in factors):
        raise ValidationError(
            {"recency_factors": _("Give one factor between 0 and 1 for each year of the look-back window.")}
        )
    # Wait for a version being issued at the same moment, then number after it. (Django drops FOR UPDATE from an
    # aggregate query, so the lock must be taken on a row: the latest version.)
    latest = ScoringModel.objects.select_for_update().order_by("-version").first()
    version = (ScoringModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    model = ScoringModel(
        version=version,
        effective_from=effective_from,
        lookback_years=values["lookback_years"],
        recency_factors=factors,
        base_score=values["base_score"],
        grade_a_min=values["grade_a_min"],
        grade_b_min=values["grade_b_min"],
        a_needs_conforming_check=bool(values.get("a_needs_conforming_check", True)),
        # A version that does not name its draw weights keeps the latest's (the defaults for the first).
        draw_weights=values.get("draw_weights") or (latest.draw_weights if latest else default_draw_weights()),
        weights=_clean_weights(values["weights"], GRADE, "weights"),
        risk_weights=_clean_weights(values["risk_weights"], RISK, "risk_weights"),
        note=values["note"].strip(),
        created_by=actor,
    )
    model.full_clean()
    model.save()
    audit(actor=actor, action="credit.model.create", target=model, summary=model.note)
    return model


@transaction.atomic
def override_request(*, actor, enterprise, grade: str, reason: str, expires_on: datetime.date) -> GradeOverride:
    """A supervisor asks for the enterprise's grade to be set by hand until a date, giving the reason."""
    require_perm(actor, "credit.request_override")
    today = timezone.localdate()
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Give the reason for overriding the computed grade.")
    if expires_on <= today:
        errors["expires_on"] = _("The override must expire after today.")
    elif expires_on > today + OVERRIDE_MAX:
        errors["expires_on"] = _("An override lasts a year at most; request a new one after it.")
    if errors:
        raise ValidationError(errors)
    override = GradeOverride(
        enterprise=enterprise, grade=grade, reason=reason.strip(), expires_on=expires_on, requested_by=actor
    )
    override.full_clean()
    override._history_user = actor
    override.save()
    audit(actor=actor, action="credit.override.request", target=override, trail=enterprise, summary=grade)
    return override


@transaction.atomic
def override_decide(*, actor, override: GradeOverride, approve: bool, note: str = "") -> GradeOverride:
    """A leader other than the requester approves the override (it takes effect at once) or rejects it."""
    override = GradeOverride.objects.select_for_update().get(pk=override.pk)
    require_perm(actor, "credit.approve_override", override)
    require_state(override, [OverrideStatus.PENDING])
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the override is rejected.")})
    if approve and override.expires_on < timezone.localdate():
        raise ValidationError(_("This override has already expired; request a new one."))
    override.record_decision(
        actor=actor, status=OverrideStatus.APPROVED if approve else OverrideStatus.REJECTED, note=note
    )
    audit(actor=actor, action="credit.override.decide", target=override, trail=override.enterprise, approved=approve)
    if approve:
        event_emit(
            events.OVERRIDE_APPROVED,
            enterprise_id=override.enterprise_id,
            override=override.pk,
            cause=GradeCause.OVERRIDE,
            detail=f"override:{override.pk}",
        )
    return override


@transaction.atomic
def override_end(*, actor, override: GradeOverride, reason: str) -> GradeOverride:
    """Staff end an override in force before its expiry; the computed grade applies again."""
    require_perm(actor, "credit.end_override", override)
    override = GradeOverride.objects.select_for_update().get(pk=override.pk)
    require_state(override, [OverrideStatus.APPROVED, OverrideStatus.PENDING])
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the override ends.")})
    override.status = OverrideStatus.ENDED
    override.ended_at = timezone.now()
    override.end_reason = reason.strip()
    override._history_user = actor
    override.save()
    audit(actor=actor, action="credit.override.end", target=override, trail=override.enterprise)
    event_emit(
        events.OVERRIDE_ENDED,
        enterprise_id=override.enterprise_id,
        override=override.pk,
        cause=GradeCause.OVERRIDE_ENDED,
        detail=f"override:{override.pk}",
    )
    return override


def overrides_expire(*, now: datetime.datetime | None = None) -> int:
    """End every override whose expiry date has passed; those grades follow each end's event (safe to re-run: an
    ended override is not ended again). The number ended."""
    return len(_overrides_end_expired(now=now))


@transaction.atomic
def _overrides_end_expired(*, now: datetime.datetime | None = None) -> list[DomainEvent]:
    """End the expired overrides, each with its event."""
    now = now or timezone.now()
    expired = list(
        GradeOverride.objects.select_for_update().filter(
            status=OverrideStatus.APPROVED, expires_on__lt=timezone.localdate(now)
        )
    )
    for override in expired:
        override.status, override.ended_at, override.end_reason = OverrideStatus.ENDED, now, _("Expired")
    # Saved with their history rows (a plain update() would leave the end out of the override's history).
    bulk_update_with_history(
        expired, GradeOverride, ["status", "ended_at", "end_reason"], default_date=now, default_change_reason="expired"
    )
    return [
        event_emit(
            events.OVERRIDE_ENDED,
            enterprise_id=override.enterprise_id,
            override=override.pk,
            cause=GradeCause.OVERRIDE_ENDED,
            detail="expired",
            as_of=now.isoformat(),  # the grade is recomputed as of the end, like the run that ended it
        )
        for override in expired
    ]


# The serious-dishonesty list (严重违法失信名单, SAMR Order 44): proposal, notice, statement, (consent), decision,
# early removal on application, removal three years after publication.

OPEN_STATES = (BlacklistStatus.PROPOSED, BlacklistStatus.NOTIFIED, *AWAITING_DECISION)


def _save_entry(entry: BlacklistEntry, actor, reason: str) -> None:
    entry._history_user = actor
    entry._change_reason = reason
    entry.full_clean()
    entry.save()


def _moment(today: datetime.date | None) -> datetime.datetime:
    """Now, or (recording the past: the demo city, a paper file entered late) that day in office hours."""
    now = timezone.now()
    if today is None or today == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))


def _locked(entry: BlacklistEntry) -> BlacklistEntry:
    return BlacklistEntry.objects.select_for_update().get(pk=entry.pk)


def _check_penalty(enterprise_id: int, penalty) -> dict:
    """The errors of a penalty a listing would rest on: it must be the enterprise's, and a heavier one."""
    if penalty is None:
        return {"penalty": _("A listing rests on a heavier administrative penalty decision: name it.")}
    if penalty.enterprise_id != enterprise_id:
        return {"penalty": _("This penalty decision is not this enterprise's.")}
    if not penalty.is_heavier:
        return {"penalty": _("Only a heavier administrative penalty (较重行政处罚) can ground a listing.")}
    return {}


@transaction.atomic
def listing_propose(*, actor, enterprise, values: dict) -> BlacklistEntry:
    """A supervisor proposes to list the enterprise on an active ground, naming the heavier administrative penalty
    decision the listing rests on and the facts. Nothing is public yet; the notice comes next."""
    require_perm(actor, "credit.propose_listing")
    ground, penalty, facts = values.get("ground"), values.get("penalty"), str(values.get("facts", "")).strip()
    errors = _check_penalty(enterprise.pk, penalty)
    if ground is None or not ListingGround.objects.filter(pk=ground.pk, active=True).exists():
        errors["ground"] = _("Choose one of the grounds in force.")
    if not facts:
        errors["facts"] = _("State the facts the decision rests on.")
    if errors:
        raise ValidationError(errors)
    if BlacklistEntry.objects.filter(enterprise=enterprise, status__in=[*OPEN_STATES, BlacklistStatus.LISTED]).exists():
        raise ValidationError(_("This enterprise is already listed or has a listing under way."))
    entry = BlacklistEntry(enterprise=enterprise, ground=ground, penalty=penalty, facts=facts, proposed_by=actor)
    _save_entry(entry, actor, "proposed")
    audit(actor=actor, action="credit.blacklist.propose", target=entry, trail=enterprise, summary=ground.code)
    return entry


@transaction.atomic
def listing_notify(*, actor, entry: BlacklistEntry, notice_number: str, today: datetime.date | None = None):
    """Staff issue the notice (告知): the grounds, the penalty and the right to a statement and defence (陈述、申辩)
    within DISHONESTY_LIST_STATEMENT_WORKING_DAYS working days (on the working-day calendar) of its receipt. The
    period is empty until the enterprise receives it: opened in the portal (`listing_notice_open`) or delivered on
    paper (`listing_notice_serve_on_paper`)."""
    require_perm(actor, "credit.manage_blacklist")
    entry = _locked(entry)
    require_state(entry, [BlacklistStatus.PROPOSED])
    if not notice_number.strip():
        raise ValidationError({"notice_number": _("Give the number of the notice served.")})
    today = today or timezone.localdate()
    entry.notice_number = notice_number.strip()
    entry.notified_at = _moment(today)
    entry.status = BlacklistStatus.NOTIFIED
    _save_entry(entry, actor, "notified")
    audit(
        actor=actor, action="credit.blacklist.notify", target=entry, trail=entry.enterprise, summary=entry.notice_number
    )
    return entry


def _start_statement_clock(entry: BlacklistEntry, received_on: datetime.date) -> None:
    entry.statement_due = deadline(received_on, settings.DISHONESTY_LIST_STATEMENT_WORKING_DAYS, "working").date


def listing_notice_open(*, actor, entry: BlacklistEntry, now: datetime.datetime | None = None) -> BlacklistEntry:
    """One of the enterprise's users opened the notice (page or API): the first opening serves it and starts the
    period for the statement and defence that day (core.notices)."""
    require_state(entry, [BlacklistStatus.NOTIFIED])
    return notice_open(user=actor, notice=entry, start_clock=_start_statement_clock, trail=entry.enterprise, now=now)


def listing_notice_serve_on_paper(
    *, actor, entry: BlacklistEntry, received_on, proof, now: datetime.datetime | None = None
) -> BlacklistEntry:
    """Staff record the paper or in-person delivery of the notice, with the scan of the signed receipt."""
    require_perm(actor, "credit.manage_blacklist")
    require_state(entry, [BlacklistStatus.NOTIFIED])
    return notice_serve_on_paper(
        actor=actor,
        notice=entry,
        received_on=received_on,
        proof=proof,
        permission="credit.manage_blacklist",
        start_clock=_start_statement_clock,
        trail=entry.enterprise,
        now=now,
    )


@transaction.atomic
def listing_statement(
    *, actor, entry: BlacklistEntry, statement: str, today: datetime.date | None = None
) -> BlacklistEntry:
    """The enterprise files its statement and defence in the portal within the period; or staff record the answer
    it gave on paper (also after the period has lapsed in the portal: a letter posted in time)."""
    if entry.status == BlacklistStatus.NOTIFIED and not entry.is_served and may_open(actor, entry):
        listing_notice_open(actor=actor, entry=entry)  # a statement shows the notice was received
    entry = _locked(entry)
    today = today or timezone.localdate()
    on_paper = not is_enterprise_user.test(actor)
    if on_paper:
        require_perm(actor, "credit.manage_blacklist")
        require_state(entry, [BlacklistStatus.NOTIFIED, BlacklistStatus.LAPSED])
    else:
        require_perm(actor, "credit.state_on_listing", entry)
        require_state(entry, [BlacklistStatus.NOTIFIED])
        if entry.statement_period_over(today):
            raise ValidationError(
                _("The period for a statement ended on %(date)s.") % {"date": entry.statement_due.isoformat()}
            )
    if not statement.strip():
        raise ValidationError({"statement": _("Write the statement and defence.")})
    entry.statement = statement.strip()
    entry.statement_at = _moment(today)
    entry.statement_by = actor
    entry.statement_on_paper = on_paper
    entry.status = BlacklistStatus.STATEMENT_RECEIVED
    _save_entry(entry, actor, "statement")
    audit(actor=actor, action="credit.blacklist.statement", target=entry, trail=entry.enterprise, on_paper=on_paper)
    return entry


def _lapse_if_due(entry: BlacklistEntry, today: datetime.date) -> bool:
    if entry.statement_period_over(today):
        entry.status = BlacklistStatus.LAPSED
        _save_entry(entry, None, "period lapsed")
        return True
    return False


@transaction.atomic
def listing_consent(*, actor, entry: BlacklistEntry, reference: str, consent_on: datetime.date) -> BlacklistEntry:
    """Where the province requires it (DISHONESTY_LIST_UPPER_CONSENT), staff record the upper level's consent to
    the listing: its reference and date. Without it a leader may only decide not to list."""
    require_perm(actor, "credit.manage_blacklist")
    if not settings.DISHONESTY_LIST_UPPER_CONSENT:
        raise ValidationError(_("This bureau lists without the upper level's consent."))
    entry = _locked(entry)
    _lapse_if_due(entry, timezone.localdate())
    require_state(entry, [BlacklistStatus.STATEMENT_RECEIVED, BlacklistStatus.LAPSED])
    if not reference.strip():
        raise ValidationError({"reference": _("Give the reference of the upper level's consent.")})
    if consent_on > timezone.localdate():
        raise ValidationError({"consent_on": _("The consent cannot be dated in the future.")})
    entry.consent_reference, entry.consent_on = reference.strip(), consent_on
    entry.status = BlacklistStatus.CONSENTED
    _save_entry(entry, actor, "consent")
    audit(actor=actor, action="credit.blacklist.consent", target=entry, trail=entry.enterprise, summary=reference)
    return entry


@transaction.atomic
def listing_decide(
    *,
    actor,
    entry: BlacklistEntry,
    list_it: bool,
    reasons: str,
    decision_number: str = "",
    published_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> BlacklistEntry:
    """A leader decides, once the statement is in or its period has lapsed (and, where required, the upper level
    has consented): list the enterprise under a listing decision number, published that day, or not, with reasons
    either way. A listing makes the grade C (the LISTED event)."""
    require_perm(actor, "credit.decide_listing", entry)
    entry = _locked(entry)
    today = today or timezone.localdate()
    _lapse_if_due(entry, today)
    require_state(entry, AWAITING_DECISION)
    errors = {}
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons for the decision.")
    if list_it:
        if settings.DISHONESTY_LIST_UPPER_CONSENT and entry.status != BlacklistStatus.CONSENTED:
            raise ValidationError(_("The upper level's consent must be recorded before listing."))
        errors.update(_check_penalty(entry.enterprise_id, entry.penalty))
        published_on = published_on or today
        if not decision_number.strip():
            errors["decision_number"] = _("Give the number of the listing decision.")
        if published_on > today:
            errors["published_on"] = _("An entry is listed once it is published: not in the future.")
        elif entry.notified_at and published_on < timezone.localdate(entry.notified_at):
            errors["published_on"] = _("A listing is published after its notice, not before.")
    if errors:
        raise ValidationError(errors)
    entry.decided_by, entry.decided_at, entry.decision_note = actor, _moment(today), reasons.strip()
    if list_it:
        entry.status = BlacklistStatus.LISTED
        entry.decision_number = decision_number.strip()
        entry.published_on = published_on
    else:
        entry.status = BlacklistStatus.NOT_LISTED
    _save_entry(entry, actor, "listed" if list_it else "not listed")
    audit(actor=actor, action="credit.blacklist.decide", target=entry, trail=entry.enterprise, listed=list_it)
    if list_it:
        # The grade (credit.handlers) and others react to the listing: a brand honour is proposed for revocation,
        # after the grade (credit's handlers run first).
        event_emit(events.LISTED, enterprise_id=entry.enterprise_id, entry=entry.pk, detail="credit.blacklist")
    return entry


@transaction.atomic
def repair_apply(
    *, actor, entry: BlacklistEntry, statement: str, files: list[UploadedFile], today: datetime.date | None = None
) -> CreditRepair:
    """The enterprise applies for early removal (提前移出), no earlier than a year after publication, saying how it
    fulfilled the penalty and removed the harm, with its evidence."""
    require_perm(actor, "credit.apply_repair", entry)
    entry = _locked(entry)
    require_state(entry, [BlacklistStatus.LISTED])
    today = today or timezone.localdate()
    if today < entry.early_removal_from:
        raise ValidationError(
            _("Early removal can be requested from %(date)s (a year after publication).")
            % {"date": entry.early_removal_from.isoformat()},
            code="too_early",
        )
    if not statement.strip():
        raise ValidationError({"statement": _("Describe how the penalty was fulfilled and the harm removed.")})
    if entry.repairs.filter(status=RepairStatus.PENDING).exists():
        raise ValidationError(_("An application for this entry is already awaiting a decision."))
    repair = CreditRepair.objects.create(entry=entry, statement=statement.strip(), applied_by=actor)
    for upload in files:
        RepairAttachment.store(upload, repair=repair)
    audit(actor=actor, action="credit.repair.apply", target=repair, trail=entry.enterprise)
    return repair


@transaction.atomic
def repair_attest(
    *, actor, repair: CreditRepair, penalty_fulfilled: bool, penalty_note: str, harm_removed: bool, harm_note: str
) -> CreditRepair:
    """Staff attest the conditions the record does not hold: whether the penalty's obligations are fulfilled and
    the harm removed, each with how they checked it."""
    require_perm(actor, "credit.manage_blacklist")
    repair = CreditRepair.objects.select_for_update().get(pk=repair.pk)
    require_state(repair, [RepairStatus.PENDING])
    errors = {}
    if not penalty_note.strip():
        errors["penalty_note"] = _("Say how the fulfilment of the penalty was checked.")
    if not harm_note.strip():
        errors["harm_note"] = _("Say how the removal of the harm was checked.")
    if errors:
        raise ValidationError(errors)
    repair.penalty_fulfilled, repair.penalty_fulfilled_note = penalty_fulfilled, penalty_note.strip()
    repair.harm_removed, repair.harm_removed_note = harm_removed, harm_note.strip()
    repair.attested_by, repair.attested_at = actor, timezone.now()
    repair._history_user = actor
    repair.save()
    audit(actor=actor, action="credit.repair.attest", target=repair, trail=repair.entry.enterprise)
    return repair


@transaction.atomic
def repair_decide(
    *, actor, repair: CreditRepair, approve: bool, note: str, today: datetime.date | None = None
) -> CreditRepair:
    """A leader decides an early-removal application. Approval needs every condition: the penalty fulfilled and
    the harm removed (attested) and no new heavier penalty since (read from the record now, and kept with the
    decision). The entry is removed that day and stays readable; the grade follows (the DELISTED event)."""
    require_perm(actor, "credit.decide_repair", repair)
    repair = CreditRepair.objects.select_for_update(of=("self",)).select_related("entry__penalty").get(pk=repair.pk)
    require_state(repair, [RepairStatus.PENDING])
    if not note.strip():
        raise ValidationError({"note": _("Record the grounds of the decision.")})
    entry = repair.entry
    found = new_heavier_penalties(entry)
    if approve:
        if repair.penalty_fulfilled is not True or repair.harm_removed is not True:
            raise ValidationError(
                _("Early removal needs the penalty fulfilled and the harm removed, attested by staff.")
            )
        if found:
            raise ValidationError(
                _("The enterprise has received a heavier penalty since: %s.") % ", ".join(found), code="new_penalty"
            )
    repair.new_heavier_penalties = found
    repair.record_decision(actor=actor, status=RepairStatus.APPROVED if approve else RepairStatus.REJECTED, note=note)
    if approve:
        entry = _locked(entry)
        entry.status = BlacklistStatus.REMOVED
        entry.removed_on = today or timezone.localdate()
        entry.removal_kind = RemovalKind.EARLY
        _save_entry(entry, actor, "early removal")
    audit(actor=actor, action="credit.repair.decide", target=repair, trail=entry.enterprise, approved=approve)
    if approve:
        event_emit(events.DELISTED, enterprise_id=entry.enterprise_id, entry=entry.pk, detail="credit.early_removal")
    return repair


@transaction.atomic
def dishonesty_list_daily(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily run: notices whose statement period has passed lapse, and listings published three years ago
    (DISHONESTY_LIST_YEARS) are removed, each on its due date, with a DELISTED event. Safe to run twice: a lapsed
    notice or a removed listing is not touched again."""
    today = today or timezone.localdate()
    lapsed = 0
    for entry in BlacklistEntry.objects.select_for_update().filter(
        status=BlacklistStatus.NOTIFIED, statement_due__lt=today
    ):
        lapsed += _lapse_if_due(entry, today)
    cutoff = today - relativedelta(years=settings.DISHONESTY_LIST_YEARS)
    removed = 0
    for entry in BlacklistEntry.objects.select_for_update().filter(
        status=BlacklistStatus.LISTED, published_on__lte=cutoff
    ):
        entry.status = BlacklistStatus.REMOVED
        entry.removed_on = entry.expires_on
        entry.removal_kind = RemovalKind.EXPIRED
        _save_entry(entry, None, "expired")
        audit(actor=None, action="credit.blacklist.expire", target=entry, trail=entry.enterprise)
        event_emit(events.DELISTED, enterprise_id=entry.enterprise_id, entry=entry.pk, detail="credit.expired")
        removed += 1
    return {"lapsed": lapsed, "removed": removed}


@transaction.atomic
def listing_ground_save(*, actor, values: dict, ground: ListingGround | None = None) -> ListingGround:
    """A leader adds a listing ground or edits one (title, legal basis, order, active). A ground is never deleted:
    one no longer applied is made inactive, and the listings on it keep it."""
    require_perm(actor, "credit.change_grounds")
    ground = ListingGround.objects.select_for_update().get(pk=ground.pk) if ground else ListingGround()
    for name in ("code", "title", "legal_basis", "active", "order"):
        if name in values:
            setattr(ground, name, values[name].strip() if isinstance(values[name], str) else values[name])
    ground.full_clean()
    ground._history_user = actor
    ground.save()
    audit(actor=actor, action="credit.ground.save", target=ground, summary=ground.code)
    return ground


@transaction.atomic
def warning_acknowledge(*, actor, warning: RiskWarning, note: str) -> RiskWarning:
    """Staff acknowledge a warning with a note of what they will do (or why nothing)."""
    require_perm(actor, "credit.acknowledge_warning", warning)
    warning = RiskWarning.objects.select_for_update().get(pk=warning.pk)
    require_state(warning, [WarningStatus.OPEN])
    if not note.strip():
        raise ValidationError({"note": _("Note what will be done about this warning.")})
    warning.status = WarningStatus.ACKNOWLEDGED
    warning.acknowledged_by = actor
    warning.acknowledged_at = timezone.now()
    warning.note = note.strip()
    warning.save()
    audit(actor=actor, action="credit.warning.acknowledge", target=warning)
    return warning


# Used by brands and complaints (their data migrations)


def scoring_model_weights_ensure(
    scoring_model_class, *, note: str, weights: dict = (), risk_weights: dict = ()
) -> None:
    """Issue a new scoring model version, the latest plus these (new) indicator weights, unless a version already
    has them, effective from the day it runs. For an app whose indicators join the model later (brand honours,
    complaints): called from its data migration with the migration's historical model, and again after a flush."""
    ensure_weights(scoring_model_class, note=note, weights=weights, risk_weights=risk_weights)
