"""The working-day calendar, on the State Council's 2026 arrangement."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import CalendarDay, CalendarYear
from core.workdays import (
    CalendarNotLoaded,
    Deadline,
    add_working_days,
    deadline,
    due_date,
    is_working_day,
    provisional_on,
    provisional_years_in_use,
    working_days_between,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 11, 20), 1, D(2026, 11, 23)),  # Friday + 1 → Monday
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # National Day week off; Saturday 10 October is worked
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday 14 February is worked before the Spring Festival
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # then nine days off
        (D(2026, 4, 30), 7, D(2026, 5, 13)),  # May Day: 1-5 May off, Saturday 9 May worked
        (D(2026, 12, 31), 20, D(2027, 1, 29)),  # across the year: 1 January 2027 is a holiday
    ],
)
def test_working_days_follow_holidays_and_adjusted_weekends(start, days, expected):
    assert add_working_days(start, days) == expected


def test_single_days():
    assert is_working_day(D(2026, 10, 8))  # an ordinary Thursday after the holiday
    assert is_working_day(D(2026, 9, 20))  # Sunday worked in exchange
    assert not is_working_day(D(2026, 6, 19))  # Dragon Boat Festival, a Friday
    assert not is_working_day(D(2026, 11, 22))  # an ordinary Sunday


def test_due_dates_in_calendar_or_working_days():
    result_received = D(2026, 9, 28)
    assert due_date(result_received, 15, "calendar") == D(2026, 10, 13)  # objection window, calendar days
    assert due_date(result_received, 7, "working") == D(2026, 10, 13)  # food: 7 working days, across the holiday
    with pytest.raises(ValueError):
        due_date(result_received, 1, "fortnights")


def test_working_days_between():
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 31)) == 18
    assert working_days_between(D(2026, 10, 31), D(2026, 10, 1)) == 0


def test_a_year_not_loaded_is_refused_rather_than_guessed():
    with pytest.raises(CalendarNotLoaded) as excinfo:
        add_working_days(D(2028, 12, 20), 10)
    assert excinfo.value.years == [2028]
    with pytest.raises(CalendarNotLoaded) as excinfo:
        add_working_days(D(2027, 12, 20), 20)  # runs into 2028
    assert excinfo.value.years == [2028]


def test_a_deadline_needs_next_years_calendar_only_when_it_runs_into_it():
    # 20 working days from 20 October 2027 end in November: 2028 need not be loaded yet.
    assert add_working_days(D(2027, 10, 20), 20) == D(2027, 11, 17)


def test_staff_load_a_year_from_a_file(tmp_path: Path):
    path = tmp_path / "2028.csv"
    path.write_text("date,kind,name\n2028-01-01,holiday,元旦\n2028-01-02,workday,调休上班\n", encoding="utf-8")
    out = StringIO()
    call_command("load_calendar", str(path), "--official", stdout=out)
    assert "Loaded 2 days" in out.getvalue()
    assert CalendarYear.objects.get(year=2028).is_official
    assert is_working_day(D(2028, 1, 2))  # a Sunday worked in exchange
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2028-03-01,party,x\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_calendar", str(bad))
    assert CalendarDay.objects.filter(date__year=2028).count() == 2  # a bad file changes nothing


def test_2026_is_official_and_2027_provisional():
    years = dict(CalendarYear.objects.values_list("year", "is_official"))
    assert years[2026] is True and years[2027] is False


# A deadline never ends on a day off (Civil Code Art 203)


def test_a_15_day_clock_ending_on_national_day_moves_to_the_first_working_day_after_the_holiday():
    assert deadline(D(2026, 9, 16), 15, "calendar") == Deadline(
        date=D(2026, 10, 8), moved_from=D(2026, 10, 1), moved_because="国庆节", provisional=False
    )
    assert due_date(D(2026, 9, 16), 15, "calendar") == D(2026, 10, 8)  # every caller of due_date gets the roll-over


def test_a_clock_ending_on_a_weekend_moves_to_monday_and_an_adjusted_working_weekend_day_stays():
    moved = deadline(D(2026, 11, 20), 15, "calendar")  # Saturday 5 December
    assert moved.date == D(2026, 12, 7) and moved.moved_from == D(2026, 12, 5) and moved.moved_because
    assert deadline(D(2026, 9, 25), 15, "calendar").date == D(2026, 10, 10)  # Saturday 10 October is worked
    assert deadline(D(2026, 9, 28), 15, "calendar").moved_from is None  # Tuesday 13 October: no move


def test_working_day_deadlines_already_land_on_working_days():
    food = deadline(D(2026, 9, 30), 7, "working")  # the last working day before the National Day holiday
    assert food == Deadline(date=D(2026, 10, 15)) and is_working_day(food.date)


def test_a_deadline_in_2027_is_provisional_and_one_in_2026_is_not():
    assert deadline(D(2026, 12, 20), 15, "calendar").provisional is True  # ends 4 January 2027
    assert deadline(D(2026, 12, 1), 15, "calendar").provisional is False
    assert deadline(D(2026, 12, 28), 5, "working").provisional is True
    assert provisional_on(D(2027, 3, 1)) and not provisional_on(D(2026, 3, 1)) and not provisional_on(None)
    memo = {}
    assert provisional_on(D(2027, 3, 1), memo) and "official_years" in memo


def test_a_calendar_day_clock_in_a_year_not_loaded_rolls_over_weekends_and_is_provisional():
    sunday = deadline(D(2029, 3, 3), 1, "calendar")
    assert sunday.date == D(2029, 3, 5) and sunday.moved_from == D(2029, 3, 4) and sunday.provisional
    with pytest.raises(ValueError):
        deadline(D(2026, 1, 1), -1, "calendar")


def test_the_years_in_use_that_are_not_official():
    assert provisional_years_in_use(D(2026, 12, 6)) == [2027]
    CalendarYear.objects.filter(year=2027).update(is_official=True)
    assert provisional_years_in_use(D(2026, 12, 6)) == []
    assert provisional_years_in_use(D(2027, 6, 1)) == [2028]  # not loaded at all


def test_2024_is_loaded_for_earlier_records():
    assert CalendarYear.objects.get(year=2024).is_official
    assert not is_working_day(D(2024, 2, 12)) and is_working_day(D(2024, 2, 18))  # Spring Festival, its Sunday
