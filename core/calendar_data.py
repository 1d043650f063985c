"""Loading a year of holidays and adjusted working days from a CSV file (see core/data/calendar/README.md)."""

import csv
import datetime
from pathlib import Path

from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data" / "calendar"
KINDS = {"holiday", "workday"}


def read_calendar_file(path: Path) -> tuple[int, list[tuple[datetime.date, str, str]]]:
    """The year and its rows; every row must be in the same year, of a known kind, and each date listed once."""
    rows, seen = [], set()
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            day = datetime.date.fromisoformat(row["date"].strip())
            kind = row["kind"].strip()
            if kind not in KINDS or day in seen:
                raise ValueError(f"{path.name}, line {line}: bad kind {kind!r} or repeated date {day}")
            seen.add(day)
            rows.append((day, kind, row["name"].strip()))
    years = {day.year for day, _kind, _name in rows}
    if len(years) != 1:
        raise ValueError(f"{path.name}: one file holds one year, found {sorted(years)}")
    return years.pop(), rows


@transaction.atomic
def load_calendar_year(calendar_year_model, calendar_day_model, path: Path, *, official: bool) -> int:
    """Replace one year's days with the file's. Takes the models so that migrations can pass theirs."""
    year, rows = read_calendar_file(path)
    calendar_year_model.objects.update_or_create(year=year, defaults={"is_official": official, "source": path.name})
    calendar_day_model.objects.filter(date__year=year).delete()
    calendar_day_model.objects.bulk_create(
        calendar_day_model(date=day, kind=kind, name=name) for day, kind, name in rows
    )
    return len(rows)


# The years shipped in core/data/calendar, and whether each is the State Council's official arrangement.
BUNDLED_YEARS = {
    2024: True,
    2025: True,
    2026: True,
    2027: False,
}  # 2027 holds only the statutory holidays until the notice


def load_bundled_calendars(calendar_year_model, calendar_day_model) -> None:
    for year, official in BUNDLED_YEARS.items():
        load_calendar_year(calendar_year_model, calendar_day_model, DATA_DIR / f"{year}.csv", official=official)
