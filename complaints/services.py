"""Writes in complaints and tips (SAMR Order 20). Filing is open to anyone (the views add the rate limit and the
challenge); everything else is staff work, checked, atomic and audited, and each step sets the clocks (working
days on core.workdays, every number a setting). Resolving a complaint about an enterprise emits
`complaints.resolve` (complaints.events): its credit grade and risk score (complaints are indicators of both)
follow once the write has committed."""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import (
    OUTCOMES_BY_KIND,
    SUBSTANTIATED_OUTCOMES,
    ComplaintKind,
    ComplaintStatus,
    NominationStatus,
    RefusalReason,
)
from complaints.events import RESOLVED
from complaints.models import Complaint, ComplaintPhoto, Nomination, new_reward_code, reward_code_hash
from core.audit import audit
from core.events import event_emit
from core.transitions import require_perm, require_state
from core.workdays import CalendarNotLoaded, due_date
from inspections.choices import CampaignStatus
from inspections.selectors import campaigns

PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
FILED_FIELDS = ("kind", "product_name", "brand", "enterprise_name", "place", "district", "description", "anonymous")
OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS)


def _text(values: dict, name: str) -> str:
    return str(values.get(name) or "").strip()


def _working_days_after(moment: datetime.datetime, days: int) -> datetime.date:
    """The last day of a clock of `days` working days that starts on the local day of `moment` (the start day
    itself does not count)."""
    return due_date(timezone.localdate(moment), days, "working")


def complaint_clocks_set(complaint: Complaint) -> Complaint:
    """(Re)compute the clocks from the dates on the record (receipt, acceptance, an extension, the decision),
    without saving: the filing and each step call it, and the demo after it has moved its records in time. A
    clock in a year whose calendar is not loaded stays unset rather than guessed."""

    def due(moment, days):
        try:
            return _working_days_after(moment, days) if moment is not None else None
        except CalendarNotLoaded:
            return None

    if complaint.kind == ComplaintKind.COMPLAINT:
        complaint.accept_due = due(complaint.received_at, settings.COMPLAINT_ACCEPT_WORKING_DAYS)
        accepted = complaint.triaged_at if complaint.status != ComplaintStatus.REJECTED else None
        complaint.mediation_due = due(accepted, settings.COMPLAINT_MEDIATION_WORKING_DAYS)
        complaint.decision_due = complaint.notice_due = None
    else:
        extended = complaint.extended_at is not None  # also on a historical version, which has no properties
        days = settings.TIP_DECISION_WORKING_DAYS + (settings.TIP_EXTENSION_WORKING_DAYS if extended else 0)
        complaint.decision_due = due(complaint.received_at, days)
        decided = complaint.closed_at if complaint.status not in OPEN else None
        named = not complaint.anonymous and bool(complaint.contact_phone)
        complaint.notice_due = due(decided, settings.TIP_NOTICE_WORKING_DAYS) if named else None
        complaint.accept_due = complaint.mediation_due = None
    return complaint


def _filing_errors(values: dict, kind: str, anonymous: bool) -> dict:
    errors = {}
    if kind not in ComplaintKind.values:
        errors["kind"] = _("Choose a complaint or a tip.")
    required = [
        ("product_name", _("Name the product.")),
        ("place", _("Say where you bought or found it.")),
        ("description", _("Describe what is wrong with it.")),
    ]
    if kind == ComplaintKind.COMPLAINT:
        required += [
            ("enterprise_name", _("Name the business you complain about.")),
            ("contact_name", _("A complaint needs your name.")),
            ("contact_address", _("A complaint needs your address.")),
        ]
    for name, message in required:
        if not _text(values, name):
            errors[name] = message
    phone = _text(values, "contact_phone")
    if kind == ComplaintKind.COMPLAINT and anonymous:
        errors["anonymous"] = _("A complaint cannot be anonymous: report a violation anonymously as a tip instead.")
    if not anonymous and not PHONE.match(phone):
        errors["contact_phone"] = (
            _("A complaint needs a phone number we can reach you on.")
            if kind == ComplaintKind.COMPLAINT
            else _("Give a phone number we can reach you on, or file anonymously.")
        )
    if values.get("reward_code") and not (kind == ComplaintKind.TIP and anonymous):
        errors["reward_code"] = _("Only an anonymous tip takes a reward code: a named tipster is reached directly.")
    return errors


