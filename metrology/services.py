"""Writes in metrology: filing instruments (强检备案) and their acceptance, verifications entered or imported, the
finding that an instrument was used after failing, and the daily reminders. Each is checked (the actor's
permission, the record's state), validated, atomic, audited, and emits its event in the same transaction."""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, Exists, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.events import event_emit
from core.hygiene import is_encodable
from core.transitions import require_perm, require_state
from inspections.choices import CampaignKind
from inspections.selectors import lab_queue
from inspections.services.testing import lab_test_save_results
from metrology.choices import FilingStatus, InstrumentStatus, ReminderKind, VerificationResult, VerificationSource
from metrology.events import INSTRUMENT_FILED, NET_CONTENT_TESTED, USED_AFTER_FAILURE, VERIFIED
from metrology.models import Instrument, InstrumentCategory, NetContentTest, Reminder, Verification, valid_until
from metrology.netcontent import net_content_verdict

FILED_FIELDS = ("category", "owner_name", "district", "location", "maker", "model_name", "serial")
TEXT_FIELDS = ("owner_name", "location", "maker", "model_name", "serial", "institution", "certificate_number")


def _clean_text(values: dict, names=TEXT_FIELDS) -> dict:
    """Strip the text values; refuse one that cannot be stored (a lone surrogate), naming its field."""
    errors = {}
    for name in names:
        if name in values and isinstance(values[name], str):
            values[name] = values[name].strip()
            if not is_encodable(values[name]):
                errors[name] = _("This text contains a character that cannot be stored; please retype it.")
    if errors:
        raise ValidationError(errors)
    return values


def _emit(kind: str, instrument: Instrument, **payload) -> None:
    event_emit(kind, enterprise_id=instrument.enterprise_id, instrument_id=instrument.pk, **payload)


@transaction.atomic
def instrument_file(
    *,
    actor,
    category: InstrumentCategory,
    location: str,
    maker: str,
    model_name: str,
    serial: str,
    enterprise=None,
    owner_name: str = "",
    district=None,
) -> Instrument:
    """File an instrument under compulsory verification. An owner files its own (the enterprise and district are
    its file's, whatever it sent) and staff accept it; the metrology section files for any owner, an enterprise
    file or a stall holder's name, and its filing is accepted at once."""
    require_perm(actor, "metrology.file")
    values = _clean_text(
        {"owner_name": owner_name, "location": location, "maker": maker, "model_name": model_name, "serial": serial}
    )
    staff = actor.has_perm("metrology.manage")
    if not staff:
        enterprise = actor.enterprise
    if enterprise is not None:
        values["owner_name"] = enterprise.name
        district = district if (staff and district is not None) else enterprise.district
    if category is not None and not category.active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    instrument = Instrument(
        category=category,
        enterprise=enterprise,
        district=district,
        filed_by=actor,
        filing_status=FilingStatus.ACCEPTED if staff else FilingStatus.FILED,
        accepted_by=actor if staff else None,
        accepted_at=timezone.now() if staff else None,
        **values,
    )
    if district is None:
        raise ValidationError({"district": _("Give the district where the instrument is used.")})
    instrument.full_clean()
    instrument.save()
    audit(actor=actor, action="metrology.instrument_file", target=instrument, summary=str(instrument))
    _emit(INSTRUMENT_FILED, instrument, step="filed")
    return instrument


@transaction.atomic
def instrument_update(*, actor, instrument: Instrument, **changes) -> Instrument:
    """Correct an instrument's description: the owner while its filing waits or was returned (it is filed
    again), the metrology section at any time."""
    require_perm(actor, "metrology.edit_instrument", instrument)
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    unknown = set(changes) - set(FILED_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)})
    if not actor.has_perm("metrology.manage"):
        changes.pop("owner_name", None)
        changes.pop("district", None)
    changes = _clean_text(changes)
    before = {name: str(getattr(instrument, name)) for name in changes}
    for name, value in changes.items():
        setattr(instrument, name, value)
    if instrument.filing_status == FilingStatus.RETURNED and not actor.has_perm("metrology.manage"):
        instrument.filing_status = FilingStatus.FILED
    instrument.full_clean()
    instrument.save()
    audit(actor=actor, action="metrology.instrument_update", target=instrument, summary=str(instrument), before=before)
    return instrument


