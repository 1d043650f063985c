"""Forms of the credit pages. They only collect and parse input: every rule is checked by credit.services, whose
errors land back on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.files import UploadsField
from core.forms import DATE_INPUT, NOTE, CreditCodeField, FreeTextField
from credit.choices import Grade
from credit.indicators import GRADE, INDICATORS, RISK, Indicator
from credit.models import STATEMENT_MAX, ListingGround, ScoringModel
from enterprises.selectors import enterprises_on_file, penalty_by_decision_number


class RecencyFactorsField(forms.CharField):
    """Comma-separated factors (full-width commas too), one per year of the look-back window."""

    def to_python(self, value) -> list[float]:
        text = super().to_python(value).replace("，", ",")
        try:
            return [float(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Write numbers separated by commas, e.g. 1, 0.6, 0.3.")) from None

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(f"{float(factor):g}" for factor in value)
        return value


class ScoringModelForm(forms.Form):
    """A new version of the scoring model, prefilled from the version in force: the scalar rules, then a points
    and a cap field per indicator (`points_<code>`, `cap_<code>`)."""

    effective_from = forms.DateField(label=_("Effective from"), widget=DATE_INPUT)
    lookback_years = forms.IntegerField(label=_("Look-back window (years)"), min_value=1, max_value=10)
    recency_factors = RecencyFactorsField(
        label=_("Recency factors"),
        max_length=200,
        help_text=_("One factor between 0 and 1 per year of age of a spot-check verdict, newest year first."),
    )
    base_score = forms.FloatField(label=_("Base score"), min_value=0, max_value=100)
    grade_a_min = forms.FloatField(label=_("Grade A from"), min_value=0, max_value=100)
    grade_b_min = forms.FloatField(label=_("Grade B from"), min_value=0, max_value=100)
    a_needs_conforming_check = forms.BooleanField(
        label=_("Grade A needs a conforming spot check"),
        required=False,
        help_text=_("Without one in the look-back window the grade is B at most, whatever the honours."),
    )
    draw_weight_a = forms.IntegerField(label=_("Draw weight of grade A"), min_value=1, max_value=100)
    draw_weight_b = forms.IntegerField(label=_("Draw weight of grade B"), min_value=1, max_value=100)
    draw_weight_c = forms.IntegerField(
        label=_("Draw weight of grade C"),
        min_value=1,
        max_value=100,
        help_text=_("Every grade is drawn (no exemption): A lowered, C raised, each above zero."),
    )
    note = FreeTextField(label=_("What changed and why"), widget=NOTE)

    DRAW_WEIGHTS = {"A": "draw_weight_a", "B": "draw_weight_b", "C": "draw_weight_c"}
    SCALARS = (
        "effective_from",
        "lookback_years",
        "recency_factors",
        "base_score",
        "grade_a_min",
        "grade_b_min",
        "a_needs_conforming_check",
        *DRAW_WEIGHTS.values(),
    )

    def __init__(self, *args, base: ScoringModel | None = None, today=None, **kwargs):
        if base is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "effective_from": today,
                "lookback_years": base.lookback_years,
                "recency_factors": base.recency_factors,
                "base_score": base.base_score,
                "grade_a_min": base.grade_a_min,
                "grade_b_min": base.grade_b_min,
                "a_needs_conforming_check": base.a_needs_conforming_check,
                **{field: base.draw_weights.get(grade) for grade, field in self.DRAW_WEIGHTS.items()},
            }
        super().__init__(*args, **kwargs)
        for indicator in INDICATORS.values():
            weights = (base.weights if indicator.kind == GRADE else base.risk_weights) if base else {}
            weight = weights.get(indicator.code) or {}
            points_label = _("Points: %s") % indicator.label
            cap_label = _("Cap: %s") % indicator.label
            self.fields[f"points_{indicator.code}"] = forms.FloatField(
                label=points_label,
                initial=weight.get("points", 0),
                widget=forms.NumberInput(attrs={"step": "any", "aria-label": points_label}),
            )
            self.fields[f"cap_{indicator.code}"] = forms.FloatField(
                label=cap_label,
                required=False,
                min_value=0,
                initial=weight.get("cap"),
                widget=forms.NumberInput(attrs={"step": "any", "aria-label": cap_label}),
            )

    def scalar_fields(self) -> list:
        return [self[name] for name in self.SCALARS]

    def _rows(self, kind: str) -> list[tuple[Indicator, forms.BoundField, forms.BoundField]]:
        return [
            (indicator, self[f"points_{indicator.code}"], self[f"cap_{indicator.code}"])
            for indicator in INDICATORS.values()
            if indicator.kind == kind
        ]

    def grade_rows(self):
        return self._rows(GRADE)

    def risk_rows(self):
        return self._rows(RISK)

    def _weights(self, kind: str) -> dict:
        data = self.cleaned_data
        return {
            indicator.code: {"points": data[f"points_{indicator.code}"], "cap": data[f"cap_{indicator.code}"]}
            for indicator in INDICATORS.values()
            if indicator.kind == kind
        }

    def values(self) -> dict:
        """The `values` of credit.services.scoring_model_create."""
        draw_fields = set(self.DRAW_WEIGHTS.values())
        return {
            **{name: self.cleaned_data[name] for name in self.SCALARS if name not in draw_fields},
            "draw_weights": {grade: self.cleaned_data[field] for grade, field in self.DRAW_WEIGHTS.items()},
            "weights": self._weights(GRADE),
            "risk_weights": self._weights(RISK),
            "note": self.cleaned_data["note"],
        }


class OverrideRequestForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade to apply"), choices=Grade.choices)
    reason = FreeTextField(label=_("Reason"), widget=NOTE)
    expires_on = forms.DateField(
        label=_("Expires on"), widget=DATE_INPUT, help_text=_("After this day the computed grade applies again.")
    )


DECISIONS = [("approve", _("Approve")), ("reject", _("Reject"))]


class DecisionForm(forms.Form):
    """Approve or reject, with a note (the service says when the note is required)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = FreeTextField(label=_("Note"), required=False, widget=NOTE)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class EndOverrideForm(forms.Form):
    reason = FreeTextField(label=_("Why it ends now"), required=False, widget=NOTE)


