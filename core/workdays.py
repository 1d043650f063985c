"""The working-day calendar: every deadline in the portal is computed here, in calendar or working days.

A working day is Monday to Friday unless the calendar lists it as a holiday, plus any weekend day listed as an
adjusted working day (调休上班). Years are loaded from `core/data/calendar/` and can be edited by staff.
"""

import datetime
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.models import CalendarDay, CalendarYear

Unit = Literal["calendar", "working"]


class CalendarNotLoaded(ValidationError):
    """A working-day deadline would fall in a year the bureau has not loaded: computing it would be a guess.
    A validation error, so the service that needed the deadline refuses its action with this message."""

    def __init__(self, years: set[int]):
        self.years = sorted(years)
        super().__init__(
            _("The working-day calendar has no data for %s: an administrator must load that year first.")
            % ", ".join(map(str, self.years)),
            code="calendar_not_loaded",
        )


@dataclass(frozen=True)
class _Exceptions:
    holidays: frozenset[datetime.date]
    workdays: frozenset[datetime.date]

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.workdays


def _exceptions(start: datetime.date, end: datetime.date) -> _Exceptions:
    years = set(range(start.year, end.year + 1))
    loaded = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    if missing := years - loaded:
        raise CalendarNotLoaded(missing)
    days = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
    return _Exceptions(
        holidays=frozenset(day for day, kind in days if kind == CalendarDay.Kind.HOLIDAY),
        workdays=frozenset(day for day, kind in days if kind == CalendarDay.Kind.WORKDAY),
    )


def is_working_day(day: datetime.date) -> bool:
    return _exceptions(day, day).is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (the start day itself does not count). Each year's holidays are read
    when the count reaches that year, so a deadline late in December needs next year's calendar only if it runs
    into it."""
    if days < 0:
        raise ValueError("days must not be negative")
    calendars: dict[int, _Exceptions] = {}
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day.year not in calendars:
            calendars[day.year] = _exceptions(datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
        if calendars[day.year].is_working_day(day):
            counted += 1
    return day


def due_date(start: datetime.date, amount: int, unit: Unit) -> datetime.date:
    """A deadline `amount` days after `start`, in calendar days or working days."""
    if unit == "calendar":
        return start + datetime.timedelta(days=amount)
    if unit == "working":
        return add_working_days(start, amount)
    raise ValueError(f"unknown unit {unit!r}")


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    calendar = _exceptions(start, end)
    return sum(calendar.is_working_day(start + datetime.timedelta(days=n)) for n in range(1, (end - start).days + 1))
