"""Calendar quarters, the dashboard's unit of time: "2025Q3" in addresses, "2025 Q3" on the page."""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> "Quarter | None":
        match = PATTERN.match(text or "")
        return cls(int(match[1]), int(match[2])) if match else None

    @classmethod
    def from_index(cls, index: int) -> "Quarter":
        return cls(index // 4, index % 4 + 1)

    @property
    def index(self) -> int:
        """Quarters counted from year 0, so that ranges and shifts are plain arithmetic."""
        return self.year * 4 + self.number - 1

    def shifted(self, quarters: int) -> "Quarter":
        return Quarter.from_index(self.index + quarters)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    def starts_at(self) -> datetime.datetime:
        """The quarter's first moment in the bureau's time zone."""
        return datetime.datetime.combine(self.first_day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def value(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return _("%(year)d Q%(quarter)d") % {"year": self.year, "quarter": self.number}

    def __str__(self) -> str:
        return self.value


def quarters_between(start: Quarter, end: Quarter) -> list[Quarter]:
    """Every quarter from `start` to `end`, both included."""
    return [Quarter.from_index(index) for index in range(start.index, end.index + 1)]


def in_quarters(start: Quarter, end: Quarter, *, year: str = "year", quarter: str = "quarter") -> Q:
    """Rows whose (year, quarter) columns lie from `start` to `end`, both included."""
    after_start = Q(**{f"{year}__gt": start.year}) | Q(**{year: start.year, f"{quarter}__gte": start.number})
    before_end = Q(**{f"{year}__lt": end.year}) | Q(**{year: end.year, f"{quarter}__lte": end.number})
    return after_start & before_end


def during_quarters(start: Quarter, end: Quarter, field: str) -> Q:
    """Rows whose datetime `field` falls from the start of `start` to the end of `end` (local time)."""
    return Q(**{f"{field}__gte": start.starts_at(), f"{field}__lt": end.shifted(1).starts_at()})
