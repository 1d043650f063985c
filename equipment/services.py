"""Writes in special-equipment safety: entering a unit on the register, its use registration (applied by the using
unit, accepted or returned by staff), its status, its periodic inspections, and the daily reminders. Each is
checked, atomic and audited, and emits its event (equipment.events) about the using unit's enterprise."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.audit import audit
from core.events import event_emit
from core.transitions import require_perm, require_state
from enterprises.selectors import enterprises_on_file
from equipment.choices import PASSING_CONCLUSIONS, Conclusion, RegistrationStatus, UnitStatus
from equipment.events import INSPECTION_RECORDED, REGISTRATION_DECIDED, UNIT_REGISTERED, UNIT_STATUS_CHANGED
from equipment.models import Category, Inspection, Operator, Registration, Reminder, Unit, add_months

UNIT_FIELDS = (
    "equipment_code",
    "category",
    "using_unit",
    "district",
    "address",
    "building",
    "maker",
    "model_name",
    "serial_number",
    "made_on",
    "installed_on",
    "put_into_use_on",
)
TEXT_FIELDS = ("equipment_code", "address", "building", "maker", "model_name", "serial_number")


def next_due(category: Category, inspected_on: datetime.date) -> datetime.date:
    """The next periodic inspection: the last one plus the category's interval."""
    return add_months(inspected_on, category.inspection_interval_months)


def _clean_text(value) -> str:
    return str(value or "").strip()


def _date_errors(unit: Unit, today: datetime.date) -> dict:
    errors = {}
    if unit.put_into_use_on and unit.put_into_use_on > today:
        errors["put_into_use_on"] = _("The date put into use cannot be in the future.")
    if unit.made_on and unit.made_on > today:
        errors["made_on"] = _("The date made cannot be in the future.")
    if unit.installed_on and unit.made_on and unit.installed_on < unit.made_on:
        errors["installed_on"] = _("A unit is installed after it is made.")
    if unit.installed_on and unit.put_into_use_on and unit.put_into_use_on < unit.installed_on:
        errors.setdefault("put_into_use_on", _("A unit is put into use after it is installed."))
    return errors


