"""Brand honours enter the credit grade through a new scoring model version: the latest with one more weight.
Issued by a data migration, effective from the day it runs, and again after a flush."""

from credit.services import scoring_model_weights_ensure

HONOUR_WEIGHT = {"brand_honour": {"points": 5, "cap": 10}}
NOTE = (
    "Brand honours count: +5 points per current famous-brand or quality-award honour, at most +10 (QS Portal issue 6)."
)


def ensure_honour_weight(scoring_model_class) -> None:
    scoring_model_weights_ensure(scoring_model_class, weights=HONOUR_WEIGHT, note=NOTE)
