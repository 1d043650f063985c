"""Filters of credit, one per model, shared by the staff pages and the API. Enterprises and districts are filtered
by id as a plain number (see core.filters.IdFilter): a filter must not tell a user which ids exist beyond those they
may see; a page shows the districts as a list all the same (the list is public)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from core.forms import ALL, RowChoices, YesNoSelect
from core.models import JobRun
from credit.models import BlacklistEntry, CreditGrade, CreditRepair, GradeOverride, RiskWarning
from enterprises.selectors import districts


class CreditGradeFilterSet(django_filters.FilterSet):
    """The grades overview and the grades API: grade, computed grade, overridden or not, district, and (on the page
    and the API alike) a name or credit code."""

    overridden = django_filters.BooleanFilter(
        field_name="override", lookup_expr="isnull", exclude=True, label=_("Set by an override"), widget=YesNoSelect
    )
    district = IdFilter(
        field_name="enterprise__district_id",
        label=_("District"),
        widget=forms.Select(choices=RowChoices(districts)),
    )
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("Name or credit code"))

    class Meta:
        model = CreditGrade
        fields = ["grade", "computed_grade", "overridden", "district"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("grade", "computed_grade"):
            self.filters[name].extra["empty_label"] = ALL

    def filter_q(self, grades, name, value):
        term = value.strip()
        if not term:
            return grades
        return grades.filter(Q(enterprise__name__contains_text=term) | Q(enterprise__credit_code=term.upper()))


class GradeOverrideFilterSet(django_filters.FilterSet):
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = GradeOverride
        fields = ["status", "grade", "enterprise"]


class BlacklistEntryFilterSet(django_filters.FilterSet):
    """The staff serious-dishonesty list and the list API: status, ground (by code), enterprise, and a search."""

    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))
    ground = django_filters.CharFilter(field_name="ground__code", max_length=32, label=_("Ground"))
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("Enterprise, credit code or decision"))

    class Meta:
        model = BlacklistEntry
        fields = ["status", "ground", "enterprise"]

    def filter_q(self, rows, name, value):
        return rows.search(value)


class CreditRepairFilterSet(django_filters.FilterSet):
    entry = IdFilter(field_name="entry_id", label=_("List entry"))
    enterprise = IdFilter(field_name="entry__enterprise_id", label=_("Enterprise"))

    class Meta:
        model = CreditRepair
        fields = ["status", "entry", "enterprise"]


class RiskWarningFilterSet(django_filters.FilterSet):
    """The warnings page and the warnings API (the page names the status `show` and opens on the open ones)."""

    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))
    district = IdFilter(method="filter_district", label=_("District"))

    class Meta:
        model = RiskWarning
        fields = ["status", "kind", "enterprise", "district"]

    def filter_district(self, queryset, name, value):
        # An area warning names its district; an enterprise's warning is in the enterprise's district.
        return queryset.filter(Q(district_id=value) | Q(enterprise__district_id=value))


class CreditRunFilterSet(django_filters.FilterSet):
    class Meta:
        model = JobRun
        fields = ["status", "name"]
