"""What the grade and the risk score are computed from: indicators, each a column of a grouped query over one
part of the record (a "source"). One source reads its table once for all its indicators, so the whole
recalculation is a handful of aggregate scans, never a query per enterprise.

Other apps add sources and indicators from their `AppConfig.ready` (brand honours, complaints): an indicator's
weight lives in the scoring model version, so a new indicator counts once a version gives it points."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import NullIf, Round, TruncDate
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from credit.choices import BlacklistStatus
from credit.models import AreaRate, BlacklistEntry
from enterprises.models import Enterprise, Licence, Penalty
from enterprises.services import quarter_end, self_report_due_on
from inspections.choices import FAILED_VERDICTS, FollowUpStage, TaskKind, TaskStatus, Verdict
from inspections.models import FollowUp, Task
from inspections.models.followups import report_overdue

GRADE, RISK = "grade", "risk"


@dataclass(frozen=True)
class Window:
    """The moment a recalculation looks from, and the periods its indicators read."""

    now: datetime.datetime
    lookback_years: int
    recency_factors: tuple[float, ...]
    enterprise_ids: tuple[int, ...] | None = None  # None: every enterprise

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    @property
    def start(self) -> datetime.datetime:
        return self.now - relativedelta(years=self.lookback_years)

    @property
    def start_date(self) -> datetime.date:
        """The window's first local day, for records dated without a time (a penalty, a licence, a report's due
        date). Not `start.date()`: `now` is in UTC, where the nightly run at 02:00 is still the day before."""
        return self.today - relativedelta(years=self.lookback_years)

    @property
    def risk_start(self) -> datetime.datetime:
        return self.now - datetime.timedelta(days=settings.RISK_RECENT_FAILURE_DAYS)

    def recency(self, field_name: str) -> Case:
        """A verdict's weight by its age: recency_factors[0] in its first year, [1] in its second, ..."""
        whens = [
            When(**{f"{field_name}__gte": self.now - relativedelta(years=age + 1)}, then=Value(float(factor)))
            for age, factor in enumerate(self.recency_factors)
        ]
        return Case(*whens, default=Value(0.0), output_field=FloatField())

    def only_listed(self, queryset: QuerySet, lookup: str = "enterprise_id") -> QuerySet:
        return queryset if self.enterprise_ids is None else queryset.filter(**{f"{lookup}__in": self.enterprise_ids})


@dataclass(frozen=True)
class Source:
    """A grouped query: one row per `key` (joined to the enterprise's `joins_on` column) with a column per
    indicator it feeds."""

    name: str
    rows: Callable[[Window], QuerySet]
    joins_on: str = "id"  # the enterprise column the key matches: id, industry_id or district_id


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    unit: str | Promise  # what one unit of the value is, e.g. "per nonconforming result"
    source: str
    kind: str = GRADE
    veto: bool = False
    recency_weighted: bool = False


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def task_rows(w: Window) -> QuerySet:
    final = Task.objects.filter(status=TaskStatus.FINAL, finalised_at__gte=min(w.start, w.risk_start))
    in_window = Q(finalised_at__gte=w.start)
    routine, recheck = Q(kind=TaskKind.ROUTINE), Q(kind=TaskKind.RECHECK)
    recency = w.recency("finalised_at")
    return (
        w.only_listed(final)
        .values(key=F("enterprise_id"))
        .annotate(
            conforming=Sum(recency, filter=in_window & Q(verdict=Verdict.CONFORMING), default=0.0),
            nonconforming=Sum(recency, filter=in_window & routine & Q(verdict=Verdict.NONCONFORMING), default=0.0),
            refused=_count(in_window & routine & Q(verdict=Verdict.REFUSED)),
            failed_recheck=_count(in_window & recheck & Q(verdict__in=FAILED_VERDICTS)),
            recent_failures=_count(Q(finalised_at__gte=w.risk_start) & Q(verdict__in=FAILED_VERDICTS)),
        )
    )


def follow_up_rows(w: Window) -> QuerySet:
    overdue = report_overdue(w.today)
    return (
        w.only_listed(FollowUp.objects.exclude(stage=FollowUpStage.CLOSED))
        .values(key=F("enterprise_id"))
        .annotate(overdue_rectification=_count(overdue), open_follow_ups=Count("pk"))
    )


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


def self_report_rows(w: Window) -> QuerySet:
    """Reports filed after their due date (in the window); and, of the last quarters due while the enterprise was
    on file, those with no report at all."""
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


def blacklist_rows(w: Window) -> QuerySet:
    listed = BlacklistEntry.objects.filter(status=BlacklistStatus.LISTED)
    return w.only_listed(listed).values(key=F("enterprise_id")).annotate(blacklisted=Count("pk"))