@transaction.atomic
def complaint_file(*, values: dict, photos: list[UploadedFile] = (), actor=None) -> Complaint:
    """Anyone files a complaint (named: name, phone, address and the business complained about) or a tip (named
    with a phone, or anonymous). Returns it with its tracking number and its first clock; an anonymous tip that
    asked for a reward code carries it once as `reward_code` (only its hash is stored)."""
    kind = _text(values, "kind")
    anonymous = bool(values.get("anonymous"))
    errors = _filing_errors(values, kind, anonymous)
    if errors:
        raise ValidationError(errors)
    complaint = Complaint(
        **{name: values[name] for name in FILED_FIELDS if name in values},
        contact_name="" if anonymous else _text(values, "contact_name"),
        contact_phone="" if anonymous else _text(values, "contact_phone"),
        contact_address="" if anonymous else _text(values, "contact_address"),
    )
    for name in ("product_name", "brand", "enterprise_name", "place", "description"):
        setattr(complaint, name, _text(values, name))
    code = new_reward_code() if values.get("reward_code") else ""
    complaint.reward_code_hash = reward_code_hash(code) if code else ""
    complaint_clocks_set(complaint)
    complaint.full_clean()
    complaint.save()
    for upload in photos:
        ComplaintPhoto.store(upload, complaint=complaint)
    audit(actor=actor, action="complaints.file", target=complaint, summary=complaint.tracking_number)
    complaint.reward_code = code
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _saved(complaint: Complaint, actor) -> Complaint:
    complaint.full_clean()
    complaint._history_user = actor
    complaint.save()
    return complaint


def _strict_clocks(complaint: Complaint) -> None:
    """Staff steps set the next clock on the calendar, refusing when its year is not loaded."""
    complaint_clocks_set(complaint)
    if complaint.kind == ComplaintKind.COMPLAINT and complaint.status == ComplaintStatus.IN_PROGRESS:
        _working_days_after(complaint.triaged_at, settings.COMPLAINT_MEDIATION_WORKING_DAYS)  # raises if not loaded


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint, enterprise=None, product=None, assigned_to=None) -> Complaint:
    """Staff accept a received complaint (its mediation clock starts) or take in a tip for verification: link it
    to the enterprise and product it concerns (when known) and assign who handles it."""
    require_perm(actor, "complaints.triage")
    complaint = _locked(complaint)
    require_state(complaint, [ComplaintStatus.RECEIVED])
    _link(complaint, enterprise=enterprise, product=product, assigned_to=assigned_to)
    complaint.status = ComplaintStatus.IN_PROGRESS
    complaint.triaged_by, complaint.triaged_at = actor, timezone.now()
    _strict_clocks(complaint)
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.accept", target=complaint, summary=str(complaint.enterprise or ""))
    return complaint


def _link(complaint: Complaint, *, enterprise, product, assigned_to) -> None:
    if product is not None and enterprise is not None and product.enterprise_id != enterprise.pk:
        raise ValidationError({"product": _("The product must be one of the enterprise's.")})
    if product is not None and enterprise is None:
        enterprise = product.enterprise
    if assigned_to is not None and not assigned_to.has_perm("complaints.handle"):
        raise ValidationError({"assigned_to": _("Assign it to a member of staff or an inspector.")})
    complaint.enterprise, complaint.product = enterprise, product
    if assigned_to is not None:
        complaint.assigned_to = assigned_to


@transaction.atomic
def complaint_update(*, actor, complaint: Complaint, enterprise=None, product=None, assigned_to=None) -> Complaint:
    """Staff change the enterprise, product or handler of a complaint being handled."""
    require_perm(actor, "complaints.triage")
    complaint = _locked(complaint)
    require_state(complaint, [ComplaintStatus.IN_PROGRESS])
    _link(complaint, enterprise=enterprise, product=product, assigned_to=assigned_to)
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.update", target=complaint)
    return complaint


@transaction.atomic
def complaint_reject(*, actor, complaint: Complaint, reply: str, reason: str = "") -> Complaint:
    """Staff do not accept a complaint, on a ground of SAMR Order 20 Art 15 (a consumer dispute is not one: it is
    accepted and mediated), or close a tip without a case (e.g. outside the bureau's remit), telling the
    complainant why. A tip closed so is a decision: a named tipster is told it within the notice period."""
    require_perm(actor, "complaints.triage")
    complaint = _locked(complaint)
    require_state(complaint, [ComplaintStatus.RECEIVED])
    errors = {}
    if complaint.kind == ComplaintKind.COMPLAINT and reason not in RefusalReason.values:
        errors["reason"] = _("Choose the ground for not accepting the complaint (SAMR Order 20 Art 15).")
    elif reason and reason not in RefusalReason.values:
        errors["reason"] = _("Choose one of the grounds listed.")
    if not reply.strip():
        errors["reply"] = _("Tell the complainant why it is not accepted (and where to turn).")
    if errors:
        raise ValidationError(errors)
    complaint.status, complaint.public_reply, complaint.refusal_reason = ComplaintStatus.REJECTED, reply.strip(), reason
    complaint.closed_by, complaint.closed_at = actor, timezone.now()
    complaint_clocks_set(complaint)
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.reject", target=complaint, reason=reason)
    return complaint


