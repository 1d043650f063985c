import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.choices import LicenceKind
from enterprises.models import Enterprise, ResponsibilityArea


class EnterpriseFilterSet(django_filters.FilterSet):
    """The register's filters, shared by the HTML list and the API."""

    area = django_filters.ModelChoiceFilter(
        queryset=ResponsibilityArea.objects.select_related("district"), label=_("Responsibility area")
    )
    q = django_filters.CharFilter(method="filter_search", label=_("Name or credit code"))
    licence_kind = django_filters.ChoiceFilter(
        field_name="licences__kind", choices=LicenceKind.choices, label=_("Licence kind"), distinct=True
    )

    class Meta:
        model = Enterprise
        fields = ["district", "area", "industry", "scale", "status"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__istartswith=value.upper()))
