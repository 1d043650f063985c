"""Failure rates by industry (product category) and district, and the warnings when a recent rate rises clearly
above its baseline (早发现): a small table rebuilt by each full recalculation from one grouped query."""

import datetime

from django.conf import settings

from core.indicators import area_counts
from credit.choices import WarningKind, WarningStatus
from credit.models import AreaRate, RiskWarning


def area_rates_rebuild(now: datetime.datetime) -> int:
    """Count spot checks and failures per industry and district: the recent period, and the baseline period
    before it. The counts come from the app that holds the spot checks (`core.indicators.register_area_counts`,
    inspections: routine checks only)."""
    recent_from = now - datetime.timedelta(days=settings.AREA_RECENT_DAYS)
    baseline_from = recent_from - datetime.timedelta(days=settings.AREA_BASELINE_DAYS)
    rows = area_counts(recent_from, baseline_from)
    AreaRate.objects.all().delete()
    created = AreaRate.objects.bulk_create(
        [
            AreaRate(
                industry_id=row["industry"],
                district_id=row["district"],
                recent_tests=row["recent_tests"],
                recent_failed=row["recent_failed"],
                baseline_tests=row["baseline_tests"],
                baseline_failed=row["baseline_failed"],
            )
            for row in rows
        ],
        batch_size=2000,
    )
    return len(created)


def _rate(failed: int, tests: int) -> float | None:
    return 100.0 * failed / tests if tests else None


def area_alarms(rates: list[AreaRate]) -> list[tuple[AreaRate, float, float]]:
    """Areas whose recent failure rate is clearly above baseline: at least AREA_MIN_TESTS recent tests, and a rate
    AREA_MARGIN_POINTS points and AREA_MARGIN_FACTOR times above the baseline. Where the district has too little
    history of its own in that industry, the baseline is the industry's rate across the city."""
    city: dict[int, list[int]] = {}
    for rate in rates:
        failed_tests = city.setdefault(rate.industry_id, [0, 0])
        failed_tests[0] += rate.baseline_failed
        failed_tests[1] += rate.baseline_tests
    alarms = []
    for rate in rates:
        if rate.recent_tests < settings.AREA_MIN_TESTS:
            continue
        recent = _rate(rate.recent_failed, rate.recent_tests)
        if rate.baseline_tests >= settings.AREA_MIN_TESTS:
            baseline = _rate(rate.baseline_failed, rate.baseline_tests)
        else:
            baseline = _rate(*city[rate.industry_id]) or 0.0
        if recent >= baseline + settings.AREA_MARGIN_POINTS and recent >= baseline * settings.AREA_MARGIN_FACTOR:
            alarms.append((rate, recent, baseline))
    return alarms


def area_warnings_record(now: datetime.datetime) -> int:
    """Raise a warning for each alarming area that has no open one already (a rerun raises nothing new)."""
    open_areas = set(
        RiskWarning.objects.open().filter(kind=WarningKind.AREA_RATE).values_list("industry_id", "district_id")
    )
    new = [
        RiskWarning(
            kind=WarningKind.AREA_RATE,
            industry_id=rate.industry_id,
            district_id=rate.district_id,
            raised_at=now,
            value=round(recent, 1),
            previous_value=round(baseline, 1),
            details={"recent_tests": rate.recent_tests, "recent_failed": rate.recent_failed},
            status=WarningStatus.OPEN,
        )
        for rate, recent, baseline in area_alarms(list(AreaRate.objects.all()))
        if (rate.industry_id, rate.district_id) not in open_areas
    ]
    RiskWarning.objects.bulk_create(new)
    return len(new)
