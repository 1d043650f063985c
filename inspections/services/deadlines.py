"""Every spot-check deadline, computed by the working-day calendar from the bureau's settings."""

import datetime

from django.conf import settings

from core.workdays import due_date
from inspections.models import Campaign


def objection_due_on(campaign: Campaign, received_on: datetime.date) -> datetime.date:
    """The last day to object to a result received on `received_on`: 15 calendar days, or for food 7 working days."""
    if campaign.is_food:
        return due_date(received_on, settings.OBJECTION_WORKING_DAYS_FOOD, "working")
    return due_date(received_on, settings.OBJECTION_DAYS, "calendar")


def publication_due_on(final_on: datetime.date) -> datetime.date:
    return due_date(final_on, settings.PUBLICATION_WORKING_DAYS, "working")


def rectification_due_on(ordered_on: datetime.date) -> datetime.date:
    return due_date(ordered_on, settings.RECTIFICATION_DAYS, "calendar")


def first_recheck_due_on(ordered_on: datetime.date) -> datetime.date:
    return due_date(ordered_on, settings.FIRST_RECHECK_DAYS, "calendar")


def second_recheck_window(notice_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    return (
        due_date(notice_on, settings.SECOND_RECHECK_FROM_DAYS, "calendar"),
        due_date(notice_on, settings.SECOND_RECHECK_BY_DAYS, "calendar"),
    )


def suspension_recheck_window(period_end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The re-check after an order to suspend and rectify: from the day after the period, due within the setting."""
    return period_end + datetime.timedelta(days=1), due_date(period_end, settings.SUSPENSION_RECHECK_DAYS, "calendar")
