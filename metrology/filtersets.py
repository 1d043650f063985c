"""One FilterSet per model, used by the list pages and the API alike. Enterprises are filtered by id as a plain
number (core.filters.IdFilter): a filter must not tell which ids exist."""

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from enterprises.selectors import districts
from metrology.choices import DueState, FilingStatus, InstrumentStatus, VerificationResult
from metrology.models import Instrument, InstrumentCategory, due_state_condition, not_for_trade_condition


class InstrumentFilterSet(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=InstrumentCategory.objects.all(), to_field_name="code"
    )
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=districts())
    due = django_filters.ChoiceFilter(label=_("Verification"), choices=DueState.choices, method="filter_due")
    not_for_trade = django_filters.BooleanFilter(
        label=_("Must not be used for trade settlement"), method="filter_not_for_trade"
    )
    filing_status = django_filters.ChoiceFilter(label=_("Filing"), choices=FilingStatus.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=InstrumentStatus.choices)
    last_result = django_filters.ChoiceFilter(label=_("Last result"), choices=VerificationResult.choices)
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))
    q = django_filters.CharFilter(method="search", label=_("Serial, certificate or owner"), max_length=100)

    class Meta:
        model = Instrument
        fields = [
            "category",
            "district",
            "due",
            "not_for_trade",
            "filing_status",
            "status",
            "last_result",
            "enterprise",
            "q",
        ]

    def filter_due(self, queryset, name, value):
        if not value:
            return queryset
        condition = due_state_condition(value, timezone.localdate(), settings.METROLOGY_DUE_SOON_DAYS)
        return queryset.supervised().filter(condition)

    def filter_not_for_trade(self, queryset, name, value):
        if value is None:
            return queryset
        condition = not_for_trade_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def search(self, queryset, name, value):
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(serial=term) | Q(certificate_number=term) | Q(owner_name__icontains=term) | Q(location__icontains=term)
        )
