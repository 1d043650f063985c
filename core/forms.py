"""Form pieces shared by every app's forms and FilterSets."""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.credit_code import normalise_credit_code, validate_credit_code
from core.hygiene import TEXT_MAX_LENGTH

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE = forms.Textarea(attrs={"rows": 3})
ALL = _("All")


class FreeTextField(forms.CharField):
    """Free text (a reason, a note, findings, a statement): at most TEXT_MAX_LENGTH characters unless a smaller
    bound is given, stated on the widget and checked with a field error. Used for declared form fields and, through
    a ModelForm's `Meta.field_classes`, for model TextFields (which carry no length of their own)."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(max_length=max_length or TEXT_MAX_LENGTH, **kwargs)


class CreditCodeField(forms.CharField):
    """An enterprise named by its unified social credit code: the code is checked (GB 32100) and the enterprise
    found among `queryset`, which the form passes in (core does not know the register: the caller hands it the
    enterprises it may name, e.g. from `enterprises.selectors`). Cleans to the enterprise, or None when left empty
    on an optional field. The code is read through `normalise_credit_code` (full-width, spaces, case)."""

    default_error_messages = {"unknown": _("No enterprise on file has this credit code.")}

    def __init__(self, *, queryset: QuerySet | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)
        self.queryset = queryset

    def to_python(self, value: Any) -> str:
        return normalise_credit_code(super().to_python(value))

    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            validate_credit_code(value)

    def clean(self, value: Any) -> Model | None:
        code = super().clean(value)
        if not code:
            return None
        enterprise = self.queryset.filter(credit_code=code).first() if self.queryset is not None else None
        if enterprise is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return enterprise


class YesNoSelect(forms.NullBooleanSelect):
    """All / Yes / No for a boolean filter, sent as 1 and 0 (true and false are read too, as the API sends them)."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", ALL), ("1", _("Yes")), ("0", _("No"))]

    def format_value(self, value: Any) -> str:
        return {True: "1", False: "0", "1": "1", "0": "0", "true": "1", "false": "0"}.get(value, "")

    def value_from_datadict(self, data, files, name: str) -> bool | None:
        value = data.get(name)
        return {"1": True, "true": True, "True": True, "0": False, "false": False, "False": False}.get(value)


class RowChoices(BaseChoiceIterator):
    """Choices for a select over some rows (an id filter shown as a list), read when the select is first drawn and
    then kept: a form copies its widgets, so each form reads the rows at most once, and a form never drawn (the
    API's) not at all."""

    def __init__(
        self, rows: Callable[[], Iterable[Model]], *, label: Callable[[Model], str] = str, empty_label: Any = ALL
    ) -> None:
        self.rows, self.label, self.empty_label = rows, label, empty_label
        self._choices: list[tuple[Any, str]] | None = None

    def __iter__(self):
        if self._choices is None:
            self._choices = [("", self.empty_label), *((row.pk, self.label(row)) for row in self.rows())]
        yield from self._choices


class PaperServiceForm(forms.Form):
    """Staff record a paper or in-person delivery of a notice: the day the enterprise signed the receipt, and its
    scan (checked by core.notices: a PDF or a photo within the upload limit)."""

    received_on = forms.DateField(label=_("Receipt signed on"), widget=DATE_INPUT)
    proof = forms.FileField(label=_("Scan of the signed receipt"), max_length=255, help_text=_("PDF, JPEG or PNG."))
