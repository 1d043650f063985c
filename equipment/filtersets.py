"""The one filter of the equipment register, used by the list page, its export and the API alike. Using units and
districts by id as a plain number (core.filters.IdFilter): a filter must not tell which ids exist."""

import datetime

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from equipment.choices import Conclusion, InspectionState, RegistrationState, RegistrationStatus, UnitStatus
from equipment.models import (
    Category,
    Unit,
    lacks_certified_operator_condition,
    must_not_be_used_condition,
    registration_deadline_start,
)


def inspection_state_condition(state: str, today: datetime.date) -> Q:
    in_use = Q(status=UnitStatus.IN_USE)
    horizon = today + datetime.timedelta(days=settings.EQUIPMENT_INSPECTION_REMINDER_DAYS)
    return {
        InspectionState.OVERDUE: in_use & Q(next_inspection_due__lt=today),
        InspectionState.DUE_SOON: in_use & Q(next_inspection_due__gte=today, next_inspection_due__lte=horizon),
        InspectionState.FAILED: in_use & Q(last_conclusion=Conclusion.FAIL),
        InspectionState.CURRENT: in_use & Q(next_inspection_due__gt=horizon) & ~Q(last_conclusion=Conclusion.FAIL),
    }[state]


def registration_state_condition(state: str, today: datetime.date) -> Q:
    unregistered = Q(registration_number="")
    pending = Q(registrations__status=RegistrationStatus.APPLIED)
    start = registration_deadline_start(today)
    return {
        RegistrationState.REGISTERED: ~unregistered,
        RegistrationState.APPLIED: unregistered & pending,
        RegistrationState.DUE: unregistered & Q(status=UnitStatus.IN_USE, put_into_use_on__gte=start),
        RegistrationState.OVERDUE: unregistered & Q(status=UnitStatus.IN_USE, put_into_use_on__lt=start),
    }[state]


class UnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Equipment code, registration number, address or using unit"), max_length=100
    )
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.all())
    district = IdFilter(field_name="district_id", label=_("District"))
    using_unit = IdFilter(field_name="using_unit_id", label=_("Using unit"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=UnitStatus.choices)
    inspection = django_filters.ChoiceFilter(
        method="filter_inspection", label=_("Periodic inspection"), choices=InspectionState.choices
    )
    registration = django_filters.ChoiceFilter(
        method="filter_registration", label=_("Use registration"), choices=RegistrationState.choices
    )
    must_not_be_used = django_filters.BooleanFilter(method="filter_must_not_be_used", label=_("Must not be used"))
    lacks_operator = django_filters.BooleanFilter(
        method="filter_lacks_operator", label=_("No current certified operator")
    )

    class Meta:
        model = Unit
        fields = [
            "q",
            "category",
            "district",
            "using_unit",
            "status",
            "inspection",
            "registration",
            "must_not_be_used",
            "lacks_operator",
        ]

    def filter_inspection(self, queryset, name, value):
        return queryset.filter(inspection_state_condition(value, timezone.localdate())) if value else queryset

    def filter_registration(self, queryset, name, value):
        # At most one application waits per unit (a constraint), so the join adds no duplicate rows.
        return queryset.filter(registration_state_condition(value, timezone.localdate())) if value else queryset

    def filter_must_not_be_used(self, queryset, name, value):
        if value is None:
            return queryset
        condition = must_not_be_used_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_lacks_operator(self, queryset, name, value):
        if value is None:
            return queryset
        condition = lacks_certified_operator_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def search(self, queryset, name, value):
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(equipment_code=term.upper())
            | Q(registration_number=term.upper())
            | Q(address__icontains=term)
            | Q(building__icontains=term)
            | Q(using_unit__name__icontains=term)
        )
