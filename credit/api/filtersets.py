"""Filters of the credit API. Enterprises and districts are filtered by id as a plain number (see
inspections.api.filtersets): a filter must not tell a user which ids exist beyond those they may see."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from core.models import JobRun
from credit.models import BlacklistEntry, CreditGrade, CreditRepair, GradeOverride, RiskWarning


class CreditGradeFilterSet(django_filters.FilterSet):
    overridden = django_filters.BooleanFilter(
        field_name="override", lookup_expr="isnull", exclude=True, label=_("Set by an override")
    )
    district = IdFilter(field_name="enterprise__district_id", label=_("District"))

    class Meta:
        model = CreditGrade
        fields = ["grade", "computed_grade", "overridden", "district"]


class GradeOverrideFilterSet(django_filters.FilterSet):
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = GradeOverride
        fields = ["status", "grade", "enterprise"]


class BlacklistEntryFilterSet(django_filters.FilterSet):
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = BlacklistEntry
        fields = ["status", "ground", "enterprise"]


class CreditRepairFilterSet(django_filters.FilterSet):
    entry = IdFilter(field_name="entry_id", label=_("List entry"))
    enterprise = IdFilter(field_name="entry__enterprise_id", label=_("Enterprise"))

    class Meta:
        model = CreditRepair
        fields = ["status", "entry", "enterprise"]


class RiskWarningFilterSet(django_filters.FilterSet):
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
