from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.credit_code import normalise_credit_code
from core.files import UploadsField
from core.forms import DATE_INPUT, FreeTextField
from enterprises.choices import (
    ABOLISHED_LICENCE_KINDS,
    NEW_LICENCE_KIND_CHOICES,
    OWN_STANDARD_KINDS,
    StandardKind,
    abolished_kind_message,
)
from enterprises.models import (
    CONTACT_FIELDS,
    IDENTITY_FIELDS,
    SELF_REPORT_FIELDS,
    Enterprise,
    Interview,
    Licence,
    Penalty,
    Product,
    QualityStaff,
    ResponsibilityArea,
    SelfReport,
    Standard,
)


class EnterpriseForm(forms.ModelForm):
    """The whole file header, kept by bureau staff."""

    class Meta:
        model = Enterprise
        fields = [*IDENTITY_FIELDS, *CONTACT_FIELDS]
        widgets = {"established_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ResponsibilityArea.objects.select_related("district")

    def clean_credit_code(self) -> str:
        return normalise_credit_code(self.cleaned_data["credit_code"])

    def clean_established_on(self):
        established_on = self.cleaned_data["established_on"]
        if established_on and established_on > timezone.localdate():
            raise forms.ValidationError(_("The date of establishment cannot be in the future."))
        return established_on


class ContactForm(forms.ModelForm):
    """What an enterprise may change in its own file."""

    class Meta:
        model = Enterprise
        fields = list(CONTACT_FIELDS)


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "specification", "trademark", "standards"]
        widgets = {"standards": forms.CheckboxSelectMultiple}

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        # Public standards, and the enterprise standards this enterprise itself has declared or filed.
        self.fields["standards"].queryset = Standard.objects.filter(Q(owner__isnull=True) | Q(owner=enterprise))


class QualityStaffForm(forms.ModelForm):
    class Meta:
        model = QualityStaff
        fields = ["name", "position", "phone", "qualification", "is_chief_quality_officer", "left_on"]
        widgets = {"left_on": DATE_INPUT}


class OwnStandardForm(forms.ModelForm):
    """An enterprise's own standard: self-declared and published (自我声明公开) with its publication date, or, for a
    food-safety enterprise standard, filed (备案) with its filing number and date. Its code starts with Q/, so an
    enterprise cannot claim the code of a national, industry or group standard."""

    kind = forms.TypedChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in OWN_STANDARD_KINDS],
        initial=StandardKind.ENTERPRISE,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Standard
        fields = ["code", "title", "kind", "published_on", "filing_number", "filed_on"]
        widgets = {"published_on": DATE_INPUT, "filed_on": DATE_INPUT}

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.upper().startswith("Q/"):
            raise forms.ValidationError(_("An enterprise standard's code starts with Q/, e.g. Q/YYHC 0001S-2026."))
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == StandardKind.FOOD_SAFETY:
            required = ("filing_number", "filed_on")
            cleaned["published_on"] = None
        else:
            required = ("published_on",)
            cleaned["filing_number"], cleaned["filed_on"] = "", None
        for name in required:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        for name in ("published_on", "filed_on"):
            if cleaned.get(name) and cleaned[name] > timezone.localdate():
                self.add_error(name, _("The date cannot be in the future."))
        return cleaned


class LicenceForm(forms.ModelForm):
    """A licence recorded by staff. The abolished kinds (the measuring-instrument manufacturing licence, 2017) are
    not offered for a new licence; an existing one keeps its kind when corrected."""

    class Meta:
        model = Licence
        fields = ["kind", "number", "scope", "issued_on", "expires_on"]
        widgets = {"issued_on": DATE_INPUT, "expires_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance.pk and self.instance.is_abolished):
            self.fields["kind"].choices = [("", "---------"), *NEW_LICENCE_KIND_CHOICES]

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        if kind in ABOLISHED_LICENCE_KINDS and not (self.instance.pk and self.instance.kind == kind):
            raise forms.ValidationError(abolished_kind_message(kind))
        return kind


class LicenceRevocationForm(forms.Form):
    """The issuing authority's revocation of a licence: it stays on file, marked revoked."""

    revoked_on = forms.DateField(label=_("Revoked on"), widget=DATE_INPUT)
    revocation_reason = FreeTextField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 3}))


class PenaltyForm(forms.ModelForm):
    class Meta:
        model = Penalty
        fields = ["decision_number", "decided_on", "grounds", "amount", "is_heavier"]
        field_classes = {"grounds": FreeTextField}
        widgets = {"decided_on": DATE_INPUT, "grounds": forms.Textarea(attrs={"rows": 3})}


class InterviewForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["held_on", "reason", "attendees", "outcome"]
        field_classes = {"outcome": FreeTextField, "reason": FreeTextField}
        widgets = {
            "held_on": DATE_INPUT,
            "reason": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }


class SelfReportForm(forms.ModelForm):
    attachments = UploadsField(label=_("Attachments"), required=False)

    class Meta:
        model = SelfReport
        fields = list(SELF_REPORT_FIELDS)
        field_classes = {"findings": FreeTextField}
        widgets = {"findings": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, resubmission: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if resubmission:  # a corrected report stays in its quarter
            for name in ("year", "quarter"):
                self.fields[name].disabled = True

    def report_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
    )
    comment = FreeTextField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what the enterprise must correct."))
        return cleaned
