"""Reads of special-equipment safety: the register as a user may see it, the worklists, a unit's public status
and the figures the leaders' dashboard and the quality report show."""

import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from enterprises.selectors import districts
from equipment.choices import RegistrationStatus, UnitStatus
from equipment.models import (
    Category,
    Inspection,
    Operator,
    Registration,
    Reminder,
    Unit,
    lacks_certified_operator_condition,
)


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def units_visible_to(user) -> QuerySet[Unit]:
    """The register as this user may see it, with what its list shows."""
    return Unit.objects.visible_to(user).select_related("category", "using_unit", "district")


def unit_visible_or_404(user, pk: int) -> Unit:
    return get_object_or_404(units_visible_to(user), pk=pk)


def inspection_worklist(*, user, today: datetime.date | None = None) -> QuerySet[Unit]:
    """Units in use whose periodic inspection is overdue or falls due within the reminder period (30 days by
    default), the most overdue first: staff's worklist, a using unit's inspections to request."""
    today = today or timezone.localdate()
    days = settings.EQUIPMENT_INSPECTION_REMINDER_DAYS
    return units_visible_to(user).inspection_due_within(today, days).order_by("next_inspection_due", "pk")


def unregistered_worklist(*, user, today: datetime.date | None = None) -> QuerySet[Unit]:
    """Units in use and unregistered past the registration period (30 days from being put into use)."""
    today = today or timezone.localdate()
    return units_visible_to(user).unregistered_overdue(today).order_by("put_into_use_on", "pk")


def registrations_pending(*, user) -> QuerySet[Registration]:
    """Applications waiting for a decision, the oldest first."""
    return (
        Registration.objects.visible_to(user)
        .filter(status=RegistrationStatus.APPLIED)
        .select_related("unit", "unit__using_unit", "unit__category")
        .order_by("applied_at", "pk")
    )


def unit_inspections(unit: Unit) -> QuerySet[Inspection]:
    return unit.inspections.select_related("recorded_by").order_by("-inspected_on", "-pk")


def unit_registrations(unit: Unit) -> QuerySet[Registration]:
    return unit.registrations.select_related("applied_by", "decided_by").order_by("-applied_at", "-pk")


def reminders_for(*, user) -> QuerySet[Reminder]:
    return Reminder.objects.visible_to(user).select_related("unit", "unit__category")


def unit_published(registration_number: str) -> Unit | None:
    """A registered unit's public status, by its use-registration number (the QR code on its certificate links
    to it): None for an unknown number or an unregistered unit."""
    number = str(registration_number or "").strip().upper()[:32]
    if not number:
        return None
    return (
        Unit.objects.select_related("category", "using_unit", "district")
        .exclude(status=UnitStatus.CANCELLED)
        .filter(registration_number=number)
        .first()
    )


RATE_NAMES = ("registration", "inspection", "certified_operators", "accident_closure")


def equipment_rates(*, today: datetime.date | None = None, district_id: int | None = None) -> list[dict]:
    """The bureau's rates by district and category, over the units in use on `today` (README "Special
    equipment"): registration rate = registered / in use; periodic-inspection rate = inspected on time (not past
    their next inspection date) / in use with a date. The certified-operator and accident-closure rates need the
    operators and accidents, not yet recorded: None. One grouped query (no join), then the names.
    Rows: district_id, district, category_id, category, in_use, registered, with_date, on_time and the rates (%)."""
    today = today or timezone.localdate()
    units = Unit.objects.filter(status=UnitStatus.IN_USE)
    if district_id is not None:
        units = units.filter(district_id=district_id)
    # Grouped by ids alone (no join: the scan of every unit in use is the whole cost); names are read apart.
    groups = list(
        units.order_by()
        .values("district_id", "category_id")
        .annotate(
            in_use=Count("pk"),
            registered=Count("pk", filter=~Q(registration_number="")),
            with_date=Count("pk", filter=Q(next_inspection_due__isnull=False)),
            on_time=Count("pk", filter=Q(next_inspection_due__gte=today)),
        )
    )
    district_names = dict(districts().values_list("pk", "name"))
    category_names = dict(Category.objects.values_list("pk", "name"))
    groups.sort(key=lambda group: (group["district_id"], group["category_id"]))
    rows = []
    for group in groups:
        rows.append(
            {
                "district_id": group["district_id"],
                "district": district_names.get(group["district_id"], ""),
                "category_id": group["category_id"],
                "category": category_names.get(group["category_id"], ""),
                "in_use": group["in_use"],
                "registered": group["registered"],
                "with_date": group["with_date"],
                "on_time": group["on_time"],
                "registration": _percent(group["registered"], group["in_use"]),
                "inspection": _percent(group["on_time"], group["with_date"]),
                "certified_operators": None,
                "accident_closure": None,
            }
        )
    return rows


def equipment_rates_total(rows: list[dict]) -> dict:
    """The city's (or the district's) line of `equipment_rates`."""
    total = {key: sum(row[key] for row in rows) for key in ("in_use", "registered", "with_date", "on_time")}
    total["registration"] = _percent(total["registered"], total["in_use"])
    total["inspection"] = _percent(total["on_time"], total["with_date"])
    total["certified_operators"] = total["accident_closure"] = None
    return total


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def operators_visible_to(user) -> QuerySet[Operator]:
    return Operator.objects.visible_to(user).select_related("using_unit", "category")


def unit_lacks_certified_operator(unit: Unit, today: datetime.date | None = None) -> bool:
    """Whether this unit is in use, of a category needing certified operators, with none current at its using
    unit (Art 14)."""
    today = today or timezone.localdate()
    return Unit.objects.filter(lacks_certified_operator_condition(today), pk=unit.pk).exists()
