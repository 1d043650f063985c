"""The working-day calendar: every deadline in the portal is computed here, in calendar or working days.

A working day is Monday to Friday unless the calendar lists it as a holiday, plus any weekend day listed as an
adjusted working day (调休上班). Years are loaded from `core/data/calendar/` and can be edited by staff.

A deadline counted in calendar days whose last day is a holiday or a rest day ends on the next working day (Civil
Code Art 203; the administrative procedure rules): `deadline()` does that roll-over for every clock, and says
from which day it moved and whether a year it read is still provisional (not the State Council's official
arrangement). A working-day deadline already lands on a working day.
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


def _days_off(start: datetime.date, end: datetime.date) -> _Exceptions:
    """The calendar's holidays and adjusted working days from `start` to `end` (one query)."""
    days = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
    return _Exceptions(
        holidays=frozenset(day for day, kind in days if kind == CalendarDay.Kind.HOLIDAY),
        workdays=frozenset(day for day, kind in days if kind == CalendarDay.Kind.WORKDAY),
    )


def _exceptions(start: datetime.date, end: datetime.date) -> _Exceptions:
    years = set(range(start.year, end.year + 1))
    loaded = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    if missing := years - loaded:
        raise CalendarNotLoaded(missing)
    return _days_off(start, end)


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


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the day it ends, the day it would have ended had that not been a day off (None when it
    did not move) with that day's name, and whether a calendar year it was read from is provisional."""

    date: datetime.date
    moved_from: datetime.date | None = None
    moved_because: str = ""
    provisional: bool = False


def _next_working_day(day: datetime.date) -> tuple[datetime.date, bool]:
    """`day` if it is a working day, else the first working day after it, and whether every year read is official.
    A year that is not loaded rolls over weekends only: the deadline is then provisional, never refused (a
    calendar-day clock needs no calendar to run). One query for the years and one for the days off of each."""
    official: dict[int, bool] = {}
    calendars: dict[int, _Exceptions | None] = {}
    while True:
        if day.year not in calendars:
            row = CalendarYear.objects.filter(year=day.year).values_list("is_official", flat=True).first()
            official[day.year] = bool(row)
            year_end = datetime.date(day.year, 12, 31)
            calendars[day.year] = None if row is None else _days_off(datetime.date(day.year, 1, 1), year_end)
        calendar = calendars[day.year]
        if calendar.is_working_day(day) if calendar else day.weekday() < 5:
            return day, all(official.values())
        day += datetime.timedelta(days=1)


def day_off_name(day: datetime.date) -> str:
    """What a day off is called: the holiday's name from the calendar, or "rest day" for a weekend."""
    holiday = CalendarDay.objects.filter(date=day, kind=CalendarDay.Kind.HOLIDAY).values_list("name", flat=True)
    return next(iter(holiday), "") or _("rest day")


def official_years() -> frozenset[int]:
    return frozenset(CalendarYear.objects.filter(is_official=True).values_list("year", flat=True))


def is_provisional(start: datetime.date, end: datetime.date, official: frozenset[int] | None = None) -> bool:
    """Whether any calendar year from `start` to `end` is not the official arrangement (or not loaded at all)."""
    official = official_years() if official is None else official
    return any(year not in official for year in range(start.year, end.year + 1))


def deadline(start: datetime.date, amount: int, unit: Unit) -> Deadline:
    """The deadline `amount` days after `start`, in calendar days or working days: the one function every clock
    uses. A calendar-day deadline ending on a holiday or a rest day moves to the next working day."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if unit == "calendar":
        last = start + datetime.timedelta(days=amount)
        day, all_official = _next_working_day(last)
        if day == last:
            return Deadline(date=day, provisional=not all_official)
        return Deadline(date=day, moved_from=last, moved_because=day_off_name(last), provisional=not all_official)
    if unit == "working":
        day = add_working_days(start, amount)
        return Deadline(date=day, provisional=is_provisional(start + datetime.timedelta(days=1), day))
    raise ValueError(f"unknown unit {unit!r}")


def due_date(start: datetime.date, amount: int, unit: Unit) -> datetime.date:
    """The day a deadline `amount` days after `start` ends (see `deadline`, which also says whether it moved)."""
    return deadline(start, amount, unit).date


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    calendar = _exceptions(start, end)
    return sum(calendar.is_working_day(start + datetime.timedelta(days=n)) for n in range(1, (end - start).days + 1))


def provisional_on(day: datetime.date | None, memo: dict | None = None) -> bool:
    """Whether a stored deadline `day` lies in a calendar year that is not official (or not loaded): what a page or
    the API shows beside it. `memo` (a dict living as long as one page or response) reads the years once."""
    if day is None:
        return False
    if memo is None:
        return day.year not in official_years()
    if "official_years" not in memo:
        memo["official_years"] = official_years()
    return day.year not in memo["official_years"]


def provisional_years_in_use(today: datetime.date | None = None) -> list[int]:
    """The years this year's and next year's deadlines are read from that are not loaded officially yet: the
    administrators' home page warns about them until the State Council's notice is loaded."""
    from django.utils import timezone

    today = today or timezone.localdate()
    official = official_years()
    return [year for year in (today.year, today.year + 1) if year not in official]
