"""Complaints enter the credit grade and the risk score through a new scoring model version (the latest plus two
weights), issued by a data migration effective from the day it runs, and again after a flush."""

from credit.services import scoring_model_weights_ensure

COMPLAINT_WEIGHTS = {"complaint_substantiated": {"points": -5, "cap": 20}}
COMPLAINT_RISK_WEIGHTS = {"recent_complaints": {"points": 10}}
NOTE = (
    "Complaints count: -5 points per substantiated complaint in the look-back window, at most -20; "
    "+10 risk per complaint in the last year that is open or substantiated (QS Portal issue 7)."
)


def ensure_complaint_weights(scoring_model_class) -> None:
    scoring_model_weights_ensure(
        scoring_model_class, weights=COMPLAINT_WEIGHTS, risk_weights=COMPLAINT_RISK_WEIGHTS, note=NOTE
    )
