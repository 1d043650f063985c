"""The one filter of complaints, used by the staff list page and the API alike. Enterprises, districts and handlers
are filtered by id as a plain number (see core.filters.IdFilter): a filter must not tell which ids exist."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.choices import ComplaintKind, ComplaintStatus, Outcome
from complaints.models import Complaint, overdue_condition
from core.filters import IdFilter
from core.forms import DATE_INPUT
from enterprises.selectors import districts


class ComplaintFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ComplaintStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ComplaintKind.choices)
    outcome = django_filters.ChoiceFilter(label=pgettext_lazy("complaint", "Outcome"), choices=Outcome.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=districts())
    received_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("Received from"), widget=DATE_INPUT
    )
    received_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("Received until"), widget=DATE_INPUT
    )
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))
    assigned_to = IdFilter(field_name="assigned_to_id", label=_("Handled by"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    q = django_filters.CharFilter(method="search", label=_("Tracking number, product or enterprise"), max_length=100)

    class Meta:
        model = Complaint
        fields = [
            "status",
            "kind",
            "outcome",
            "district",
            "received_from",
            "received_to",
            "enterprise",
            "assigned_to",
            "overdue",
            "q",
        ]

    def filter_overdue(self, queryset, name, value):
        """A clock past its last day (or, false, none past)."""
        if value is None:
            return queryset
        condition = overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def search(self, queryset, name, value):
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(tracking_number=term.upper())
            | Q(product_name__icontains=term)
            | Q(enterprise_name__icontains=term)
            | Q(enterprise__name__icontains=term)
            | Q(enterprise__credit_code=term.upper())
        )
