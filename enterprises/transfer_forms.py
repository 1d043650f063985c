"""The upload form for bulk imports of the register."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from enterprises.importing import FILE_TYPES, ImportKind


class RegisterImportForm(forms.Form):
    """A spreadsheet of enterprises or licences; a dry run (the default) checks it and writes nothing."""

    kind = forms.ChoiceField(
        label=_("The file holds"), choices=ImportKind.choices, initial=ImportKind.ENTERPRISES, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("Excel (.xlsx) or CSV, at most 10 MB and 20 000 rows; the header in row 1."),
        widget=forms.FileInput(attrs={"accept": ",".join(FILE_TYPES)}),
    )
    dry_run = forms.BooleanField(label=_("Dry run: check the file and write nothing"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; files of at most %(limit)s can be imported. Split it into smaller files."),
                code="too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            )
        if Path(upload.name).suffix.lower() not in FILE_TYPES:
            raise forms.ValidationError(_("Only Excel (.xlsx) and CSV (.csv) files can be imported."), code="file_type")
        return upload
