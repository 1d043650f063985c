"""The scoring model: the version in force, every version with its weights, and a leader's new version."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.decorators import rule_required
from core.pages import form_page
from credit import services
from credit.forms import ScoringModelForm
from credit.indicators import GRADE, INDICATORS, RISK
from credit.models import ScoringModel


@dataclass(frozen=True)
class WeightRow:
    code: str
    label: str | Promise
    unit: str | Promise
    points: float | None
    cap: float | None
    veto: bool = False


def weight_rows(weights: dict, kind: str) -> list[WeightRow]:
    """Every indicator of `kind` with its weight in this version (none: it does not count), then any weight a
    version gives an indicator no longer known, under its code."""
    rows = []
    for indicator in INDICATORS.values():
        if indicator.kind != kind:
            continue
        weight = weights.get(indicator.code) or {}
        rows.append(
            WeightRow(
                indicator.code,
                indicator.label,
                indicator.unit,
                weight.get("points"),
                weight.get("cap"),
                indicator.veto,
            )
        )
    for code, weight in weights.items():
        if code not in INDICATORS:
            rows.append(WeightRow(code, code, "", (weight or {}).get("points"), (weight or {}).get("cap")))
    return rows


def _versions():
    return ScoringModel.objects.select_related("created_by")


def _described(model: ScoringModel | None) -> dict:
    if model is None:
        return {"model": None}
    return {
        "model": model,
        "weights": weight_rows(model.weights, GRADE),
        "risk_weights": weight_rows(model.risk_weights, RISK),
    }


@rule_required("credit.view_model")
def model_index(request):
    today = timezone.localdate()
    in_force = ScoringModel.objects.select_related("created_by").in_force(today)
    context = {**_described(in_force), "in_force": in_force, "versions": _versions(), "today": today}
    return render(request, "credit/model_index.html", context)


@rule_required("credit.view_model")
def model_detail(request, version: int):
    model = get_object_or_404(_versions(), version=version)
    in_force = ScoringModel.objects.in_force(timezone.localdate())
    return render(request, "credit/model_detail.html", {**_described(model), "in_force": in_force})


@rule_required("credit.change_model")
def model_create(request):
    today = timezone.localdate()
    base = ScoringModel.objects.in_force(today) or ScoringModel.objects.first()
    form = ScoringModelForm(request.POST or None, base=base, today=today)
    return form_page(
        request,
        form,
        title=_("New version of the scoring model"),
        save=lambda f: services.scoring_model_create(actor=request.user, values=f.values(), today=today),
        back=reverse("credit:model_index"),
        done=_("The new version is issued. Grades follow it from its effective date."),
        template="credit/model_form.html",
        base=base,
    )
