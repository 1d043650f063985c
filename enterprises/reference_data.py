"""Reference data loaded from the files in `enterprises/data/`."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def industry_rows() -> list[dict[str, str]]:
    """GB/T 4754-2017 divisions (大类) of mining, manufacturing and utilities: the industries the bureau supervises."""
    with open(DATA_DIR / "industries.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sync_industries(industry_model) -> int:
    """Create or update the industries from the data file; takes the model so migrations can pass theirs."""
    rows = industry_rows()
    for row in rows:
        industry_model.objects.update_or_create(
            code=row["code"], defaults={"section": row["section"], "name": row["name"], "name_en": row["name_en"]}
        )
    return len(rows)
