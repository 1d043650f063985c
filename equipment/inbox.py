"""What waits in special-equipment safety, for the to-do inbox (core.inbox): a using unit's inspections to request
and registrations to apply for; the section staff's applications to decide and units that must not be used.
Each source answers in a bounded number of queries (one aggregate each)."""

import datetime

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.inbox import InboxItem
from equipment.choices import RegistrationStatus, UnitStatus
from equipment.models import Registration, Unit, is_equipment_staff, own_enterprise_id, registration_deadline_start


def _unit_items(units, today: datetime.date, *, staff: bool) -> list[InboxItem]:
    horizon = today + datetime.timedelta(days=settings.EQUIPMENT_INSPECTION_REMINDER_DAYS)
    start = registration_deadline_start(today)
    in_use = Q(status=UnitStatus.IN_USE)
    due = in_use & Q(next_inspection_due__lte=horizon)
    overdue = in_use & Q(next_inspection_due__lt=today)
    unregistered = in_use & Q(registration_number="")
    late = unregistered & Q(put_into_use_on__lt=start)
    figures = units.aggregate(
        due=Count("pk", filter=due),
        due_first=Min("next_inspection_due", filter=due),
        overdue=Count("pk", filter=overdue),
        unregistered=Count("pk", filter=unregistered),
        unregistered_first=Min("put_into_use_on", filter=unregistered),
        late=Count("pk", filter=late),
    )
    listing = reverse("equipment:list")
    days = datetime.timedelta(days=settings.EQUIPMENT_REGISTRATION_DAYS)
    first_registration = figures["unregistered_first"] + days if figures["unregistered_first"] else None
    if staff:
        return [
            InboxItem(
                kind="equipment.overdue_inspections",
                label=_("Special equipment overdue for periodic inspection"),
                count=figures["overdue"],
                url=f"{listing}?inspection=overdue",
                urgent=True,
            ),
            InboxItem(
                kind="equipment.unregistered",
                label=_("Special equipment in use, unregistered past 30 days"),
                count=figures["late"],
                url=f"{listing}?registration=overdue",
                urgent=True,
            ),
        ]
    return [
        InboxItem(
            kind="equipment.inspections_to_request",
            label=_("Periodic inspections to request"),
            count=figures["due"],
            url=f"{listing}?inspection=due_soon",
            due=figures["due_first"],
            urgent=bool(figures["overdue"]),
        ),
        InboxItem(
            kind="equipment.registrations_due",
            label=_("Equipment to register"),
            count=figures["unregistered"],
            url=f"{listing}?registration=due",
            due=first_registration,
            urgent=bool(first_registration and first_registration <= today),
        ),
    ]


def equipment_inbox(user) -> list[InboxItem]:
    today = timezone.localdate()
    if is_equipment_staff(user):
        pending = Registration.objects.filter(status=RegistrationStatus.APPLIED).aggregate(
            count=Count("pk"), first=Min("applied_at")
        )
        items = _unit_items(Unit.objects.all(), today, staff=True)
        items.append(
            InboxItem(
                kind="equipment.registrations_to_accept",
                label=_("Use registrations to accept or return"),
                count=pending["count"],
                url=reverse("equipment:registrations"),
                due=timezone.localdate(pending["first"]) if pending["first"] else None,
            )
        )
        return items
    own = own_enterprise_id(user)
    if own:
        return _unit_items(Unit.objects.filter(using_unit_id=own), today, staff=False)
    return []
