"""The registry of what the credit grade and the risk score are computed from: indicators, each a column of a
grouped query over one part of the record (a "source"). One source reads its table once for all its indicators, so
the whole recalculation is a handful of aggregate scans, never a query per enterprise.

The consumer (credit) reads this registry; the producers register their own sources from their `AppConfig.ready`
(enterprises' licences and penalties, inspections' spot checks, brand honours, complaints), so credit never
imports a producer's models. A source names the domain-event kinds that change its rows (`events`): credit
recalculates an enterprise when one of them happens to it. An indicator's weight lives in the scoring model
version, so a new indicator counts once a version gives it points."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Case, FloatField, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import Promise

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
    indicator it feeds. `events` are the domain-event kinds whose occurrence can change the enterprise's row;
    `order` places the source (and its indicators) in the registry, whatever order the apps start in: the model
    form, the explanation and the score's sum follow it."""

    name: str
    rows: Callable[[Window], QuerySet]
    joins_on: str = "id"  # the enterprise column the key matches: id, industry_id or district_id
    events: tuple[str, ...] = ()
    order: int = 1000


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    unit: str | Promise  # what one unit of the value is, e.g. "per nonconforming result"
    source: str
    kind: str = GRADE
    veto: bool = False
    recency_weighted: bool = False


SOURCES: dict[str, Source] = {}
INDICATORS: dict[str, Indicator] = {}


def register_source(source: Source, *indicators: Indicator) -> None:
    """Add a source and the indicators it feeds (idempotent; call from `AppConfig.ready`). Both registries stay
    in the sources' `order` (registration order among equals), the indicators in the order given per source."""
    SOURCES[source.name] = source
    for indicator in indicators:
        INDICATORS[indicator.code] = indicator
    # Re-sorted in place: other modules hold these very dicts.
    sources = sorted(SOURCES.values(), key=lambda s: s.order)
    SOURCES.clear()
    SOURCES.update((s.name, s) for s in sources)
    position = {name: index for index, name in enumerate(SOURCES)}
    ordered = sorted(INDICATORS.values(), key=lambda i: position.get(i.source, len(position)))
    INDICATORS.clear()
    INDICATORS.update((i.code, i) for i in ordered)


def source_events() -> set[str]:
    """Every event kind some registered source changes on."""
    return {kind for source in SOURCES.values() for kind in source.events}


# Failure counts per area (industry × district), for the industry rate and the district trend: the spot checks
# that give them belong to inspections, which registers the function that counts them.
AreaCounts = Callable[[datetime.datetime, datetime.datetime], Iterable[dict]]
_AREA_COUNTS: list[AreaCounts] = []


def register_area_counts(counts: AreaCounts) -> None:
    """Name the function giving, for `(recent_from, baseline_from)`, rows of industry, district, recent_tests,
    recent_failed, baseline_tests and baseline_failed (call from `AppConfig.ready`; the last one registered
    counts)."""
    _AREA_COUNTS[:] = [counts]


def area_counts(recent_from: datetime.datetime, baseline_from: datetime.datetime) -> Iterable[dict]:
    """The registered area counts; none when no app provides them."""
    return _AREA_COUNTS[0](recent_from, baseline_from) if _AREA_COUNTS else []
