"""The sealed sample's chain of custody, and the retained half (备样).

Each seal label carries a QR code, `QSS:<blind code>:<seal number>`. Every hand-over is a scan of it (a phone's
camera or a desk scanner posting the decoded text): sealed on site (recorded when the sampling record is filed),
handed to the courier or carried, received at the laboratory with the seal intact or broken, the retained sample
stored, and used for a re-test. The laboratory enters no findings before the receipt is recorded, and a broken
seal blocks testing and tells the supervisors (their inbox, and the `inspection.custody_seal_broken` event)."""

import datetime
import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.predicates import is_bureau_staff, is_supervisor
from core.audit import audit
from core.events import event_emit
from core.files import is_photo, sha256_of
from core.inbox import InboxItem
from inspections.choices import CustodyKind, LabTestStatus, TaskStatus
from inspections.models import CustodyEvent, LabTest, RetainedSample, SamplingRecord

QR_PREFIX = "QSS"
SEAL_SEPARATORS = re.compile(r"[\s,，、;；]+")
SEAL_BROKEN = "inspection.custody_seal_broken"
# What a scan may say about a sample, by kind: who records it is checked in `_require_scanner`.
FIELD_KINDS = (CustodyKind.SEALED, CustodyKind.DISPATCHED)
STORE_KINDS = (CustodyKind.RETAINED_STORED, CustodyKind.RETAINED_USED)


def seal_numbers(record: SamplingRecord) -> list[str]:
    """The seal numbers written on a sampling record, one per sealed sample unit."""
    return [seal for seal in SEAL_SEPARATORS.split(record.seal_numbers or "") if seal][:50]


def qr_content(lab_test: LabTest, seal: str = "") -> str:
    """What a seal label's QR code says: the blind code (never the enterprise) and the seal number."""
    return f"{QR_PREFIX}:{lab_test.blind_code}:{seal}"


def parse_qr(code: str) -> tuple[str, str]:
    """(blind code, seal number) from a scanned label, or a field error. A bare blind code typed by hand works too."""
    text = (code or "").strip()
    parts = text.split(":")
    if len(parts) == 3 and parts[0].upper() == QR_PREFIX:
        blind, seal = parts[1], parts[2]
    elif len(parts) == 1:
        blind, seal = parts[0], ""
    else:
        blind, seal = "", ""
    blind = blind.upper()
    if not re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", blind) or len(seal) > 64:
        raise ValidationError({"code": _("This is not the code of a sample's seal label.")})
    return blind, seal


# --- Writes ----------------------------------------------------------------------------------------------------------


def custody_sealed_on_site(*, lab_test: LabTest, record: SamplingRecord, actor, now: datetime.datetime) -> None:
    """When the sampling record is filed: one "sealed on site" event per seal, and the retained sample's row."""
    seals = seal_numbers(record) or [""]
    CustodyEvent.objects.bulk_create(
        CustodyEvent(
            lab_test=lab_test,
            kind=CustodyKind.SEALED,
            seal_number=seal,
            place=record.sampling_place[:128],
            actor=actor,
            at=now,
        )
        for seal in seals
    )
    RetainedSample.objects.get_or_create(task=record.task)


def _require_scanner(actor, lab_test: LabTest, kind: str) -> None:
    """Inspectors of the task seal and hand over; the laboratory's technicians receive; staff or the technicians
    store and take out the retained sample. Anyone else is told the sample does not exist."""
    if kind in FIELD_KINDS:
        allowed = actor.has_perm("inspections.file_sampling", lab_test.task) or is_bureau_staff.test(actor)
    elif kind == CustodyKind.RECEIVED:
        allowed = actor.has_perm("inspections.enter_results", lab_test)
    else:
        allowed = is_bureau_staff.test(actor) or actor.has_perm("inspections.enter_results", lab_test)
    if not allowed:
        raise Http404


