"""Writes in complaints and tips. Filing is open to anyone (the views add the rate limit and the challenge);
everything else is staff work, checked, atomic and audited. Resolving a complaint about an enterprise emits
`complaints.resolve` (complaints.events): its credit grade and risk score (complaints are indicators of both)
follow once the write has committed."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import SUBSTANTIATED_OUTCOMES, ComplaintKind, ComplaintStatus, NominationStatus, Outcome
from complaints.events import RESOLVED
from complaints.models import Complaint, ComplaintPhoto, Nomination
from core.audit import audit
from core.events import event_emit
from core.transitions import require_perm, require_state
from inspections.choices import CampaignStatus
from inspections.selectors import campaigns

PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
FILED_FIELDS = ("kind", "product_name", "brand", "enterprise_name", "place", "district", "description", "anonymous")


def _text(values: dict, name: str) -> str:
    return str(values.get(name) or "").strip()


@transaction.atomic
def complaint_file(*, values: dict, photos: list[UploadedFile] = (), actor=None) -> Complaint:
    """Anyone files a complaint or tip; anonymous ones need no contact. Returns it with its tracking number."""
    errors = {}
    for name, message in (
        ("product_name", _("Name the product.")),
        ("place", _("Say where you bought or found it.")),
        ("description", _("Describe what is wrong with it.")),
    ):
        if not _text(values, name):
            errors[name] = message
    anonymous = bool(values.get("anonymous"))
    phone = _text(values, "contact_phone")
    if not anonymous and not PHONE.match(phone):
        errors["contact_phone"] = _("Give a phone number we can reach you on, or file anonymously.")
    if errors:
        raise ValidationError(errors)
    complaint = Complaint(
        **{name: values[name] for name in FILED_FIELDS if name in values},
        contact_name="" if anonymous else _text(values, "contact_name"),
        contact_phone="" if anonymous else phone,
    )
    for name in ("product_name", "brand", "enterprise_name", "place", "description"):
        setattr(complaint, name, _text(values, name))
    complaint.full_clean()
    complaint.save()
    for upload in photos:
        ComplaintPhoto.store(upload, complaint=complaint)
    audit(actor=actor, action="complaints.file", target=complaint, summary=complaint.tracking_number)
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _saved(complaint: Complaint, actor) -> Complaint:
    complaint.full_clean()
    complaint._history_user = actor
    complaint.save()
    return complaint


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint, enterprise=None, product=None, assigned_to=None) -> Complaint:
    """Staff accept a received complaint for handling: link it to the enterprise and product it concerns (when
    known) and assign who handles it."""
    require_perm(actor, "complaints.triage")
    complaint = _locked(complaint)
    require_state(complaint, [ComplaintStatus.RECEIVED])
    _link(complaint, enterprise=enterprise, product=product, assigned_to=assigned_to)
    complaint.status = ComplaintStatus.IN_PROGRESS
    complaint.triaged_by, complaint.triaged_at = actor, timezone.now()
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
def complaint_reject(*, actor, complaint: Complaint, reply: str) -> Complaint:
    """Staff do not accept a complaint (e.g. outside the bureau's remit), telling the complainant why."""
    require_perm(actor, "complaints.triage")
    complaint = _locked(complaint)
    require_state(complaint, [ComplaintStatus.RECEIVED])
    if not reply.strip():
        raise ValidationError({"reply": _("Tell the complainant why it is not accepted (and where to turn).")})
    complaint.status, complaint.public_reply = ComplaintStatus.REJECTED, reply.strip()
    complaint.closed_by, complaint.closed_at = actor, timezone.now()
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.reject", target=complaint)
    return complaint


@transaction.atomic
def complaint_resolve(
    *, actor, complaint: Complaint, outcome: str, reply: str, led_to_case: bool = False, note: str = ""
) -> Complaint:
    """The handler (or staff) closes the complaint with its outcome and a reply to the complainant. A complaint
    about an enterprise moves its credit grade and risk score once this commits."""
    complaint = _locked(complaint)
    require_perm(actor, "complaints.resolve", complaint)  # on the locked row: the handler as assigned now
    require_state(complaint, [ComplaintStatus.IN_PROGRESS])
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if not reply.strip():
        errors["reply"] = _("Tell the complainant what was found and done.")
    if led_to_case and complaint.enterprise_id is None:
        errors["led_to_case"] = _("Link the enterprise the case is against first.")
    elif led_to_case and outcome not in SUBSTANTIATED_OUTCOMES:
        errors["led_to_case"] = _("A case follows from a substantiated complaint or tip.")
    if errors:
        raise ValidationError(errors)
    complaint.status, complaint.outcome = ComplaintStatus.RESOLVED, outcome
    complaint.public_reply, complaint.internal_note = reply.strip(), note.strip()
    complaint.led_to_case = led_to_case
    complaint.closed_by, complaint.closed_at = actor, timezone.now()
    _saved(complaint, actor)
    audit(actor=actor, action="complaints.resolve", target=complaint, outcome=outcome, led_to_case=led_to_case)
    if complaint.enterprise_id:
        event_emit(RESOLVED, enterprise_id=complaint.enterprise_id, complaint=complaint.pk, outcome=outcome)
    return complaint


@transaction.atomic
def reward_record(*, actor, complaint: Complaint, amount: Decimal, note: str) -> Complaint:
    """A leader records the reward for a counterfeit tip that led to a case (打假举报奖励)."""
    require_perm(actor, "complaints.reward")
    complaint = _locked(complaint)
    require_state(complaint, [ComplaintStatus.RESOLVED])
    if complaint.kind != ComplaintKind.COUNTERFEIT or not complaint.led_to_case:
        raise ValidationError(_("Rewards are for counterfeit tips that led to a case."))
    if complaint.reward_amount is not None:
        raise ValidationError(_("The reward for this tip is already recorded."))
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
