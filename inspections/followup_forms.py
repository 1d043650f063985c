"""Forms of the follow-up's later steps: the report to the provincial bureau and its notice, the decisions a leader
takes on proposals (with the hearing), and the referral to revoke the business licence. Each only reads the
input; the service checks it against the record and the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT

TEXT = 10_000


class ProvinceReportSentForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE_INPUT)
    reference = forms.CharField(label=_("Dispatch reference"), max_length=100, required=False)


class ProvincialNoticeForm(forms.Form):
    notice_on = forms.DateField(
        label=_("Notice date"), widget=DATE_INPUT, help_text=_("The second re-check window counts from this day.")
    )
    reference = forms.CharField(label=_("Notice reference"), max_length=200)
    url = forms.URLField(label=_("Notice address"), max_length=500, required=False, assume_scheme="https")


class ReferralForm(forms.Form):
    authority = forms.CharField(label=_("Receiving authority"), max_length=200)
    referred_on = forms.DateField(label=_("Referred on"), widget=DATE_INPUT)
    reference = forms.CharField(label=_("Referral reference"), max_length=100)


class HearingForm(forms.Form):
    notified_on = forms.DateField(label=_("Right to a hearing notified on"), widget=DATE_INPUT, required=False)
    requested = forms.BooleanField(label=_("The enterprise asked for a hearing"), required=False)
    held_on = forms.DateField(label=_("Hearing held on"), widget=DATE_INPUT, required=False)


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve and record the decision")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("Opinion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT,
        required=False,
        help_text=_("Required when rejecting."),
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_on = forms.DateField(label=_("Decision date"), widget=DATE_INPUT, required=False)
    period_end = forms.DateField(
        label=_("Rectification period ends"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("An order to suspend and rectify only."),
    )
    amount = forms.DecimalField(label=_("Fine (yuan)"), max_digits=12, decimal_places=2, min_value=0, required=False)
    measures = forms.CharField(
        label=_("Measures"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT, required=False
    )


class ProposeAgainForm(forms.Form):
    grounds = forms.CharField(label=_("Facts and grounds"), widget=forms.Textarea(attrs={"rows": 6}), max_length=TEXT)
