"""Classified supervision (分类监管): how much each enterprise of a pool weighs in the draw."""

from collections.abc import Iterable

from django.conf import settings

from credit.selectors import current_grades


def grade_weight(grade: str | None, *, flagged: bool) -> int:
    """Grade A is out of routine draws (weight 0) unless flagged by a complaint, referral or alert, when it weighs
    like B; C weighs more; an enterprise without a grade weighs like B."""
    weights = settings.DRAW_GRADE_WEIGHTS
    if grade == "A" and flagged:
        return weights["B"]
    return weights.get(grade or "B", weights["B"])


def pool_weights(enterprise_ids: Iterable[int], *, flagged: set[int]) -> dict[int, int]:
    ids = list(enterprise_ids)
    grades = current_grades(ids)
    return {pk: grade_weight(grades.get(pk), flagged=pk in flagged) for pk in ids}
