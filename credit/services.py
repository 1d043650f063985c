"""Writes in credit grading. Each checks who may act and from which state, is atomic and audited. A write that
moves a grade (an override approved or ended, a listing, a repair approved) emits an event (credit.events) in its
transaction; the grade is recalculated when the event is dispatched after commit (credit.handlers), with the
cause and detail the event carries, as for any event elsewhere in the record."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.audit import audit
from core.events import event_dispatch, event_emit
from core.indicators import GRADE, INDICATORS, RISK
from core.models import DomainEvent
from core.services import job_run
from core.transitions import require_perm, require_state
from credit import events
from credit.choices import BlacklistStatus, GradeCause, OverrideStatus, RepairStatus, WarningStatus
from credit.models import (
    BlacklistEntry,
    CreditRepair,
    GradeOverride,
    RepairAttachment,
    RiskWarning,
    ScoringModel,
    default_draw_weights,
)
from credit.recalculation import Outcome, recalculate
from credit.reference_data import ensure_weights

OVERRIDE_MAX = relativedelta(years=1)  # a calendar year: 366 days would allow a year and a day outside leap years


def recalculate_enterprises(enterprise_ids, *, cause: str, detail: str = "", now=None) -> Outcome:
    """Recalculate these enterprises only (after an event in their record, or a staff action)."""
    return recalculate(cause=cause, enterprise_ids=list(enterprise_ids), detail=detail, now=now)


def recalculate_all(*, cause: str, now=None) -> Outcome:
    """The full recalculation with its run record (start, end, counts, failure) that staff see."""
    with job_run(f"credit.recalculate.{cause}") as run:
        ended = _overrides_end_expired(now=now)
        # Their grades first, so the history names the override's end rather than this run (the event's task,
        # queued at commit, then finds it already handled).
        for event in ended:
            event_dispatch(event.pk)
        outcome = recalculate(cause=cause, run=run, now=now)
        run.counts = {**outcome.as_counts(), "overrides_ended": len(ended)}
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


BLACKLIST_FIELDS = ("ground", "facts", "decision_number", "published_on", "is_food_or_special_equipment")


@transaction.atomic
def blacklist_add(*, actor, enterprise, values: dict) -> BlacklistEntry:
    """Put an enterprise on the dishonesty list on a listed ground (published at once); its grade becomes C."""
    require_perm(actor, "credit.manage_blacklist")
    entry = BlacklistEntry(
        enterprise=enterprise, listed_by=actor, **{name: values[name] for name in BLACKLIST_FIELDS if name in values}
    )
    if not entry.facts.strip():
        raise ValidationError({"facts": _("State the facts the decision rests on.")})
    if entry.published_on and entry.published_on > timezone.localdate():
        raise ValidationError({"published_on": _("An entry is listed once it is published: not in the future.")})
    entry.full_clean()
    entry._history_user = actor
    entry.save()
    audit(actor=actor, action="credit.blacklist.add", target=entry, trail=enterprise, summary=entry.decision_number)
    # The grade (credit.handlers) and others react to the listing: a brand honour is proposed for revocation, after
    # the grade (credit's handlers run first).
    event_emit(events.LISTED, enterprise_id=enterprise.pk, entry=entry.pk, detail="credit.blacklist")
    return entry


@transaction.atomic
def repair_apply(
    *, actor, entry: BlacklistEntry, statement: str, files: list[UploadedFile], today: datetime.date | None = None
) -> CreditRepair:
    """The enterprise applies to leave the list, once it has been published long enough, saying what it did."""
    require_perm(actor, "credit.apply_repair", entry)
    entry = BlacklistEntry.objects.select_for_update().get(pk=entry.pk)
    require_state(entry, [BlacklistStatus.LISTED])
    today = today or timezone.localdate()
    if today < entry.repair_from:
        raise ValidationError(
            _("Credit repair can be requested from %(date)s (the listing must first be published for %(months)s).")
            % {
                "date": entry.repair_from.isoformat(),
                "months": _("12 months") if entry.is_food_or_special_equipment else _("6 months"),
            }
        )
    if not statement.strip():
        raise ValidationError({"statement": _("Describe the measures taken to correct the dishonest conduct.")})
    if entry.repairs.filter(status=RepairStatus.PENDING).exists():
        raise ValidationError(_("An application for this entry is already awaiting a decision."))
    repair = CreditRepair.objects.create(entry=entry, statement=statement.strip(), applied_by=actor)
    for upload in files:
        RepairAttachment.store(upload, repair=repair)
    audit(actor=actor, action="credit.repair.apply", target=repair, trail=entry.enterprise)
    return repair


@transaction.atomic
def repair_decide(*, actor, repair: CreditRepair, approve: bool, note: str) -> CreditRepair:
    """Staff decide a repair application; approval takes the enterprise off the list (its exit is recorded and
    the entry stays readable) and its grade is recalculated."""
    require_perm(actor, "credit.decide_repair", repair)
    repair = CreditRepair.objects.select_for_update().select_related("entry").get(pk=repair.pk)
    require_state(repair, [RepairStatus.PENDING])
    if not note.strip():
        raise ValidationError({"note": _("Record the grounds of the decision.")})
    repair.record_decision(actor=actor, status=RepairStatus.APPROVED if approve else RepairStatus.REJECTED, note=note)
    entry = repair.entry
    if approve:
        entry.status = BlacklistStatus.REMOVED
        entry.removed_on = timezone.localdate()
        entry._history_user = actor
        entry.save()
    audit(actor=actor, action="credit.repair.decide", target=repair, trail=entry.enterprise, approved=approve)
    if approve:
        event_emit(events.DELISTED, enterprise_id=entry.enterprise_id, entry=entry.pk, detail="credit.repair")
    return repair


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