@transaction.atomic
def complaint_resolve(
    *,
    actor,
    complaint: Complaint,
    outcome: str,
    reply: str,
    led_to_case: bool = False,
    major_violation: bool = False,
    note: str = "",
) -> Complaint:
    """The handler (or staff) ends a complaint's mediation (with or without agreement) or decides on a tip (what
    the verification found and whether a case is opened, 立案, and whether it is a major violation), with a reply.
    An outcome about an enterprise moves its credit grade and risk score once this commits."""
    complaint = _locked(complaint)
    require_perm(actor, "complaints.resolve", complaint)  # on the locked row: the handler as assigned now
    require_state(complaint, [ComplaintStatus.IN_PROGRESS])
    errors = {}
    if outcome not in OUTCOMES_BY_KIND.get(complaint.kind, ()):
        errors["outcome"] = (
            _("A complaint's mediation ends with an agreement or without one.")
            if complaint.kind == ComplaintKind.COMPLAINT
            else _("Choose what the verification found.")
        )
    if not reply.strip():
        errors["reply"] = _("Tell the complainant what was found and done.")
    if led_to_case and complaint.kind != ComplaintKind.TIP:
        errors["led_to_case"] = _("A case is opened on a tip; a complaint is mediated.")
    elif led_to_case and complaint.enterprise_id is None:
        errors["led_to_case"] = _("Link the enterprise the case is against first.")
    elif led_to_case and outcome not in SUBSTANTIATED_OUTCOMES:
        errors["led_to_case"] = _("A case follows from a substantiated complaint or tip.")
    if major_violation and not led_to_case:
        errors["major_violation"] = _("Only a tip that led to a case is marked as about a major violation.")
    if errors:
        raise ValidationError(errors)
    complaint.status, complaint.outcome = ComplaintStatus.RESOLVED, outcome
    complaint.public_reply, complaint.internal_note = reply.strip(), note.strip()
    complaint.led_to_case, complaint.major_violation = led_to_case, major_violation
    complaint.closed_by, complaint.closed_at = actor, timezone.now()
    complaint_clocks_set(complaint)
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.resolve", target=complaint, outcome=outcome, led_to_case=led_to_case)
    if complaint.enterprise_id:
        event_emit(RESOLVED, enterprise_id=complaint.enterprise_id, complaint=complaint.pk, outcome=outcome)
    return complaint


