"""The net-content verdict of a lot of prepackaged goods (定量包装商品净含量, JJF 1070), pure and exact (Decimal).

The tables are data (metrology/data/jjf1070.json, with their sources):
- the sampling plan by lot size N: the sample size n (the whole lot up to 10), the correction factor lambda, and the
  number c of units allowed to be short by more than the tolerable shortfall T (never by more than 2T);
- T by nominal quantity Qn: a percentage of Qn or an absolute amount, by range (each range is "above, up to",
  its upper bound included, as Order 75 Annex 3 writes 0~50, 50~100, ...). A percentage of a mass or volume is
  rounded to 0.1 g (ml) up to 1 kg (L) and to 1 g (ml) above; of a count, up to the next whole unit.

The lot passes when (1) the mean actual content is at least Qn - lambda * s (s: the sample standard deviation; no
correction for a lot of 10 or fewer, where every unit is tested), (2) at most c units are short by more than T, and
(3) no unit is short by more than 2T."""

import json
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TABLES = Path(__file__).resolve().parent / "data" / "jjf1070.json"
QUANTITY_KINDS = ("mass_volume", "length", "area", "count")


@cache
def tables() -> dict:
    return json.loads(TABLES.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SamplingPlan:
    sample_size: int
    correction: Decimal | None
    allowed_short: int


def sampling_plan(lot_size: int) -> SamplingPlan:
    """The plan for a lot of `lot_size` units."""
    if lot_size < 1:
        raise ValidationError({"lot_size": _("A lot has at least one unit.")})
    for row in tables()["sampling_plans"]:
        if row["lot_from"] <= lot_size and (row["lot_to"] is None or lot_size <= row["lot_to"]):
            return SamplingPlan(
                sample_size=row["sample_size"] or lot_size,
                correction=Decimal(row["correction"]) if row["correction"] else None,
                allowed_short=row["allowed_short"],
            )
    raise ValidationError({"lot_size": _("No sampling plan for this lot size.")})


def tolerable_shortfall(nominal: Decimal, kind: str = "mass_volume") -> Decimal:
    """T for a nominal quantity (g or ml; m; the area's own unit; units counted)."""
    if kind not in QUANTITY_KINDS:
        raise ValidationError({"quantity_kind": _("Unknown kind of quantity.")})
    if nominal <= 0:
        raise ValidationError({"nominal": _("The nominal quantity is above zero.")})
    for row in tables()["tolerances"][kind]:
        if nominal > Decimal(row["above"]) and (row["up_to"] is None or nominal <= Decimal(row["up_to"])):
            if row["absolute"] is not None:
                return Decimal(row["absolute"])
            value = nominal * Decimal(row["percent"]) / 100
            if kind == "count":
                return value.to_integral_value(rounding=ROUND_CEILING)
            if kind != "mass_volume":
                return value
            step = Decimal("0.1") if nominal <= 1000 else Decimal("1")
            return value.quantize(step, rounding=ROUND_HALF_EVEN)  # GB/T 8170 rounding
    raise ValidationError({"nominal": _("Beyond the table of tolerable shortfalls (JJF 1070).")})


@dataclass(frozen=True)
class Verdict:
    plan: SamplingPlan
    tolerance: Decimal
    mean: Decimal
    std_dev: Decimal
    mean_limit: Decimal
    short_count: int  # short by more than T
    gross_short_count: int  # short by more than 2T
    mean_ok: bool
    count_ok: bool
    passed: bool


def _std_dev(values: list[Decimal], mean: Decimal) -> Decimal:
    if len(values) < 2:
        return Decimal(0)
    variance = sum((value - mean) ** 2 for value in values) / (len(values) - 1)
    return Decimal(math.sqrt(variance)) if variance else Decimal(0)


def net_content_verdict(
    *, lot_size: int, nominal: Decimal, contents: list[Decimal], kind: str = "mass_volume"
) -> Verdict:
    """Judge a lot from its sample's actual contents (one per unit, as many as the plan's sample size)."""
    plan = sampling_plan(lot_size)
    tolerance = tolerable_shortfall(nominal, kind)
    if len(contents) != plan.sample_size:
        raise ValidationError(
            {
                "contents": _("Enter %(n)d units' actual contents (the sample size for this lot).")
                % {"n": plan.sample_size}
            }
        )
    if any(value < 0 for value in contents):
        raise ValidationError({"contents": _("An actual content cannot be negative.")})
    mean = sum(contents, Decimal(0)) / len(contents)
    std_dev = _std_dev(contents, mean)
    mean_limit = nominal - (plan.correction * std_dev if plan.correction is not None else 0)
    short = sum(1 for value in contents if nominal - value > tolerance)
    gross = sum(1 for value in contents if nominal - value > 2 * tolerance)
    mean_ok = mean >= mean_limit
    count_ok = short <= plan.allowed_short and gross == 0
    return Verdict(plan, tolerance, mean, std_dev, mean_limit, short, gross, mean_ok, count_ok, mean_ok and count_ok)
