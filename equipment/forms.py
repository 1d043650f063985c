"""Forms of the equipment pages. Each only reads the input; the services validate the rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT
from enterprises.selectors import districts, enterprise_by_credit_code
from equipment.choices import Conclusion, UnitStatus
from equipment.importing import ImportKind
from equipment.models import Category


class UnitForm(forms.Form):
    """A new unit. Staff name the using unit by its credit code and may take over a registered, inspected unit;
    a using unit enters only its own new unit, then applies for its registration."""

    equipment_code = forms.CharField(label=_("Equipment code"), max_length=32)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    using_unit = forms.CharField(
        label=_("Using unit's unified social credit code"), max_length=18, min_length=18, required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=districts(), required=False, help_text=_("Blank: the using unit's district.")
    )
    address = forms.CharField(label=_("Address"), max_length=255)
    building = forms.CharField(label=_("Building or place"), max_length=128, required=False)
    maker = forms.CharField(label=_("Maker"), max_length=128, required=False)
    model_name = forms.CharField(label=_("Model"), max_length=64, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    made_on = forms.DateField(label=_("Date made"), required=False, widget=DATE_INPUT)
    installed_on = forms.DateField(label=_("Date installed"), required=False, widget=DATE_INPUT)
    put_into_use_on = forms.DateField(label=_("Date put into use"), widget=DATE_INPUT)
    registration_number = forms.CharField(label=_("Use-registration certificate number"), max_length=32, required=False)
    last_inspected_on = forms.DateField(label=_("Last periodic inspection"), required=False, widget=DATE_INPUT)
    last_conclusion = forms.ChoiceField(
        label=_("Its conclusion"), choices=[("", "—"), *Conclusion.choices], required=False
    )

    STAFF_ONLY = ("using_unit", "registration_number", "last_inspected_on", "last_conclusion")

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        if staff:
            self.fields["using_unit"].required = True
        else:
            for name in self.STAFF_ONLY:
                del self.fields[name]

    def clean_using_unit(self):
        code = self.cleaned_data.get("using_unit")
        if not self.staff or not code:
            return None
        enterprise = enterprise_by_credit_code(code)
        if enterprise is None:
            raise ValidationError(_("No enterprise with this credit code is on file."))
        return enterprise

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class ApplyForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(forms.Form):
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=32)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE_INPUT)
    report_number = forms.CharField(label=_("Report number"), max_length=64)
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    institution = forms.CharField(label=_("Inspection institution"), max_length=128, required=False)
    defects = forms.CharField(
        label=_("Defects"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_due_on = forms.DateField(
        label=_("Next inspection due"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Blank: the inspection date plus the category's interval."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=UnitStatus.choices)
    since = forms.DateField(label=_("Since"), required=False, widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportKind.choices, widget=forms.RadioSelect, initial=ImportKind.UNITS
    )
    file = forms.FileField(label=_("File"), help_text=_("Excel (.xlsx) or CSV (.csv), at most 20 000 rows."))
    dry_run = forms.BooleanField(label=_("Dry run: check the file without writing anything"), required=False)


class PublicLookupForm(forms.Form):
    number = forms.CharField(label=_("Use-registration certificate number"), max_length=32)


class OperatorForm(forms.Form):
    """An operator and their certificate; staff name the using unit by its credit code, a using unit adds its own."""

    using_unit = forms.CharField(label=_("Using unit's unified social credit code"), max_length=18, min_length=18)
    name = forms.CharField(label=_("Name"), max_length=64)
    category = forms.ModelChoiceField(label=_("Certificate for"), queryset=Category.objects.all())
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=32)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE_INPUT)
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=DATE_INPUT, help_text=_("Blank: four years after issue.")
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        if not staff:
            del self.fields["using_unit"]

    def clean_using_unit(self):
        enterprise = enterprise_by_credit_code(self.cleaned_data["using_unit"])
        if enterprise is None:
            raise ValidationError(_("No enterprise with this credit code is on file."))
        return enterprise
