"""Classified supervision (分类监管): how much each enterprise of a pool weighs in the draw, by credit grade and
short-term risk."""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet

from credit.selectors import alerted, current_grades_and_risks


def grade_weight(grade: str | None, risk: float = 0, *, flagged: bool) -> int:
    """Grade A is out of routine draws (weight 0) unless flagged by a complaint, referral or alert, when it weighs
    like B; C weighs more; an enterprise without a grade weighs like B. A drawable enterprise whose risk score
    reaches RISK_HIGH gets DRAW_RISK_BONUS extra tickets."""
    weights = settings.DRAW_GRADE_WEIGHTS
    if grade == "A" and flagged:
        weight = weights["B"]
    else:
        weight = weights.get(grade or "B", weights["B"])
    if weight and risk >= settings.RISK_HIGH:
        weight += settings.DRAW_RISK_BONUS
    return weight


def pool_weights(enterprise_ids: Iterable[int], *, flagged: set[int]) -> dict[int, int]:
    """Weights for a pool; an open risk warning flags an enterprise like a referral (an alert)."""
    ids = list(enterprise_ids)
    among = enterprise_ids if isinstance(enterprise_ids, QuerySet) else ids  # a pool query stays a subquery
    graded = current_grades_and_risks(among)
    flagged = flagged | alerted(among)
    return {pk: grade_weight(*graded.get(pk, (None, 0)), flagged=pk in flagged) for pk in ids}
