"""Metrology's reference data, loaded by data migrations and again after a flush: the categories of instruments under
compulsory verification (metrology/data/categories.json)."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def category_rows() -> list[dict]:
    return json.loads((DATA / "categories.json").read_text(encoding="utf-8"))["categories"]


def ensure_categories(category_model) -> int:
    """Add the bundled categories not on file yet (by code); the bureau's own edits are kept. Returns how many."""
    known = set(category_model.objects.values_list("code", flat=True))
    missing = [category_model(**row) for row in category_rows() if row["code"] not in known]
    category_model.objects.bulk_create(missing)
    return len(missing)


# Metrology's indicators join the credit grade through a new scoring model version (credit's migration
# metrology_indicators issues it with these same weights; a test keeps the two equal).
METROLOGY_WEIGHTS = {
    "metrology_overdue_verification": {"points": -3, "cap": 15},
    "metrology_used_after_failure": {"points": -10, "cap": 20},
    "metrology_net_content_failed": {"points": -5, "cap": 15},
}
METROLOGY_NOTE = (
    "Metrology counts: -3 points per instrument overdue for compulsory verification (at most -15), -10 per "
    "instrument found in use after failing verification (at most -20), -5 per failed net-content lot in the "
    "look-back window (at most -15) (QS Portal issue 19)."
)


def ensure_metrology_weights(scoring_model_class) -> None:
    from credit.services import scoring_model_weights_ensure

    scoring_model_weights_ensure(scoring_model_class, weights=METROLOGY_WEIGHTS, note=METROLOGY_NOTE)