def unit_build(*, actor, values: dict, today: datetime.date | None = None) -> Unit:
    """A new unit from `values`, validated but not saved (the import validates a whole file before writing).
    A using unit enters only its own units; staff any enterprise's, and may give a registration number and the
    last inspection of a unit already registered and inspected (the register taken over from paper)."""
    today = today or timezone.localdate()
    values = dict(values)
    own = actor.enterprise_id if actor.role == Role.ENTERPRISE else None
    if own is not None:
        values["using_unit"] = enterprises_on_file().get(pk=own)
        for name in ("registration_number", "registered_on", "last_inspected_on", "last_conclusion"):
            values.pop(name, None)
    unit = Unit(**{name: values[name] for name in UNIT_FIELDS if values.get(name) is not None})
    for name in TEXT_FIELDS:
        setattr(unit, name, _clean_text(getattr(unit, name, "")))
    unit.equipment_code = unit.equipment_code.upper()
    if unit.using_unit_id and not unit.district_id:
        unit.district_id = unit.using_unit.district_id
    unit.registration_number = _clean_text(values.get("registration_number")).upper()
    unit.registered_on = values.get("registered_on") or (unit.put_into_use_on if unit.registration_number else None)
    unit.last_inspected_on = values.get("last_inspected_on")
    unit.last_conclusion = values.get("last_conclusion") or ""
    errors = _date_errors(unit, today)
    if unit.category_id and unit.put_into_use_on:
        if unit.last_inspected_on and unit.last_inspected_on > today:
            errors["last_inspected_on"] = _("An inspection cannot be in the future.")
        elif unit.last_inspected_on and not unit.last_conclusion:
            errors["last_conclusion"] = _("Give the conclusion of the last inspection.")
        start = unit.last_inspected_on or unit.put_into_use_on
        unit.next_inspection_due = values.get("next_inspection_due") or next_due(unit.category, start)
    try:
        unit.full_clean(exclude=["equipment_code"] if not unit.equipment_code else None, validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    if not unit.equipment_code:
        errors["equipment_code"] = _("This field cannot be blank.")
    elif "equipment_code" not in errors and Unit.objects.filter(equipment_code=unit.equipment_code).exists():
        errors["equipment_code"] = _("A unit with this equipment code is already on the register.")
    if unit.registration_number and "registration_number" not in errors and _number_taken(unit.registration_number):
        errors["registration_number"] = _("Another unit holds this registration number.")
    if errors:
        raise ValidationError(errors)
    return unit


def _number_taken(number: str, *, other_than: int | None = None) -> bool:
    return Unit.objects.filter(registration_number=number).exclude(pk=other_than).exists()


def _saved_new(unit: Unit, actor, *, reason: str = "") -> Unit:
    unit._history_user = actor
    if reason:
        unit._change_reason = reason[:100]
    unit.save()
    audit(actor=actor, action="equipment.unit_register", target=unit, summary=unit.equipment_code)
    event_emit(UNIT_REGISTERED, enterprise_id=unit.using_unit_id, unit_id=unit.pk)
    return unit


@transaction.atomic
def unit_register(*, actor, values: dict) -> Unit:
    """Enter a unit on the register: the using unit enters its own new unit (then applies for its registration)
    or staff enter any. Its first periodic inspection falls due one interval after it was put into use."""
    require_perm(actor, "equipment.add_unit")
    return _saved_new(unit_build(actor=actor, values=values), actor)


@transaction.atomic
def units_import_write(*, actor, units: list[Unit], reason: str) -> int:
    """Save the units an import validated (equipment.importing), each with its history and event."""
    require_perm(actor, "equipment.import")
    for unit in units:
        _saved_new(unit, actor, reason=reason)
    return len(units)


def _locked(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().select_related("category").get(pk=unit.pk)


def _saved(record, actor):
    record._history_user = actor
    record.save()
    return record


@transaction.atomic
def unit_status_set(*, actor, unit: Unit, status: str, since: datetime.date | None = None, reason: str = "") -> Unit:
    """Stop a unit (停用) with the date, put it back in use, scrap it, or cancel its registration (注销). A
    scrapped or cancelled unit stays on file and does not come back."""
    require_perm(actor, "equipment.manage")
    unit = _locked(unit)
    require_state(unit, [UnitStatus.IN_USE, UnitStatus.STOPPED])
    today = timezone.localdate()
    since = since or today
    errors = {}
    if status not in UnitStatus.values or status == unit.status:
        errors["status"] = _("Choose a status other than the current one.")
    if since > today:
        errors["since"] = _("The date cannot be in the future.")
    reason = _clean_text(reason)
    if len(reason) > 2000:
        errors["reason"] = _("At most 2000 characters.")
    if errors:
        raise ValidationError(errors)
    before = unit.status
    unit.status, unit.status_since = status, since
    unit._change_reason = reason[:100]
    _saved(unit, actor)
    audit(actor=actor, action="equipment.unit_status", target=unit, summary=status, before=before, reason=reason)
    event_emit(UNIT_STATUS_CHANGED, enterprise_id=unit.using_unit_id, unit_id=unit.pk, status=status)
    return unit


@transaction.atomic
def registration_apply(*, actor, unit: Unit, note: str = "") -> Registration:
    """The using unit (or staff for it) applies for a unit's use registration (Art 33)."""
    require_perm(actor, "equipment.apply", unit)
    unit = _locked(unit)
    require_state(unit, [UnitStatus.IN_USE, UnitStatus.STOPPED])
    if unit.registration_number:
        raise ValidationError(_("This unit is already registered."))
    if unit.registrations.filter(status=RegistrationStatus.APPLIED).exists():
        raise ValidationError(_("An application for this unit is already waiting for a decision."))
    note = _clean_text(note)
    if len(note) > 2000:
        raise ValidationError({"note": _("At most 2000 characters.")})
    registration = _saved(Registration(unit=unit, applied_by=actor, note=note), actor)
    audit(actor=actor, action="equipment.registration_apply", target=registration, trail=unit)
    return registration


def _locked_registration(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().select_related("unit").get(pk=registration.pk)


@transaction.atomic
def registration_accept(*, actor, registration: Registration, certificate_number: str) -> Registration:
    """Staff accept an application and issue the use-registration certificate number."""
    require_perm(actor, "equipment.manage")
    registration = _locked_registration(registration)
    require_state(registration, [RegistrationStatus.APPLIED])
    number = _clean_text(certificate_number).upper()
    if not number:
        raise ValidationError({"certificate_number": _("Give the certificate number.")})
    if len(number) > 32:
        raise ValidationError({"certificate_number": _("At most 32 characters.")})
    unit = _locked(registration.unit)
    if _number_taken(number, other_than=unit.pk):
        raise ValidationError({"certificate_number": _("Another unit holds this registration number.")})
    now = timezone.now()
    registration.status, registration.decided_by, registration.decided_at = RegistrationStatus.ACCEPTED, actor, now
    registration.certificate_number = number
    _saved(registration, actor)
    unit.registration_number, unit.registered_on = number, timezone.localdate(now)
    _saved(unit, actor)
    audit(actor=actor, action="equipment.registration_accept", target=registration, trail=unit, summary=number)
    event_emit(REGISTRATION_DECIDED, enterprise_id=unit.using_unit_id, unit_id=unit.pk, accepted=True)
    return registration


@transaction.atomic
def registration_return(*, actor, registration: Registration, reason: str) -> Registration:
    """Staff return an application with the reason; the using unit corrects it and applies again."""
    require_perm(actor, "equipment.manage")
    registration = _locked_registration(registration)
    require_state(registration, [RegistrationStatus.APPLIED])
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the application is returned.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("At most 2000 characters.")})
    registration.status, registration.decided_by = RegistrationStatus.RETURNED, actor
    registration.decided_at, registration.reason = timezone.now(), reason
    _saved(registration, actor)
    unit = registration.unit
    audit(actor=actor, action="equipment.registration_return", target=registration, trail=unit, reason=reason)
    event_emit(REGISTRATION_DECIDED, enterprise_id=unit.using_unit_id, unit_id=unit.pk, accepted=False)
    return registration


def inspection_build(
    *,
    unit: Unit,
    inspected_on: datetime.date,
    report_number: str,
    conclusion: str,
    institution: str = "",
    defects: str = "",
    next_due_on: datetime.date | None = None,
    actor,
    imported: bool = False,
    today: datetime.date | None = None,
) -> Inspection:
    """A periodic inspection's result, validated but not saved. A pass (or a pass after re-inspection) sets the
    next inspection one category interval later unless the report gives its own date; a fail names its defects."""
    today = today or timezone.localdate()
    report_number = _clean_text(report_number).upper()
    inspection = Inspection(
        unit=unit,
        inspected_on=inspected_on,
        report_number=report_number,
        conclusion=conclusion,
        institution=_clean_text(institution),
        defects=_clean_text(defects),
        next_due_on=next_due_on,
        recorded_by=actor,
        imported=imported,
    )
    errors = {}
    if inspected_on and inspected_on > today:
        errors["inspected_on"] = _("An inspection cannot be in the future.")
    if conclusion == Conclusion.FAIL and not inspection.defects:
        errors["defects"] = _("A failed inspection names its defects.")
    if len(inspection.defects) > 5000:
        errors["defects"] = _("At most 5000 characters.")
    if next_due_on and inspected_on and next_due_on <= inspected_on:
        errors["next_due_on"] = _("The next inspection comes after this one.")
    if unit.status not in (UnitStatus.IN_USE, UnitStatus.STOPPED):
        errors["unit"] = _("The unit is scrapped or its registration cancelled.")
    if conclusion in PASSING_CONCLUSIONS and inspected_on and not next_due_on:
        inspection.next_due_on = next_due(unit.category, inspected_on)
    try:
        inspection.full_clean(exclude=["unit", "recorded_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    if report_number and "report_number" not in errors:
        if Inspection.objects.filter(unit=unit, report_number=report_number).exists():
            errors["report_number"] = _("This report is already on file for this unit.")
    if errors:
        raise ValidationError(errors)
    return inspection


def _apply_to_unit(unit: Unit, inspection: Inspection) -> bool:
    """Carry the result onto the unit when it is its latest inspection (an older report imported later does not
    undo a newer one). A fail keeps the due date: the unit must not be used until a re-inspection passes."""
    if unit.last_inspected_on and inspection.inspected_on < unit.last_inspected_on:
        return False
    unit.last_inspected_on, unit.last_conclusion = inspection.inspected_on, inspection.conclusion
    if inspection.next_due_on:
        unit.next_inspection_due = inspection.next_due_on
    return True


@transaction.atomic
def inspection_record(*, actor, unit: Unit, imported: bool = False, **values) -> Inspection:
    """Record a periodic inspection's result (定期检验): staff type it in or import the institution's file."""
    require_perm(actor, "equipment.manage")
    unit = _locked(unit)
    inspection = _saved(inspection_build(actor=actor, unit=unit, imported=imported, **values), actor)
    if _apply_to_unit(unit, inspection):
        _saved(unit, actor)
    audit(
        actor=actor,
        action="equipment.inspection_record",
        target=inspection,
        trail=unit,
        summary=f"{inspection.report_number} {inspection.conclusion}",
    )
    event_emit(
        INSPECTION_RECORDED,
        enterprise_id=unit.using_unit_id,
        unit_id=unit.pk,
        conclusion=inspection.conclusion,
    )
    return inspection


def reminders_record(*, today: datetime.date | None = None) -> int:
    """Record, set-based, the reminders due today: each unit in use whose periodic inspection falls due within the
    reminder period (request it a month ahead, Art 40), and each unregistered unit in use within its registration
    period (Art 33). The unique constraint keeps each reminder once, however often this runs. Returns how many
    were new."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.EQUIPMENT_INSPECTION_REMINDER_DAYS)
    registration_from = today - datetime.timedelta(days=settings.EQUIPMENT_REGISTRATION_DAYS)
    unit_table, reminder_table = Unit._meta.db_table, Reminder._meta.db_table
    now = timezone.now()
    inspection_sql = f"""
        INSERT INTO {reminder_table} (unit_id, kind, due_on, created_at)
        SELECT u.id, %s, u.next_inspection_due, %s FROM {unit_table} u
        WHERE u.status = %s AND u.next_inspection_due IS NOT NULL AND u.next_inspection_due <= %s
          AND u.next_inspection_due >= %s
        ON CONFLICT (unit_id, kind, due_on) DO NOTHING
    """  # noqa: S608 - table names from the models, values as parameters
    # The registration reminder's due day is the last day of the period; SQL date arithmetic differs by database,
    # so the rows are the units put into use within the period, and the day is computed for each in Python below.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            inspection_sql,
            [Reminder.Kind.INSPECTION, now, UnitStatus.IN_USE, horizon, today],
        )
        created = max(cursor.rowcount, 0)
        unregistered = Unit.objects.filter(
            status=UnitStatus.IN_USE, registration_number="", put_into_use_on__gte=registration_from
        ).values_list("pk", "put_into_use_on")
        days = datetime.timedelta(days=settings.EQUIPMENT_REGISTRATION_DAYS)
        rows = [
            Reminder(unit_id=pk, kind=Reminder.Kind.REGISTRATION, due_on=put_on + days, created_at=now)
            for pk, put_on in unregistered.iterator(chunk_size=5000)
        ]
        if rows:
            before = Reminder.objects.filter(kind=Reminder.Kind.REGISTRATION).count()
            Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
            created += Reminder.objects.filter(kind=Reminder.Kind.REGISTRATION).count() - before
    return created


def _years_after(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years) - datetime.timedelta(days=1)


@transaction.atomic
def operator_record(*, actor, values: dict) -> Operator:
    """Record an operator and their certificate (Art 14): the using unit its own, staff any using unit's. The
    expiry defaults to EQUIPMENT_OPERATOR_CERTIFICATE_YEARS (4) years after the issue date."""
    require_perm(actor, "equipment.keep_operators")
    values = dict(values)
    if actor.role == Role.ENTERPRISE:
        values["using_unit"] = enterprises_on_file().get(pk=actor.enterprise_id)
    operator = Operator(
        using_unit=values.get("using_unit"),
        name=_clean_text(values.get("name")),
        category=values.get("category"),
        certificate_number=_clean_text(values.get("certificate_number")).upper(),
        issued_on=values.get("issued_on"),
        expires_on=values.get("expires_on"),
    )
    errors = {}
    today = timezone.localdate()
    if operator.issued_on and operator.issued_on > today:
        errors["issued_on"] = _("A certificate cannot be issued in the future.")
    if operator.issued_on and not operator.expires_on:
        operator.expires_on = _years_after(operator.issued_on, settings.EQUIPMENT_OPERATOR_CERTIFICATE_YEARS)
    if operator.issued_on and operator.expires_on and operator.expires_on <= operator.issued_on:
        errors["expires_on"] = _("A certificate expires after it is issued.")
    try:
        operator.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    if (
        not errors
        and Operator.objects.filter(category=operator.category, certificate_number=operator.certificate_number).exists()
    ):
        errors["certificate_number"] = _("This certificate is already on file.")
    if errors:
        raise ValidationError(errors)
    _saved(operator, actor)
    audit(actor=actor, action="equipment.operator_record", target=operator, summary=operator.certificate_number)
    return operator