class NoteForm(forms.Form):
    note = FreeTextField(label=_("Note"), required=False, widget=NOTE)


class ListingProposalForm(forms.Form):
    """A proposal to put an enterprise on the serious-dishonesty list: the enterprise by its unified social credit
    code, the ground, the heavier administrative penalty decision it rests on (by its number) and the facts."""

    credit_code = CreditCodeField(label=_("Unified social credit code"), queryset=enterprises_on_file())
    ground = forms.ModelChoiceField(label=_("Ground"), queryset=ListingGround.objects.filter(active=True))
    penalty_number = forms.CharField(
        label=_("Heavier administrative penalty decision number"),
        max_length=64,
        help_text=_("The decision on the enterprise's file that the listing rests on."),
    )
    facts = FreeTextField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}))
    ERROR_FIELDS = {"penalty": "penalty_number"}

    def values(self) -> dict:
        """The `values` of credit.services.listing_propose (an unknown decision number is no penalty)."""
        enterprise = self.cleaned_data["credit_code"]
        return {
            "ground": self.cleaned_data["ground"],
            "penalty": penalty_by_decision_number(enterprise.pk, self.cleaned_data["penalty_number"]),
            "facts": self.cleaned_data["facts"],
        }


class ListingGroundForm(forms.ModelForm):
    class Meta:
        model = ListingGround
        fields = ["code", "title", "legal_basis", "order", "active"]
        field_classes = {"legal_basis": FreeTextField}


class NoticeForm(forms.Form):
    notice_number = forms.CharField(label=_("Notice number"), max_length=64)


class StatementForm(forms.Form):
    statement = forms.CharField(
        label=_("Statement and defence"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The facts, reasons and evidence the enterprise puts forward against the listing."),
    )


class ConsentForm(forms.Form):
    reference = forms.CharField(label=_("Upper-level consent reference"), max_length=64)
    consent_on = forms.DateField(label=_("Consent given on"), widget=DATE_INPUT)


LISTING_DECISIONS = [("list", _("List the enterprise")), ("not_list", _("Do not list"))]


class ListingDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=LISTING_DECISIONS, widget=forms.RadioSelect)
    reasons = FreeTextField(label=_("Reasons"), required=False, widget=NOTE)
    decision_number = forms.CharField(label=_("Listing decision number"), max_length=64, required=False)
    published_on = forms.DateField(
        label=_("Published on"), widget=DATE_INPUT, required=False, help_text=_("Today when left empty.")
    )

    @property
    def list_it(self) -> bool:
        return self.cleaned_data["decision"] == "list"


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class AttestForm(forms.Form):
    """Staff attest the conditions of early removal the record does not hold."""

    penalty_fulfilled = forms.ChoiceField(
        label=_("The obligations of the administrative penalty are fulfilled"), choices=YES_NO, widget=forms.RadioSelect
    )
    penalty_note = FreeTextField(label=_("How this was checked"), required=False, widget=NOTE)
    harm_removed = forms.ChoiceField(label=_("The harm caused is removed"), choices=YES_NO, widget=forms.RadioSelect)
    harm_note = FreeTextField(label=_("How this was checked"), required=False, widget=NOTE)

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "penalty_fulfilled": data["penalty_fulfilled"] == "yes",
            "penalty_note": data["penalty_note"],
            "harm_removed": data["harm_removed"] == "yes",
            "harm_note": data["harm_note"],
        }


class RepairForm(forms.Form):
    statement = forms.CharField(
        label=_("Measures taken"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("How the enterprise fulfilled the penalty and removed the harm, and what prevents a repeat."),
    )
    attachments = UploadsField(label=_("Attachments"), required=False)
