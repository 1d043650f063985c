"""Credit's own sources of the grade and the risk score: the serious-dishonesty list, and the failure rates of the
enterprise's industry and district (read from credit's own table of area rates). The registry itself lives in
`core.indicators`; the other apps register their sources from their own `AppConfig.ready`."""

from django.conf import settings
from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import NullIf, Round
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

# GRADE and INDICATORS too: credit's forms and views read the registry through this module.
from core.indicators import GRADE, INDICATORS, RISK, Indicator, Source, Window, register_source  # noqa: F401
from credit import events
from credit.choices import BlacklistStatus
from credit.models import AreaRate, BlacklistEntry


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


def register() -> None:
    """Credit's sources, after the spot checks and the enterprise records (see `Source.order`)."""
    register_source(
        Source("blacklist", blacklist_rows, events=(events.LISTED, events.DELISTED), order=60),
        Indicator("blacklisted", _("On the serious-dishonesty list"), _("while listed"), "blacklist", veto=True),
    )
    register_source(
        Source("industry_rate", industry_rate_rows, joins_on="industry_id", order=70),
        Indicator(
            "industry_rate",
            _("Failure rate of the product category"),
            _("per percentage point"),
            "industry_rate",
            kind=RISK,
        ),
    )
    register_source(
        Source("district_trend", district_trend_rows, joins_on="district_id", order=80),
        Indicator(
            "district_trend",
            _("Rise of the district's failure rate"),
            _("per percentage point above baseline"),
            "district_trend",
            kind=RISK,
        ),
    )
