"""The countdowns of a complaint's or tip's running clocks, as staff and the public read them: the step waited
for, its last day, and the working days left on the working-day calendar (or how far past it is)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise

from complaints.models import Complaint
from core.workdays import CalendarNotLoaded, working_days_between


@dataclass(frozen=True)
class Countdown:
    key: str  # "accept", "mediation", "decision" or "notice"
    label: str | Promise
    due: datetime.date | None  # None: the calendar of that year was not loaded when the clock started
    days_left: int | None  # working days after today up to the last day (0 on the last day)
    overdue: bool
    days_over: int  # calendar days past the last day


def with_countdowns(complaint: Complaint, today: datetime.date | None = None) -> list[Countdown]:
    """The running clocks of `complaint` with their countdowns (one calendar query each)."""
    today = today or timezone.localdate()
    countdowns = []
    for clock in complaint.clocks():
        days_left = None
        if clock.due is not None and not clock.overdue(today):
            try:
                days_left = working_days_between(today, clock.due)
            except CalendarNotLoaded:
                days_left = None
        days_over = (today - clock.due).days if clock.overdue(today) else 0
        countdowns.append(Countdown(clock.key, clock.label, clock.due, days_left, clock.overdue(today), days_over))
    return countdowns
