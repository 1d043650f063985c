"""Filters of brands, one per model, shared by the staff pages and the API. Enterprises, calls and other records are
filtered by id as a plain number (see core.filters.IdFilter): a filter must not tell a user which ids exist beyond
those they may see."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from brands.choices import ProgrammeKind
from brands.forms import staff_users
from brands.models import (
    Application,
    CultivationTarget,
    Honour,
    Notice,
    Objection,
    Programme,
    ReviewAssignment,
    RevocationProposal,
)
from core.filters import IdFilter
from core.forms import ALL, RowChoices


class CultivationTargetFilterSet(django_filters.FilterSet):
    """The target list and the targets API. The page offers the officers as a list and keeps an enterprise filter
    (a link from the enterprise's file) as a hidden field."""

    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"), widget=forms.HiddenInput)
    officer = IdFilter(
        field_name="officer_id",
        label=_("Responsible officer"),
        widget=forms.Select(choices=RowChoices(staff_users, label=User.get_full_name)),
    )

    class Meta:
        model = CultivationTarget
        fields = ["year", "category", "officer", "status", "enterprise"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].field_class = forms.IntegerField  # a year, as the page always asked
        self.filters["year"].extra.update(min_value=2000, max_value=2100)
        for name in ("category", "status"):
            self.filters[name].extra["empty_label"] = ALL


class ProgrammeFilterSet(django_filters.FilterSet):
    class Meta:
        model = Programme
        fields = ["kind", "year", "status"]


class ApplicationFilterSet(django_filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("Programme"))
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = Application
        fields = ["programme", "enterprise", "status", "stage", "eligible"]


class ReviewAssignmentFilterSet(django_filters.FilterSet):
    application = IdFilter(field_name="application_id", label=_("Application"))
    programme = IdFilter(field_name="application__programme_id", label=_("Programme"))

    class Meta:
        model = ReviewAssignment
        fields = ["status", "stage", "application", "programme"]


class NoticeFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="programme__kind", choices=ProgrammeKind.choices, label=_("Programme")
    )
    year = django_filters.NumberFilter(field_name="programme__year", label=_("Year"))

    class Meta:
        model = Notice
        fields = ["kind", "year"]


class ObjectionFilterSet(django_filters.FilterSet):
    notice = IdFilter(field_name="notice_id", label=_("Notice"))
    application = IdFilter(field_name="application_id", label=_("Application"))

    class Meta:
        model = Objection
        fields = ["status", "notice", "application"]


class HonourFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="programme__kind", choices=ProgrammeKind.choices, label=_("Programme")
    )
    year = django_filters.NumberFilter(field_name="programme__year", label=_("Year"))

    class Meta:
        model = Honour
        fields = ["status", "kind", "year"]


class RevocationProposalFilterSet(django_filters.FilterSet):
    honour = IdFilter(field_name="honour_id", label=_("Honour"))

    class Meta:
        model = RevocationProposal
        fields = ["status", "cause", "honour"]
