"""Classified supervision (分类监管): which stratum each enterprise of a pool is drawn in, and its tickets there.

Every class is drawn (免检, exemption from inspection, was abolished): the strata weigh by the draw weights of the
scoring model in force (credit.selectors.draw_weights; default A 1, B 3, C 9), all above zero, and the draw gives
each stratum its batches by those weights (inspections.draw.allocate)."""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet

from credit.selectors import alerted, current_grades_and_risks

UNGRADED_STRATUM = "B"  # an enterprise not graded yet is drawn with grade B: it weighs like B


def stratum_of(grade: str | None, *, flagged: bool) -> str:
    """Grade A, B or C is its own stratum; an A flagged by a complaint, referral or open warning is drawn at B's
    higher rate, in stratum B; an enterprise not graded yet is in stratum B."""
    if grade == "A" and flagged:
        return "B"
    return grade if grade in ("A", "B", "C") else UNGRADED_STRATUM


def tickets(risk: float) -> int:
    """Within its stratum an enterprise holds one ticket, and DRAW_RISK_BONUS more when its risk reaches
    RISK_HIGH."""
    return 1 + (settings.DRAW_RISK_BONUS if risk >= settings.RISK_HIGH else 0)


def pool_strata(enterprise_ids: Iterable[int], *, flagged: set[int]) -> dict[int, tuple[str, int]]:
    """{enterprise: (stratum, tickets)} for a pool; an open risk warning flags an enterprise like a referral."""
    ids = list(enterprise_ids)
    among = enterprise_ids if isinstance(enterprise_ids, QuerySet) else ids  # a pool query stays a subquery
    graded = current_grades_and_risks(among)
    flagged = flagged | alerted(among)
    members = {}
    for pk in ids:
        grade, risk = graded.get(pk, (None, 0))
        members[pk] = (stratum_of(grade, flagged=pk in flagged), tickets(risk))
    return members
