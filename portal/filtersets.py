"""The public searches, one FilterSet per list, shared by the portal pages and the open-data API. They filter only
querysets that portal.selectors already limited to what is published; ids are plain numbers, so a filter never
tells which unpublished ids exist (an unknown campaign or enterprise simply matches nothing). Every filter is
declared, so no FilterSet names its model: the records belong to other apps, which portal reads only through their
selectors."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brands.choices import ProgrammeKind
from core.credit_code import ALPHABET as CREDIT_CODE_ALPHABET
from core.credit_code import LENGTH as CREDIT_CODE_LENGTH
from core.credit_code import normalise_credit_code
from core.filters import IdFilter
from inspections.choices import Verdict


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


def _name_or_credit_code(name_field: str, code_field: str, value: str) -> Q:
    """A name containing the text (ignoring case, through the name-grams index: core.search), or the exact unified
    social credit code (18 characters, upper case)."""
    value, code = value.strip(), normalise_credit_code(value)
    name = Q(**{f"{name_field}__contains_text": value})
    if len(code) == CREDIT_CODE_LENGTH and set(code) <= set(CREDIT_CODE_ALPHABET):  # else no code is equal to it
        return name | Q(**{code_field: code})
    return name


class PublicResultFilterSet(django_filters.FilterSet):
    """Published results by enterprise (name or credit code, as published), product, verdict, campaign and year."""

    enterprise = django_filters.CharFilter(
        method="filter_enterprise", max_length=128, label=_("Enterprise name or credit code")
    )
    enterprise_id = IdFilter(field_name="enterprise_id", label=_("Enterprise"))
    product = django_filters.CharFilter(
        field_name="product_name", lookup_expr="contains_text", max_length=128, label=_("Product")
    )
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label=_("Verdict"))
    campaign = IdFilter(field_name="campaign_id", label=_("Campaign"))
    year = YearFilter(field_name="year", label=_("Year"))  # the campaign's, copied when published

    def filter_enterprise(self, rows, name, value):
        return rows.filter(_name_or_credit_code("enterprise_name", "credit_code", value)) if value.strip() else rows


class PublicCampaignFilterSet(django_filters.FilterSet):
    year = YearFilter(field_name="year", label=_("Year"))


class PublicBlacklistFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=128, label=_("Enterprise, credit code or decision"))

    def filter_q(self, rows, name, value):
        return rows.search(value)


class PublicHonourFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", max_length=128, label=_("Enterprise, product or certificate number")
    )
    programme_kind = django_filters.ChoiceFilter(
        field_name="programme__kind", choices=ProgrammeKind.choices, label=_("Programme")
    )
    year = YearFilter(field_name="programme__year", label=_("Year"))
    enterprise_id = IdFilter(field_name="enterprise_id", label=_("Enterprise"))

    def filter_q(self, rows, name, value):
        return rows.search(value)


class PublicEnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=128, label=_("Enterprise name or credit code"))
    district = IdFilter(field_name="district_id", label=_("District"))
    listed = django_filters.BooleanFilter(field_name="is_listed", label=_("On the serious-dishonesty list"))

    def filter_q(self, rows, name, value):
        return rows.filter(_name_or_credit_code("name", "credit_code", value)) if value.strip() else rows
