"""The enterprise's own record in the credit grade: licences revoked or lapsed, self-reports late or missing,
administrative penalties. Sources of the credit recalculation (see `core.indicators`), registered from the app's
`AppConfig.ready`; a change to one of these records emits `enterprise.record`."""

import datetime

from django.conf import settings
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from core.indicators import Indicator, Source, Window, register_source
from enterprises import events
from enterprises.models import Enterprise, Licence, Penalty
from enterprises.services import quarter_end, self_report_due_on


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def licence_rows(w: Window) -> QuerySet:
    """Licences revoked in the window, and licences that lapsed in it with no valid licence of that kind held
    today (a renewal on file clears the lapse)."""
    valid_same_kind = Licence.objects.filter(
        enterprise_id=OuterRef("enterprise_id"), kind=OuterRef("kind"), revoked_on__isnull=True, expires_on__gte=w.today
    )
    lapsed = Q(revoked_on__isnull=True, expires_on__lt=w.today, expires_on__gte=w.start_date)
    revoked = Q(revoked_on__isnull=False, revoked_on__gte=w.start_date)
    # The renewal test runs only for the few lapsed rows (inside the count's filter, not the WHERE's OR).
    return (
        w.only_listed(Licence.objects.filter(revoked | lapsed))
        .values(key=F("enterprise_id"))
        .annotate(licence_revoked=_count(revoked), licence_expired=_count(lapsed & ~Exists(valid_same_kind)))
    )


def recent_due_quarters(today: datetime.date) -> list[tuple[int, int]]:
    """The last SELF_REPORT_QUARTERS_CHECKED quarters whose self-report is already due."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    due = []
    while len(due) < settings.SELF_REPORT_QUARTERS_CHECKED:
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        if self_report_due_on(year, quarter) < today:
            due.append((year, quarter))
    return due


def _checked_until(year: int, quarter: int) -> datetime.date:
    """About the last day a quarter's missing report is counted: until SELF_REPORT_QUARTERS_CHECKED later quarters
    have come due (then it leaves `recent_due_quarters`). Read without the working-day calendar (no queries): the
    calendar only ever moves a due date later, so this errs in the enterprise's favour by the days of a move."""
    index = year * 4 + quarter - 1 + settings.SELF_REPORT_QUARTERS_CHECKED
    return quarter_end(index // 4, index % 4 + 1) + datetime.timedelta(days=settings.SELF_REPORT_DUE_DAYS)


def _late_while_checked(start: datetime.date, today: datetime.date) -> Q:
    """Reports filed only while their quarter's missing report still counted: catching up a quarter whose absence
    no longer costs anything costs nothing either, so a late report never costs more than a missing one (issue 21).
    The quarters listed are those that may fall in the window; the due-date conditions beside this one pick them."""
    late = Q()
    for year in range(start.year - 1, today.year + 1):
        for quarter in range(1, 5):
            if quarter_end(year, quarter) >= today:
                continue
            late |= Q(
                self_reports__year=year,
                self_reports__quarter=quarter,
                self_reports__submitted_at__lt=_start_of(_checked_until(year, quarter) + datetime.timedelta(1)),
            )
    return late if late else Q(pk__in=[])


def _start_of(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def self_report_rows(w: Window) -> QuerySet:
    """Reports filed after their due date (in the window, while their quarter was checked); and, of the last
    quarters due while the enterprise was on file, those with no report at all."""
    due = recent_due_quarters(w.today)
    filed = {
        f"filed_{index}": Count("self_reports", filter=Q(self_reports__year=year, self_reports__quarter=quarter))
        for index, (year, quarter) in enumerate(due)
    }
    missing = sum(
        (
            Case(When(created_at__date__lte=quarter_end(*quarter), **{f"filed_{index}": 0}, then=1), default=0)
            for index, quarter in enumerate(due)
        ),
        Value(0),
    )
    late = Q(
        _late_while_checked(w.start_date, w.today),
        self_reports__due_on__gte=w.start_date,
        self_reports__due_on__lt=TruncDate("self_reports__submitted_at"),
    )
    return (
        w.only_listed(Enterprise.objects.all(), "pk")
        .values(key=F("pk"))
        .annotate(self_report_late=Count("self_reports", filter=late), **filed)
        .annotate(self_report_missing=missing)
        .values("key", "self_report_late", "self_report_missing")
    )


def penalty_rows(w: Window) -> QuerySet:
    decided = Penalty.objects.filter(voided_at__isnull=True, decided_on__gte=w.start_date)
    return (
        w.only_listed(decided)
        .values(key=F("enterprise_id"))
        .annotate(penalty=_count(Q(is_heavier=False)), heavier_penalty=_count(Q(is_heavier=True)))
    )


def register() -> None:
    """The enterprise's record comes after the spot checks in the registry (see `Source.order`)."""
    changed = (events.RECORD,)
    register_source(
        Source("licences", licence_rows, events=changed, order=30),
        Indicator("licence_expired", _("Lapsed licences"), _("per licence lapsed, not renewed"), "licences"),
        Indicator("licence_revoked", _("Revoked licences"), _("per revoked licence"), "licences"),
    )
    register_source(
        Source("self_reports", self_report_rows, events=changed, order=40),
        Indicator("self_report_late", _("Late self-reports"), _("per late report"), "self_reports"),
        Indicator(
            "self_report_missing",
            _("Missing self-reports"),
            _("per quarter not reported"),
            "self_reports",
        ),
    )
    register_source(
        Source("penalties", penalty_rows, events=changed, order=50),
        Indicator("penalty", _("Administrative penalties"), _("per penalty"), "penalties"),
        Indicator("heavier_penalty", _("Heavier penalties"), _("per heavier penalty"), "penalties"),
    )
