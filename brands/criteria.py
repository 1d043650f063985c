"""The performance-excellence criteria (卓越绩效评价准则, GB/T 19580-2012): seven categories, 1000 points in all.
Self-assessments and reviewers' scores give points per category, each from 0 to the category's maximum."""

from django.utils.translation import gettext_lazy as _

CRITERIA = (
    ("leadership", _("Leadership"), 110),
    ("strategy", _("Strategy"), 90),
    ("customers", _("Customers and market"), 90),
    ("resources", _("Resources"), 130),
    ("processes", _("Process management"), 100),
    ("measurement", _("Measurement, analysis and improvement"), 80),
    ("results", _("Results"), 400),
)
CATEGORY_CODES = tuple(code for code, _label, _points in CRITERIA)
MAX_POINTS = {code: points for code, _label, points in CRITERIA}
TOTAL_POINTS = sum(MAX_POINTS.values())
assert TOTAL_POINTS == 1000


def clean_scores(scores) -> tuple[dict[str, float], dict[str, str]]:
    """The points per category as numbers, and an error per category that is missing or out of its range."""
    cleaned, errors = {}, {}
    scores = scores if isinstance(scores, dict) else {}
    for code, label, maximum in CRITERIA:
        try:
            value = float(scores.get(code))
        except (TypeError, ValueError):
            errors[code] = _("Give the points for %(category)s (0–%(max)s).") % {"category": label, "max": maximum}
            continue
        if not 0 <= value <= maximum:
            errors[code] = _("%(category)s is scored from 0 to %(max)s.") % {"category": label, "max": maximum}
        else:
            cleaned[code] = value
    return cleaned, errors


def total(scores: dict) -> float:
    return sum(float(scores.get(code, 0)) for code in CATEGORY_CODES)