def _rate(failed: str, tests: str) -> ExpressionWrapper:
    """Failures per hundred tests (percentage points)."""
    return ExpressionWrapper(Sum(failed) * 100.0 / NullIf(Sum(tests), 0), output_field=FloatField())


def _enough(tests: str) -> GreaterThanOrEqual:
    return GreaterThanOrEqual(Sum(tests), settings.AREA_MIN_TESTS)


def industry_rate_rows(w: Window) -> QuerySet:
    """The failure rate of the enterprise's industry (its product category) across the city in the recent period,
    in whole points (a rate moving by a fraction would otherwise rewrite every grade row of the industry each
    night); 0 with fewer than AREA_MIN_TESTS tests, too few to say anything."""
    rate = Case(When(_enough("recent_tests"), then=_rate("recent_failed", "recent_tests")), default=Value(0.0))
    return AreaRate.objects.values(key=F("industry_id")).annotate(industry_rate=Round(rate))


def district_trend_rows(w: Window) -> QuerySet:
    """How far the district's recent failure rate rose above its own baseline (percentage points; 0 when it fell,
    or when either period has too few tests to compare)."""
    rise = _rate("recent_failed", "recent_tests") - _rate("baseline_failed", "baseline_tests")
    comparable = _enough("recent_tests") & _enough("baseline_tests")
    return (
        AreaRate.objects.values(key=F("district_id"))
        .annotate(rise=ExpressionWrapper(rise, output_field=FloatField()))
        .annotate(
            district_trend=Round(
                Case(When(comparable & Q(rise__gt=0), then=F("rise")), default=Value(0.0), output_field=FloatField())
            )
        )
        .values("key", "district_trend")
    )


SOURCES: dict[str, Source] = {}
INDICATORS: dict[str, Indicator] = {}


def register_source(source: Source, *indicators: Indicator) -> None:
    """Add a source and the indicators it feeds (idempotent; call from `AppConfig.ready`)."""
    SOURCES[source.name] = source
    for indicator in indicators:
        INDICATORS[indicator.code] = indicator


def grade_indicators() -> list[Indicator]:
    return [i for i in INDICATORS.values() if i.kind == GRADE]


def risk_indicators() -> list[Indicator]:
    return [i for i in INDICATORS.values() if i.kind == RISK]


register_source(
    Source("tasks", task_rows),
    Indicator(
        "conforming",
        _("Conforming spot checks"),
        _("per check, by recency"),
        "tasks",
        recency_weighted=True,
    ),
    Indicator(
        "nonconforming",
        _("Nonconforming spot checks"),
        _("per check, by recency"),
        "tasks",
        recency_weighted=True,
    ),
    Indicator("refused", _("Refused sampling"), _("per refusal"), "tasks", veto=True),
    Indicator("failed_recheck", _("Failed re-checks"), _("per failed re-check"), "tasks", veto=True),
    Indicator(
        "recent_failures",
        _("Recent failed spot checks"),
        _("per failure in the recent period"),
        "tasks",
        kind=RISK,
    ),
)
register_source(
    Source("follow_ups", follow_up_rows),
    Indicator(
        "overdue_rectification",
        _("Overdue rectification reports"),
        _("per overdue report"),
        "follow_ups",
    ),
    Indicator("open_follow_ups", _("Open follow-ups"), _("per open follow-up"), "follow_ups", kind=RISK),
)
register_source(
    Source("licences", licence_rows),
    Indicator("licence_expired", _("Lapsed licences"), _("per licence lapsed, not renewed"), "licences"),
    Indicator("licence_revoked", _("Revoked licences"), _("per revoked licence"), "licences"),
)
register_source(
    Source("self_reports", self_report_rows),
    Indicator("self_report_late", _("Late self-reports"), _("per late report"), "self_reports"),
    Indicator(
        "self_report_missing",
        _("Missing self-reports"),
        _("per quarter not reported"),
        "self_reports",
    ),
)
register_source(
    Source("penalties", penalty_rows),
    Indicator("penalty", _("Administrative penalties"), _("per penalty"), "penalties"),
    Indicator("heavier_penalty", _("Heavier penalties"), _("per heavier penalty"), "penalties"),
)
register_source(
    Source("blacklist", blacklist_rows),
    Indicator("blacklisted", _("On the dishonesty list"), _("while listed"), "blacklist", veto=True),
)
register_source(
    Source("industry_rate", industry_rate_rows, joins_on="industry_id"),
    Indicator(
        "industry_rate",
        _("Failure rate of the product category"),
        _("per percentage point"),
        "industry_rate",
        kind=RISK,
    ),
)
register_source(
    Source("district_trend", district_trend_rows, joins_on="district_id"),
    Indicator(
        "district_trend",
        _("Rise of the district's failure rate"),
        _("per percentage point above baseline"),
        "district_trend",
        kind=RISK,
    ),
)
