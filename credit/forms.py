"""Forms of the credit pages. They only collect and parse input: every rule is checked by credit.services, whose
errors land back on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.files import UploadsField
from core.forms import DATE_INPUT, NOTE, CreditCodeField
from credit.choices import BlacklistGround, Grade
from credit.indicators import GRADE, INDICATORS, RISK, Indicator
from credit.models import ScoringModel
from enterprises.selectors import enterprises_on_file


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
    note = forms.CharField(label=_("What changed and why"), widget=NOTE)

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
    reason = forms.CharField(label=_("Reason"), widget=NOTE)
    expires_on = forms.DateField(
        label=_("Expires on"), widget=DATE_INPUT, help_text=_("After this day the computed grade applies again.")
    )


DECISIONS = [("approve", _("Approve")), ("reject", _("Reject"))]


class DecisionForm(forms.Form):
    """Approve or reject, with a note (the service says when the note is required)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class EndOverrideForm(forms.Form):
    reason = forms.CharField(label=_("Why it ends now"), required=False, widget=NOTE)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE)


class BlacklistEntryForm(forms.Form):
    """A new entry on the dishonesty list; the enterprise is named by its unified social credit code."""

    credit_code = CreditCodeField(label=_("Unified social credit code"), queryset=enterprises_on_file())
    ground = forms.ChoiceField(label=_("Ground"), choices=BlacklistGround.choices)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    published_on = forms.DateField(label=_("Published on"), widget=DATE_INPUT)
    is_food_or_special_equipment = forms.BooleanField(
        label=_("Food or special-equipment case"),
        required=False,
        help_text=_("Credit repair then waits 12 months, not 6."),
    )

    def values(self) -> dict:
        """The `values` of credit.services.blacklist_add."""
        names = ("ground", "facts", "decision_number", "published_on", "is_food_or_special_equipment")
        return {name: self.cleaned_data[name] for name in names}


class RepairForm(forms.Form):
    statement = forms.CharField(
        label=_("Measures taken"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the enterprise did to correct the dishonest conduct and prevent it happening again."),
    )
    attachments = UploadsField(label=_("Attachments"), required=False)
