"""Brand honours enter the credit grade through scoring model version 2: version 1 with one more weight. Issued by
a data migration, effective from the day it runs (grades are never recomputed retroactively), and again after a
flush."""

from django.db.models import Max
from django.utils import timezone

HONOUR_WEIGHT = {"brand_honour": {"points": 5, "cap": 10}}
NOTE = (
    "Brand honours count: +5 points per current famous-brand or quality-award honour, at most +10 (QS Portal issue 6)."
)


def ensure_honour_weight(scoring_model_class) -> None:
    """Issue a new version with the honour weight when no version has it yet (works with a migration's model)."""
    latest = scoring_model_class.objects.order_by("-version").first()
    if latest is None or any("brand_honour" in model.weights for model in scoring_model_class.objects.all()):
        return
    scoring_model_class.objects.create(
        version=(scoring_model_class.objects.aggregate(v=Max("version"))["v"] or 0) + 1,
        effective_from=max(timezone.localdate(), latest.effective_from),
        lookback_years=latest.lookback_years,
        recency_factors=latest.recency_factors,
        base_score=latest.base_score,
        grade_a_min=latest.grade_a_min,
        grade_b_min=latest.grade_b_min,
        weights={**latest.weights, **HONOUR_WEIGHT},
        risk_weights=latest.risk_weights,
        note=NOTE,
    )