@transaction.atomic
def instrument_accept(*, actor, instrument: Instrument) -> Instrument:
    """Accept an owner's filing: from now on the instrument is on the due lists and reminded."""
    require_perm(actor, "metrology.manage")
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    require_state(instrument, [FilingStatus.FILED], field="filing_status")
    instrument.filing_status = FilingStatus.ACCEPTED
    instrument.accepted_by, instrument.accepted_at = actor, timezone.now()
    instrument.filing_comment = ""
    instrument.save(update_fields=["filing_status", "accepted_by", "accepted_at", "filing_comment"])
    audit(actor=actor, action="metrology.instrument_accept", target=instrument, summary=str(instrument))
    _emit(INSTRUMENT_FILED, instrument, step="accepted")
    return instrument


def _reason(value: str, field: str) -> str:
    value = str(value or "").strip()
    if not value:
        raise ValidationError({field: _("Give a reason.")})
    if not is_encodable(value):
        raise ValidationError({field: _("This text contains a character that cannot be stored; please retype it.")})
    if len(value) > 500:
        raise ValidationError({field: _("At most 500 characters.")})
    return value


@transaction.atomic
def instrument_return(*, actor, instrument: Instrument, comment: str) -> Instrument:
    """Return an owner's filing for correction, saying what is wrong."""
    require_perm(actor, "metrology.manage")
    comment = _reason(comment, "comment")
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    require_state(instrument, [FilingStatus.FILED], field="filing_status")
    instrument.filing_status, instrument.filing_comment = FilingStatus.RETURNED, comment
    instrument.save(update_fields=["filing_status", "filing_comment"])
    audit(actor=actor, action="metrology.instrument_return", target=instrument, summary=comment)
    _emit(INSTRUMENT_FILED, instrument, step="returned")
    return instrument


@transaction.atomic
def instrument_retire(*, actor, instrument: Instrument, reason: str) -> Instrument:
    """Take an instrument out of use (scrapped, sold, no longer used for trade): kept on file, no longer reminded."""
    require_perm(actor, "metrology.manage")
    reason = _reason(reason, "reason")
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    require_state(instrument, [InstrumentStatus.IN_USE])
    instrument.status, instrument.retired_reason = InstrumentStatus.RETIRED, reason
    instrument.save(update_fields=["status", "retired_reason"])
    audit(actor=actor, action="metrology.instrument_retire", target=instrument, summary=reason)
    _emit(INSTRUMENT_FILED, instrument, step="retired")
    return instrument


def _verification(
    *,
    instrument: Instrument,
    verified_on,
    result,
    certificate_number,
    institution,
    valid_until_on,
    source,
    actor,
    today: datetime.date,
) -> Verification:
    """An unsaved, validated verification (the import checks every row before writing any)."""
    values = _clean_text({"certificate_number": certificate_number or "", "institution": institution or ""})
    errors = {}
    if verified_on is None:
        errors["verified_on"] = _("Give the date of the verification.")
    elif verified_on > today:
        errors["verified_on"] = _("The verification date cannot be in the future.")
    if result not in VerificationResult.values:
        errors["result"] = _("The result is passed or failed.")
    if errors:
        raise ValidationError(errors)
    if result == VerificationResult.PASSED and valid_until_on is None:
        valid_until_on = valid_until(verified_on, instrument.category.interval_months)
    if result == VerificationResult.FAILED:
        valid_until_on = None
    if valid_until_on is not None and valid_until_on < verified_on:
        raise ValidationError({"valid_until": _("The certificate cannot run out before the verification date.")})
    verification = Verification(
        instrument=instrument,
        verified_on=verified_on,
        result=result,
        valid_until=valid_until_on,
        source=source,
        recorded_by=actor,
        **values,
    )
    verification.full_clean()
    return verification


