"""Forms of metrology's pages: thin, the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT
from core.hygiene import validate_encodable
from enterprises.selectors import districts, enterprises_on_file
from metrology.choices import VerificationResult
from metrology.importing import FILE_TYPES
from metrology.models import InstrumentCategory


def _text(label, max_length: int, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, validators=[validate_encodable], **kwargs
    )


class InstrumentForm(forms.Form):
    """What an owner files (强检备案); staff also choose the owner and the district."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=InstrumentCategory.objects.filter(active=True))
    location = _text(_("Location"), 255, help_text=_("e.g. the station's island 2, the market's stall 15"))
    maker = _text(_("Maker"), 128)
    model_name = _text(_("Model"), 64)
    serial = _text(_("Serial number"), 64)

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["enterprise"] = forms.ModelChoiceField(
                label=_("Owner (enterprise file)"), queryset=enterprises_on_file(), required=False
            )
            self.fields["owner_name"] = _text(
                _("Owner without a file (e.g. a market stall holder)"), 128, required=False
            )
            self.fields["district"] = forms.ModelChoiceField(
                label=_("District"),
                queryset=districts(),
                required=False,
                help_text=_("Blank: the owner's file's district."),
            )

    def clean(self):
        data = super().clean()
        if "enterprise" in self.fields and not data.get("enterprise") and not data.get("owner_name"):
            raise forms.ValidationError(_("Choose the owner's enterprise file, or give the owner's name."))
        return data


class InstrumentEditForm(forms.Form):
    location = _text(_("Location"), 255)
    maker = _text(_("Maker"), 128)
    model_name = _text(_("Model"), 64)
    serial = _text(_("Serial number"), 64)


class VerificationForm(forms.Form):
    verified_on = forms.DateField(label=_("Verified on"), widget=DATE_INPUT)
    result = forms.ChoiceField(label=_("Result"), choices=VerificationResult.choices)
    certificate_number = _text(_("Certificate number"), 64)
    institution = _text(_("Verification institution"), 128)
    valid_until_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Blank: the category's interval from the verification date."),
    )


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), 500, widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False, initial=True)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(FILE_TYPES):
            raise forms.ValidationError(_("Only Excel (.xlsx) and CSV (.csv) files can be imported."))
        return file


class CertificateLookupForm(forms.Form):
    number = _text(_("Certificate number"), 64)


class NetContentForm(forms.Form):
    """A lot's net-content test: one actual content per line (or separated by spaces or commas)."""

    quantity_kind = forms.ChoiceField(
        label=_("Kind of quantity"),
        choices=[
            ("mass_volume", _("Mass or volume (g, ml)")),
            ("length", _("Length (m)")),
            ("area", _("Area")),
            ("count", _("Count")),
        ],
    )
    lot_size = forms.IntegerField(label=_("Lot size (units)"), min_value=1, max_value=10_000_000)
    nominal = forms.DecimalField(label=_("Nominal quantity"), min_value=0, max_digits=12, decimal_places=3)
    contents = forms.CharField(
        label=_("Actual contents of the sampled units"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,  # the largest sample (80 units) needs a few hundred characters
        validators=[validate_encodable],
        help_text=_("One per unit, in the unit of the nominal quantity."),
    )

    def clean_contents(self):
        text = self.cleaned_data["contents"].replace(",", " ").replace("，", " ").replace("、", " ")
        return [part for part in text.split() if part]
