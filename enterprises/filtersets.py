import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.credit_code import ALPHABET as CREDIT_CODE_ALPHABET
from core.credit_code import normalise_credit_code
from enterprises.choices import ExpiryLevel, LicenceKind
from enterprises.models import Enterprise, Licence, ResponsibilityArea, expired_condition, expiring_condition

LICENCE_EXPIRY_CHOICES = [
    (ExpiryLevel.EXPIRED, _("A licence has expired")),
    (ExpiryLevel.WITHIN_30, _("A licence expires within 30 days")),
    (ExpiryLevel.WITHIN_90, _("A licence expires within 90 days")),
]


class EnterpriseFilterSet(django_filters.FilterSet):
    """The register's filters, shared by the HTML list and the API."""

    area = django_filters.ModelChoiceFilter(
        queryset=ResponsibilityArea.objects.select_related("district"), label=_("Responsibility area")
    )
    q = django_filters.CharFilter(method="filter_search", label=_("Name or credit code"))
    licence_kind = django_filters.ChoiceFilter(
        method="filter_licence_kind", choices=LicenceKind.choices, label=_("Licence kind")
    )
    licence_expiry = django_filters.ChoiceFilter(
        method="filter_licence_expiry", choices=LICENCE_EXPIRY_CHOICES, label=_("Licence expiry")
    )
    expiring_within = django_filters.NumberFilter(
        method="filter_expiring_within", min_value=0, max_value=3650, label=_("Licence expires within (days)")
    )

    class Meta:
        model = Enterprise
        fields = ["district", "area", "industry", "scale", "status"]

    def filter_licence_kind(self, queryset, name, value: str):
        return queryset.filter(Exists(Licence.objects.filter(enterprise=OuterRef("pk"), kind=value)))

    def filter_licence_expiry(self, queryset, name, value: str):
        today = timezone.localdate()
        if value == ExpiryLevel.EXPIRED:
            condition = expired_condition(today=today)
        else:
            condition = expiring_condition(30 if value == ExpiryLevel.WITHIN_30 else 90, today=today)
        return queryset.filter(Exists(Licence.objects.filter(condition, enterprise=OuterRef("pk"))))

    def filter_expiring_within(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(
            Exists(Licence.objects.filter(enterprise=OuterRef("pk")).expiring_within(int(value), today=today))
        )

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The name through its grams index (core.search); the code, stored upper-cased (normalise_credit_code), by
        # its prefix through the code's own index, when the text could begin one: a Chinese name never does, and
        # the name's index alone then answers (an OR with the code's range would make the database test every row).
        code = normalise_credit_code(value)
        if set(code) <= set(CREDIT_CODE_ALPHABET):
            return queryset.filter(Q(name__contains_text=value) | Q(credit_code__startswith=code))
        return queryset.filter(name__contains_text=value)
