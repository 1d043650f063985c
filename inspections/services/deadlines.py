"""Every spot-check deadline, computed by the working-day calendar from the bureau's settings. A calendar-day
deadline that would end on a day off ends on the next working day (core.workdays.deadline); the `*_deadline`
functions say so (the day it moved from, and whether the year is provisional), the `*_on` ones give the date."""

import datetime

from django.conf import settings

from core.workdays import Deadline, deadline
from inspections.models import Campaign


def objection_deadline(campaign: Campaign, received_on: datetime.date) -> Deadline:
    """The last day to object to a result received on `received_on`: 15 calendar days, or for food 7 working days."""
    if campaign.is_food:
        return deadline(received_on, settings.OBJECTION_WORKING_DAYS_FOOD, "working")
    return deadline(received_on, settings.OBJECTION_DAYS, "calendar")


def objection_due_on(campaign: Campaign, received_on: datetime.date) -> datetime.date:
    return objection_deadline(campaign, received_on).date


def publication_due_on(final_on: datetime.date) -> datetime.date:
    return deadline(final_on, settings.PUBLICATION_WORKING_DAYS, "working").date


def rectification_deadline(received_on: datetime.date) -> Deadline:
    """The rectification report is due 60 days after the enterprise received the order (SAMR Order 18 Art 46)."""
    return deadline(received_on, settings.RECTIFICATION_DAYS, "calendar")


def rectification_due_on(received_on: datetime.date) -> datetime.date:
    return rectification_deadline(received_on).date


def first_recheck_due_on(ordered_on: datetime.date) -> datetime.date:
    return deadline(ordered_on, settings.FIRST_RECHECK_DAYS, "calendar").date


def second_recheck_window(notice_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The window opens on a plain day count (an opening is not a deadline); it closes on a working day."""
    return (
        notice_on + datetime.timedelta(days=settings.SECOND_RECHECK_FROM_DAYS),
        deadline(notice_on, settings.SECOND_RECHECK_BY_DAYS, "calendar").date,
    )


def suspension_recheck_window(period_end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The re-check after an order to suspend and rectify: from the day after the period, due within the setting."""
    return (
        period_end + datetime.timedelta(days=1),
        deadline(period_end, settings.SUSPENSION_RECHECK_DAYS, "calendar").date,
    )