def _coordinate(value, *, field: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError:
        raise ValidationError({field: _("Not a position.")}) from None
    if not number.is_finite() or abs(number) > bound:
        raise ValidationError({field: _("Not a position.")})
    return number


@transaction.atomic
def custody_scan(
    *,
    actor,
    code: str,
    kind: str,
    seal_intact: bool | None = None,
    place: str = "",
    latitude=None,
    longitude=None,
    note: str = "",
    photo: UploadedFile | None = None,
    key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> CustodyEvent:
    """Record one scan of a seal label. A resend with the same key records nothing new. At the laboratory the
    receipt says whether the seal is intact; a broken seal needs a photo, blocks testing and tells the supervisors."""
    now = now or timezone.now()
    if kind not in CustodyKind.values:
        raise ValidationError({"kind": _("Not a custody event.")})
    if kind == CustodyKind.SEALED:
        raise ValidationError({"kind": _("A sample is sealed when its sampling record is filed.")})
    blind, seal = parse_qr(code)
    lab_test = (
        LabTest.objects.select_for_update().select_related("task__campaign", "lab").filter(blind_code=blind).first()
    )
    if lab_test is None:
        raise Http404
    _require_scanner(actor, lab_test, kind)
    if key is not None and (earlier := CustodyEvent.objects.filter(key=key).first()) is not None:
        if earlier.lab_test_id != lab_test.pk or earlier.kind != kind:
            raise ValidationError({"key": _("This scan key was already used for another scan.")})
        earlier.replayed = True
        return earlier
    event = CustodyEvent(
        lab_test=lab_test,
        kind=kind,
        key=key,
        seal_number=seal,
        seal_intact=seal_intact if kind == CustodyKind.RECEIVED else None,
        place=(place or "").strip(),
        latitude=_coordinate(latitude, field="latitude", bound=90),
        longitude=_coordinate(longitude, field="longitude", bound=180),
        note=(note or "").strip(),
        actor=actor,
        at=now,
    )
    errors = {}
    if kind == CustodyKind.RECEIVED:
        if seal_intact is None:
            errors["seal_intact"] = _("Say whether the seal is intact.")
        elif not seal_intact and photo is None:
            errors["photo"] = _("Add a photo of the broken seal.")
        if lab_test.custody_events.filter(kind=CustodyKind.RECEIVED).exists():
            errors["code"] = _("This sample's receipt is already recorded.")
        if lab_test.status != LabTestStatus.PENDING:
            errors["code"] = _("This sample has already been tested.")
    if kind == CustodyKind.RETAINED_STORED and not event.place:
        errors["place"] = _("Say where the retained sample is kept.")
    if photo is not None and not is_photo(photo):
        errors["photo"] = _("%(name)s is not a readable photo.") % {"name": photo.name}
    if errors:
        raise ValidationError(errors)
    if photo is not None:
        event.photo_sha256 = sha256_of(photo)
        event.photo.save(photo.name, photo, save=False)
    event.full_clean()
    event.save()
    if kind in STORE_KINDS:
        _retained_on_scan(event)
    audit(
        actor=actor,
        action=f"custody.{kind}",
        target=lab_test,
        trail=lab_test.task.campaign,
        summary=" ".join(filter(None, [seal, event.place, _seal_word(event)])),
    )
    if kind == CustodyKind.RECEIVED and not seal_intact:
        event_emit(SEAL_BROKEN, enterprise_id=lab_test.task.enterprise_id, lab_test=lab_test.pk, event=event.pk)
    event.replayed = False
    return event


def _seal_word(event: CustodyEvent) -> str:
    if event.seal_intact is None:
        return ""
    return str(_("seal intact") if event.seal_intact else _("seal broken"))


def _retained_on_scan(event: CustodyEvent) -> None:
    retained, _created = RetainedSample.objects.get_or_create(task=event.lab_test.task)
    if event.kind == CustodyKind.RETAINED_STORED:
        retained.storage_place = event.place[:128]
        retained.stored_at = event.at
    else:
        retained.used_for_retest_at = event.at
    retained.save()


def custody_require_receipt(lab_test: LabTest) -> None:
    """The guard before the laboratory enters findings: the receipt is recorded, and the seal arrived intact."""
    receipt = lab_test.custody_events.filter(kind=CustodyKind.RECEIVED).order_by("-at", "-pk").first()
    if receipt is None:
        raise ValidationError(
            _("Record the receipt of this sample (scan its seal label) before entering findings."),
            code="no_receipt",
        )
    if not receipt.seal_intact:
        raise ValidationError(
            _("This sample arrived with a broken seal: it may not be tested. The supervisors have been told."),
            code="seal_broken",
        )


def retained_disposal_date(retained: RetainedSample) -> datetime.date | None:
    """From when the retained sample may be disposed of: once the result is final (after the objection window and
    any re-test), plus RETAINED_SAMPLE_HOLD_DAYS. None while the result is not final."""
    task = retained.task
    if task.status != TaskStatus.FINAL or task.finalised_at is None:
        return None
    return timezone.localdate(task.finalised_at) + datetime.timedelta(days=settings.RETAINED_SAMPLE_HOLD_DAYS)


@transaction.atomic
def retained_store(*, actor, retained: RetainedSample, storage_place: str, now=None) -> RetainedSample:
    """Say where the retained sample is kept (staff, or the laboratory that holds it)."""
    retained = RetainedSample.objects.select_for_update().select_related("task__campaign").get(pk=retained.pk)
    lab_tests = LabTest.objects.filter(task=retained.task)
    if not (is_bureau_staff.test(actor) or any(actor.has_perm("inspections.enter_results", t) for t in lab_tests)):
        raise PermissionDenied(_("You are not allowed to do this."))
    if retained.disposed_at is not None:
        raise ValidationError(_("This retained sample has been disposed of."))
    retained.storage_place = (storage_place or "").strip()
    if not retained.storage_place:
        raise ValidationError({"storage_place": _("Say where the retained sample is kept.")})
    retained.stored_at = retained.stored_at or now or timezone.now()
    retained.full_clean()
    retained.save()
    audit(actor=actor, action="retained.store", target=retained.task, summary=retained.storage_place)
    return retained


@transaction.atomic
def retained_dispose(*, actor, retained: RetainedSample, note: str, now=None) -> RetainedSample:
    """Record that the retained sample was disposed of: staff only, once the disposal date has come."""
    now = now or timezone.now()
    if not is_bureau_staff.test(actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    retained = RetainedSample.objects.select_for_update().select_related("task").get(pk=retained.pk)
    if retained.disposed_at is not None:
        raise ValidationError(_("This retained sample has already been disposed of."))
    due = retained_disposal_date(retained)
    if due is None or timezone.localdate(now) < due:
        raise ValidationError(
            _(
                "The retained sample is kept until the result is final and the objection window and any re-test "
                "are over%(date)s."
            )
            % {"date": f" ({due.isoformat()})" if due else ""}
        )
    if not (note or "").strip():
        raise ValidationError({"note": _("Say how the retained sample was disposed of.")})
    retained.disposal_note = note.strip()
    retained.disposed_at = now
    retained.disposed_by = actor
    retained.full_clean()
    retained.save()
    audit(actor=actor, action="retained.dispose", target=retained.task, summary=retained.disposal_note)
    return retained


# --- Reads ---------------------------------------------------------------------------------------------------------


def custody_trail(lab_test: LabTest, *, with_names: bool, blind: bool = False) -> list[dict]:
    """The sample's hand-overs, oldest first. Without names for the enterprise: what happened, when and where. For
    the laboratory (`blind`) without the places in the field either: the sampling place may name the enterprise."""
    rows = []
    for event in lab_test.custody_events.select_related("actor").order_by("at", "pk"):
        rows.append(
            {
                "kind": event.kind,
                "label": event.get_kind_display(),
                "at": event.at,
                "seal_number": event.seal_number,
                "seal_intact": event.seal_intact,
                "place": "" if blind and event.kind in FIELD_KINDS else event.place,
                "by": (event.actor.get_full_name() or event.actor.username) if with_names else "",
            }
        )
    return rows


def broken_seal_samples():
    """Samples received with a broken seal and not tested: what the supervisors must decide on."""
    broken = CustodyEvent.objects.filter(lab_test=OuterRef("pk"), kind=CustodyKind.RECEIVED, seal_intact=False)
    return LabTest.objects.filter(Exists(broken), status=LabTestStatus.PENDING)


def broken_seals_inbox(user):
    """The supervisors' inbox: samples whose seal arrived broken."""
    if not is_supervisor.test(user):
        return []
    return [
        InboxItem(
            kind="inspections.broken_seals",
            label=gettext_lazy("Samples received with a broken seal"),
            count=broken_seal_samples().count(),
            url=reverse("inspections:broken_seals"),
            urgent=True,
        )
    ]