def _apply(instrument: Instrument, verification: Verification) -> None:
    """The instrument's last verification becomes this one, unless a later one is already on file."""
    if instrument.last_verified_on and instrument.last_verified_on > verification.verified_on:
        return
    instrument.last_verified_on = verification.verified_on
    instrument.last_result = verification.result
    instrument.certificate_number = verification.certificate_number
    instrument.institution = verification.institution
    instrument.next_due_on = verification.valid_until
    instrument.save(
        update_fields=["last_verified_on", "last_result", "certificate_number", "institution", "next_due_on"]
    )


@transaction.atomic
def verification_record(
    *,
    actor,
    instrument: Instrument,
    verified_on: datetime.date,
    result: str,
    certificate_number: str,
    institution: str,
    valid_until_on: datetime.date | None = None,
) -> Verification:
    """Record a verification of an instrument (the certificate, or the notice of failure): its validity is the
    category's interval unless the certificate says otherwise."""
    require_perm(actor, "metrology.manage")
    instrument = Instrument.objects.select_for_update().select_related("category").get(pk=instrument.pk)
    verification = _verification(
        instrument=instrument,
        verified_on=verified_on,
        result=result,
        certificate_number=certificate_number,
        institution=institution,
        valid_until_on=valid_until_on,
        source=VerificationSource.ENTERED,
        actor=actor,
        today=timezone.localdate(),
    )
    verification.save()
    _apply(instrument, verification)
    audit(
        actor=actor,
        action="metrology.verification_record",
        target=verification,
        trail=instrument,
        summary=f"{verification.certificate_number} {verification.result}",
    )
    _emit(VERIFIED, instrument, result=result)
    return verification


@transaction.atomic
def verifications_write(*, actor, verifications: list[Verification]) -> int:
    """Write checked verifications (the import's rows) in one transaction, each moving its instrument on."""
    require_perm(actor, "metrology.manage")
    for verification in verifications:
        verification.save()
        _apply(verification.instrument, verification)
        _emit(VERIFIED, verification.instrument, result=verification.result)
    if verifications:
        audit(
            actor=actor,
            action="metrology.verification_import",
            target=verifications[0].instrument,
            summary=_("%(count)d verifications imported") % {"count": len(verifications)},
            verification_ids=[verification.pk for verification in verifications],
        )
    return len(verifications)


@transaction.atomic
def instrument_record_used_after_failure(*, actor, instrument: Instrument, note: str) -> Instrument:
    """Record that an instrument was found in use after failing its verification (a credit indicator)."""
    require_perm(actor, "metrology.manage")
    note = _reason(note, "note")
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.last_result != VerificationResult.FAILED:
        raise ValidationError(_("The instrument's last verification did not fail."))
    instrument.used_after_failure = True
    instrument.save(update_fields=["used_after_failure"])
    audit(actor=actor, action="metrology.used_after_failure", target=instrument, summary=note)
    _emit(USED_AFTER_FAILURE, instrument)
    return instrument


