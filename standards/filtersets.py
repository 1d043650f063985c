"""One FilterSet per model of the standardization app (and the catalogue it keeps), for pages and API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from enterprises.choices import StandardKind, StandardStatus
from enterprises.selectors import districts
from standards.choices import CheckOutcome, ProjectLevel, ProjectRole, ProjectStage
from standards.models import Declaration, StandardProject
from standards.selectors import standard_model


class StandardFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number or title"), max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=StandardKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=StandardStatus.choices)

    class Meta:
        model = standard_model()
        fields = ["q", "kind", "status"]

    def search(self, queryset, name, value):
        term = value.strip()
        return queryset.filter(Q(code__icontains=term) | Q(title__icontains=term)) if term else queryset


class DeclarationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Standard or enterprise"), max_length=100)
    kind = django_filters.ChoiceFilter(field_name="standard__kind", label=_("Kind"), choices=StandardKind.choices)
    district = django_filters.ModelChoiceFilter(
        field_name="enterprise__district", label=_("District"), queryset=districts()
    )
    check_outcome = django_filters.ChoiceFilter(label=_("Check"), choices=CheckOutcome.choices)
    to_check = django_filters.BooleanFilter(method="filter_to_check", label=_("To check"))
    active = django_filters.BooleanFilter(field_name="withdrawn_on", lookup_expr="isnull", label=_("Active"))
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = Declaration
        fields = ["q", "kind", "district", "check_outcome", "to_check", "active", "enterprise"]

    def search(self, queryset, name, value):
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(standard__code__icontains=term) | Q(standard__title__icontains=term) | Q(enterprise__name__icontains=term)
        )

    def filter_to_check(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(below_national=True, check_outcome="", withdrawn_on__isnull=True)
        return queryset.filter(condition) if value else queryset.exclude(condition)


class StandardProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Title, number or enterprise"), max_length=100)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=ProjectLevel.choices)
    role = django_filters.ChoiceFilter(label=_("Role"), choices=ProjectRole.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=ProjectStage.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=districts())
    year = django_filters.NumberFilter(
        field_name="published_on", lookup_expr="year", label=_("Published in"), min_value=2000, max_value=2100
    )

    class Meta:
        model = StandardProject
        fields = ["q", "level", "role", "stage", "district", "year"]

    def search(self, queryset, name, value):
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(title__icontains=term)
            | Q(number__icontains=term)
            | Q(enterprise__name__icontains=term)
            | Q(body__icontains=term)
        )
