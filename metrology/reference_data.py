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
