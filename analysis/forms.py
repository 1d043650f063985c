"""The dashboard's filters: a range of quarters and a district."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from analysis.quarters import Quarter
from analysis.selectors import DEFAULT_QUARTERS, DashboardFilters
from enterprises.selectors import districts

YEARS_OFFERED = 10


def quarter_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The quarters one may choose, newest first: this one and those of the YEARS_OFFERED years before."""
    latest = Quarter.of(today)
    first = Quarter(latest.year - YEARS_OFFERED, 1)
    return [
        (quarter.value, quarter.label)
        for quarter in (latest.shifted(-n) for n in range(latest.index - first.index + 1))
    ]


class DashboardFilterForm(forms.Form):
    start = forms.ChoiceField(label=_("From quarter"), required=False)
    end = forms.ChoiceField(label=_("To quarter"), required=False)
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=districts(), empty_label=_("Whole city")
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        default = DashboardFilters.default(today)
        choices = quarter_choices(today)
        self.fields["start"].choices = choices
        self.fields["end"].choices = choices
        self.fields["start"].initial = default.start.value
        self.fields["end"].initial = default.end.value

    def clean(self):
        data = super().clean()
        start, end = Quarter.parse(data.get("start") or ""), Quarter.parse(data.get("end") or "")
        if start and end and start > end:
            self.add_error("end", _("The last quarter cannot come before the first."))
        return data

    def filters(self) -> DashboardFilters:
        """The filters chosen. What is left empty takes its default (up to this quarter, from eight quarters before
        the last one, the whole city); what is invalid shows its error and takes its default too, so the page always
        shows something."""
        default = DashboardFilters.default(self.today)
        if not self.is_bound:
            return default
        self.is_valid()  # the valid fields stay in cleaned_data
        data = self.cleaned_data
        if {"start", "end"} & set(self.errors):
            start, end = default.start, default.end
        else:
            end = Quarter.parse(data.get("end") or "") or default.end
            start = Quarter.parse(data.get("start") or "") or end.shifted(1 - DEFAULT_QUARTERS)
        return DashboardFilters(start=start, end=end, district=data.get("district"))