@transaction.atomic
def tip_extend(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """A leader extends a tip's period for the decision whether to open a case, once, by
    TIP_EXTENSION_WORKING_DAYS working days, with the reason; before the period has run out."""
    require_perm(actor, "complaints.extend")
    complaint = _locked(complaint)
    require_state(complaint, OPEN)
    if complaint.kind != ComplaintKind.TIP:
        raise ValidationError(_("Only a tip's decision period can be extended."), code="not_a_tip")
    if complaint.extended:
        raise ValidationError(_("The decision period was already extended once; it cannot be again."), code="twice")
    if complaint.decision_due is not None and timezone.localdate() > complaint.decision_due:
        raise ValidationError(_("The decision period has already run out: it can no longer be extended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    complaint.extended_at, complaint.extended_by, complaint.extension_reason = timezone.now(), actor, reason.strip()
    complaint_clocks_set(complaint)
    if complaint.decision_due is None:  # the calendar of the new last day is not loaded: refuse rather than guess
        _working_days_after(
            complaint.received_at, settings.TIP_DECISION_WORKING_DAYS + settings.TIP_EXTENSION_WORKING_DAYS
        )
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.extend", target=complaint, due=str(complaint.decision_due))
    return complaint


@transaction.atomic
def tipster_notify(*, actor, complaint: Complaint, how: str) -> Complaint:
    """Staff record that the named tipster was told the decision (by phone, letter, text message)."""
    require_perm(actor, "complaints.triage")
    complaint = _locked(complaint)
    require_state(complaint, [ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED])
    if complaint.kind != ComplaintKind.TIP or complaint.notice_due is None:
        raise ValidationError(_("Only a named tipster is told the decision."), code="not_named")
    if complaint.tipster_notified_at is not None:
        raise ValidationError(_("The tipster was already told."), code="told")
    if not how.strip():
        raise ValidationError({"how": _("Say how the tipster was told.")})
    complaint.tipster_notified_at, complaint.tipster_notified_by = timezone.now(), actor
    complaint.tipster_notice = how.strip()
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.notify_tipster", target=complaint)
    return complaint


@transaction.atomic
def reward_claim(*, number: str, code: str, name: str, phone: str, actor=None) -> Complaint:
    """An anonymous tipster names themself with the reward code given at filing, so a reward can reach them. A
    wrong number or code is the same error (neither is confirmed); a code claims once."""
    errors = {}
    if not name.strip():
        errors["name"] = _("Give your name.")
    if not PHONE.match(phone.strip()):
        errors["phone"] = _("Give a phone number we can reach you on.")
    if errors:
        raise ValidationError(errors)
    digest = reward_code_hash(code)
    complaint = (
        Complaint.objects.select_for_update()
        .filter(tracking_number=number, kind=ComplaintKind.TIP, anonymous=True, reward_code_hash=digest)
        .first()
        if number and code
        else None
    )
    if complaint is None:
        raise ValidationError({"code": _("The tracking number and the reward code do not match.")})
    if complaint.reward_claimed_at is not None:
        raise ValidationError({"code": _("This reward code was already used.")})
    complaint.reward_claimed_at = timezone.now()
    complaint.claimant_name, complaint.claimant_phone = name.strip(), phone.strip()
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.reward_claim", target=complaint)
    return complaint


def reward_refusal(complaint: Complaint) -> str | None:
    """Why no reward can be recorded for this record, or None when one can."""
    if complaint.kind != ComplaintKind.TIP or not complaint.led_to_case or not complaint.major_violation:
        return _("Rewards are for tips about a major violation that led to a case.")
    if not complaint.reward_reachable:
        return _("A reward needs a named tipster who can be reached (an anonymous one claims with the reward code).")
    if complaint.reward_amount is not None:
        return _("The reward for this tip is already recorded.")
    return None


@transaction.atomic
def reward_record(*, actor, complaint: Complaint, amount: Decimal, note: str) -> Complaint:
    """A leader records the reward for a tip about a major violation that led to a case (重大违法行为举报奖励), for
    a named and reachable tipster (or an anonymous one who claimed it with the reward code)."""
    require_perm(actor, "complaints.reward")
    complaint = _locked(complaint)
    require_state(complaint, [ComplaintStatus.RESOLVED])
    if refusal := reward_refusal(complaint):
        raise ValidationError(refusal)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Give the amount of the reward.")})
    if not note.strip():
        raise ValidationError({"note": _("Record the reward decision (its number or grounds).")})
    complaint.reward_amount, complaint.reward_note, complaint.reward_recorded_by = amount, note.strip(), actor
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.reward", target=complaint, amount=str(amount))
    return complaint


# 你点我检: the public's nominations of products to test.


@transaction.atomic
def nomination_submit(*, values: dict, actor=None) -> Nomination:
    if not _text(values, "product_name"):
        raise ValidationError({"product_name": _("Name the product you want tested.")})
    nomination = Nomination(
        product_name=_text(values, "product_name"), reason=_text(values, "reason"), place=_text(values, "place")
    )
    nomination.full_clean()
    nomination.save()
    audit(actor=actor, action="complaints.nominate", target=nomination, summary=nomination.product_name)
    return nomination


@transaction.atomic
def nominations_adopt(*, actor, campaign: Model, product_names: list[str]) -> int:
    """Take the open nominations of these products into a draft campaign's product list (each product once)."""
    require_perm(actor, "complaints.adopt_nominations")
    campaign = campaigns().select_for_update().get(pk=campaign.pk)
    require_state(campaign, [CampaignStatus.DRAFT])
    names = sorted({name.strip() for name in product_names if name.strip()})
    if not names:
        raise ValidationError({"product_names": _("Choose the products to take into the campaign.")})
    # Only products the public has nominated (and still waiting) are taken in, each once.
    names = sorted(
        set(
            Nomination.objects.filter(status=NominationStatus.OPEN, product_name__in=names).values_list(
                "product_name", flat=True
            )
        )
    )
    if not names:
        raise ValidationError({"product_names": _("None of these products has an open nomination.")})
    listed = set(campaign.categories())
    added = [name for name in names if name not in listed]
    if added:
        campaign.product_categories = "\n".join([campaign.product_categories.rstrip(), *added]).strip()
        campaign._history_user = actor
        campaign.save(update_fields=["product_categories"])
    adopted = Nomination.objects.filter(status=NominationStatus.OPEN, product_name__in=names).update(
        status=NominationStatus.ADOPTED, campaign=campaign, decided_by=actor
    )
    audit(actor=actor, action="complaints.nominations.adopt", target=campaign, products=names, nominations=adopted)
    return adopted
