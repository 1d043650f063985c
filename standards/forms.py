"""Forms of the standardization pages. Standards are named by their number (the catalogue runs to thousands, too
many for a list): a number not on file is a field error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT, NOTE
from enterprises.choices import StandardKind, StandardStatus
from standards.choices import CheckOutcome, DeclarationPlatform, TargetMeasure
from standards.importing import normalise_number
from standards.models import StandardProject
from standards.selectors import standard_model

TEXT_LIMIT = 255


def _clean_text(value: str) -> str:
    if any(0xD800 <= ord(char) <= 0xDFFF or ord(char) == 0 for char in value):
        raise forms.ValidationError(_("This text holds characters that cannot be stored."))
    return value


class StandardNumberField(forms.CharField):
    """A standard on file named by its number; cleans to the standard (None when left empty on an optional field)."""

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)
        self.queryset = queryset

    def clean(self, value):
        number = normalise_number(_clean_text(super().clean(value) or ""))
        if not number:
            return None
        rows = self.queryset if self.queryset is not None else standard_model().objects.all()
        standard = rows.filter(code=number).first()
        if standard is None:
            raise forms.ValidationError(_("No standard with this number is on file."), code="unknown")
        return standard


class CatalogueLoadForm(forms.Form):
    file = forms.FileField(label=_("Catalogue file (.xlsx or .csv)"), max_length=255)
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False, initial=True)


class StandardForm(forms.Form):
    code = forms.CharField(label=_("Number"), max_length=64)
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (k.value, k.label) for k in StandardKind if k not in (StandardKind.ENTERPRISE, StandardKind.FOOD_SAFETY)
        ],
    )
    status = forms.ChoiceField(label=_("Status"), choices=StandardStatus.choices)
    successor = StandardNumberField(label=_("Replaced by (number)"), required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_INPUT)
    effective_on = forms.DateField(label=_("Effective from"), required=False, widget=DATE_INPUT)
    abolished_on = forms.DateField(label=_("Abolished on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, standard=None, **kwargs):
        super().__init__(*args, **kwargs)
        if standard is not None and standard.owner_id:
            self.fields["kind"].choices = [(standard.kind, standard.get_kind_display())]
            del self.fields["code"]

    def clean_code(self):
        return normalise_number(_clean_text(self.cleaned_data["code"]))

    def clean_title(self):
        return _clean_text(self.cleaned_data["title"])


class DeclarationForm(forms.Form):
    standard = StandardNumberField(label=_("Standard declared (number)"))
    declared_on = forms.DateField(label=_("Declared and published on"), widget=DATE_INPUT)
    platform = forms.ChoiceField(label=_("Published on"), choices=DeclarationPlatform.choices)
    url = forms.URLField(label=_("Address of the publication"), required=False, max_length=500, assume_scheme="https")
    claimed_standard = StandardNumberField(
        label=_("National standard it follows (number)"),
        required=False,
        queryset=standard_model().objects.filter(kind=StandardKind.NATIONAL),
    )

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprise is not None:
            from django.db.models import Q

            self.fields["standard"].queryset = standard_model().objects.filter(
                Q(kind=StandardKind.GROUP) | Q(kind=StandardKind.ENTERPRISE, owner=enterprise)
            )


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=128, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    declared_value = forms.DecimalField(label=_("Declared value"), max_digits=14, decimal_places=4, required=False)
    national_value = forms.DecimalField(
        label=_("National standard's value"), max_digits=14, decimal_places=4, required=False
    )
    higher_is_better = forms.BooleanField(label=_("Higher is better"), required=False, initial=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and cleaned.get("declared_value") is None:
            self.add_error("declared_value", _("Give the declared value."))
        if cleaned.get("name"):
            _clean_text(cleaned["name"])
        return cleaned


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=3, max_num=20)


class ProductStandardForm(forms.Form):
    new = StandardNumberField(label=_("New standard executed (number)"))


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CheckOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=NOTE)

    def clean_note(self):
        return _clean_text(self.cleaned_data["note"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=255)

    def clean_reason(self):
        return _clean_text(self.cleaned_data["reason"])


class ProjectForm(forms.ModelForm):
    class Meta:
        model = StandardProject
        fields = [
            "title",
            "number",
            "level",
            "role",
            "enterprise",
            "body",
            "district",
            "industry",
            "stage",
            "proposed_on",
            "published_on",
        ]
        widgets = {"proposed_on": DATE_INPUT, "published_on": DATE_INPUT, "enterprise": forms.NumberInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].required = False
        self.fields["district"].help_text = _("Taken from the enterprise when one is named.")

    def clean(self):
        cleaned = super().clean()
        enterprise = cleaned.get("enterprise")
        if enterprise is not None:
            cleaned["district"] = enterprise.district
        elif not cleaned.get("district"):
            self.add_error("district", _("Name the district of a body that is not an enterprise."))
        for name in ("title", "number", "body"):
            if cleaned.get(name):
                try:
                    _clean_text(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    measure = forms.ChoiceField(label=_("Measure"), choices=TargetMeasure.choices)
    target = forms.IntegerField(label=_("Target"), min_value=0, max_value=100_000)