def reminders_record(*, today: datetime.date | None = None) -> int:
    """Record the reminders the day calls for, each once: "due soon" for every supervised instrument whose
    certificate runs out within METROLOGY_DUE_SOON_DAYS, "overdue" for every one past it. Set-based: one
    INSERT ... SELECT per kind of the reminders not recorded yet, and the unique key (ON CONFLICT DO NOTHING) drops
    any a parallel run added; so running it twice records nothing the second time. Returns how many it recorded."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.METROLOGY_DUE_SOON_DAYS)
    supervised = Instrument.objects.supervised().exclude(last_result=VerificationResult.FAILED)
    now = timezone.now()
    written = 0
    table = Reminder._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for kind, window in (
            (ReminderKind.DUE_SOON, {"next_due_on__gte": today, "next_due_on__lte": soon}),
            (ReminderKind.OVERDUE, {"next_due_on__lt": today}),
        ):
            existing = Reminder.objects.filter(instrument_id=OuterRef("pk"), kind=kind, due_on=OuterRef("next_due_on"))
            missing = (
                supervised.filter(**window)
                .filter(~Exists(existing))
                .annotate(
                    reminder_kind=Value(kind, output_field=CharField()),
                    reminder_at=Value(now, output_field=DateTimeField()),
                )  # fmt: skip
                .values_list("pk", "reminder_kind", "next_due_on", "reminder_at")
                .order_by()
            )
            sql, params = missing.query.sql_with_params()
            cursor.execute(
                f"INSERT INTO {table} (instrument_id, kind, due_on, created_at) {sql} ON CONFLICT DO NOTHING",
                params,
            )
            written += max(cursor.rowcount, 0)
    return written


NET_CONTENT_NOTE = (
    "JJF 1070: n=%(n)d, T=%(t)s, mean %(mean)s ≥ %(limit)s: %(mean_ok)s; short > T: %(short)d ≤ %(c)d, > 2T: %(gross)d"
)


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite() or abs(number) >= Decimal("1e9"):
        raise ValidationError({field: _("Enter a number.")})
    return number


@transaction.atomic
def net_content_test_record(
    *, actor, lab_test_id: int, lot_size: int, nominal, contents: list, quantity_kind: str = "mass_volume"
) -> NetContentTest:
    """The laboratory's net-content test of a sampled lot of a net-content campaign (JJF 1070): the verdict is
    computed from the units' actual contents, kept here, and submitted as the sample's result through
    inspections.services (every test item of the campaign, qualitative, conforms or not with the lot), so the
    review, the notice, the objection and, for a failed lot, the follow-up run as for any spot check."""
    lab_test = lab_queue(actor).filter(pk=lab_test_id).select_related("task").first()
    if lab_test is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    campaign = lab_test.task.campaign
    if campaign.kind != CampaignKind.NET_CONTENT:
        raise ValidationError(_("This sample is not of a net-content campaign."))
    items = list(campaign.items.all())
    if not items or any(not item.is_qualitative for item in items):
        raise ValidationError(_("A net-content campaign's test items are qualitative (the lot conforms or not)."))
    if not isinstance(lot_size, int) or isinstance(lot_size, bool):
        raise ValidationError({"lot_size": _("Enter a whole number.")})
    nominal = _decimal(nominal, "nominal")
    if not isinstance(contents, list | tuple) or len(contents) > 10_000:
        raise ValidationError({"contents": _("Enter the units' actual contents.")})
    values = [_decimal(value, "contents") for value in contents]
    verdict = net_content_verdict(lot_size=lot_size, nominal=nominal, contents=values, kind=quantity_kind)
    test = NetContentTest(
        lab_test_id=lab_test.pk,
        quantity_kind=quantity_kind,
        lot_size=lot_size,
        nominal=nominal,
        contents=[str(value) for value in values],
        sample_size=verdict.plan.sample_size,
        tolerance=verdict.tolerance,
        mean=verdict.mean.quantize(Decimal("0.0001")),
        std_dev=verdict.std_dev.quantize(Decimal("0.0001")),
        mean_limit=verdict.mean_limit.quantize(Decimal("0.0001")),
        short_count=verdict.short_count,
        gross_short_count=verdict.gross_short_count,
        allowed_short=verdict.plan.allowed_short,
        passed=verdict.passed,
        enterprise_id=lab_test.task.enterprise_id,
        tested_by=actor,
    )
    test.full_clean(exclude=["lab_test", "enterprise", "tested_by"])
    test.save()
    note = NET_CONTENT_NOTE % {
        "n": verdict.plan.sample_size, "t": verdict.tolerance, "mean": test.mean, "limit": test.mean_limit,
        "mean_ok": "yes" if verdict.mean_ok else "no", "short": verdict.short_count, "c": verdict.plan.allowed_short,
        "gross": verdict.gross_short_count,
    }  # fmt: skip
    findings = {item.pk: {"conforms": verdict.passed, "note": note} for item in items}
    lab_test_save_results(actor=actor, lab_test=lab_test, findings=findings, submit=True)
    audit(actor=actor, action="metrology.net_content_test", target=test, trail=campaign, summary=note)
    event_emit(NET_CONTENT_TESTED, enterprise_id=test.enterprise_id, passed=verdict.passed, test_id=test.pk)
    return test
