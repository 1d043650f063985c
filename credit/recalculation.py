"""The recalculation: every grade and risk score computed in the database, set-based.

One statement builds a temporary table with every indicator value, the score, the grades and the risk of the
enterprises concerned (all of them, or a few after an event), joining one grouped query per source; three more
statements write, from it, the history of changed grades, the risk-jump warnings and the changed rows. Nothing
loops over enterprises in Python, and a rerun over unchanged data writes nothing.

Runs exclude each other on PostgreSQL with advisory locks held to the end of the transaction: a full run takes
the recalculation lock exclusively; an enterprise's run takes it shared plus that enterprise's own lock, so runs
for different enterprises proceed together, and two runs can never both write the same change to history.

Nothing waits behind a full run. A second full run is refused at once, naming the running one
(RecalculationRunning). An enterprise's run that finds a full run holding the lock records the enterprise as
deferred (DeferredRecalculation) and returns at once; the full run recalculates the deferred enterprises as soon
as it has committed. A third lock makes that hand-over exact: an enterprise's run holds it shared from its check
of the recalculation lock to its commit, and the full run takes it exclusively before it reads the deferred ones,
so it sees every one recorded while it ran."""

import datetime
import json
import threading
import time
from dataclasses import asdict, dataclass, replace

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.indicators import GRADE, INDICATORS, RISK, SOURCES, Indicator, Window
from core.models import CalendarDay, CalendarYear, JobRun
from credit.areas import area_rates_rebuild, area_warnings_record
from credit.choices import Grade, OverrideStatus, WarningKind, WarningStatus
from credit.models import CreditGrade, DeferredRecalculation, GradeChange, GradeOverride, RiskWarning, ScoringModel

LOCK_ALL = 0x43524544  # "CRED": the recalculation lock (exclusive for a full run, shared for an enterprise's)
LOCK_ENTERPRISE = 0x4352  # with the enterprise id: one run per enterprise at a time
LOCK_FULL = 0x43524546  # "CREF": one full run at a time, tried and never waited for (unless its holder is dead)
LOCK_DEFERRED = 0x43524452  # "CRDR": deferring an enterprise's run (shared) against reading the deferred (exclusive)
FULL_RUN_PREFIX = "credit.recalculate."
# A dead worker's database session ends this soon after the worker (rather than at the end of its statement).
CLIENT_CHECK_INTERVAL = "10s"
TEMP = "credit_calc"
# The indicator (registered by inspections) whose value above 0 shows a conforming spot check in the window.
CONFORMING = "conforming"


@dataclass(frozen=True)
class Outcome:
    enterprises: int
    changed: int
    grade_changes: int
    warnings: int
    deferred: bool = False  # an enterprise's run recorded for the full run under way, not done yet

    def as_counts(self) -> dict:
        counts = asdict(self)
        del counts["deferred"]
        return counts


class RecalculationRunning(Exception):
    """A full recalculation is under way: another is refused at once. `run` is the running one's record."""

    def __init__(self, run: JobRun | None):
        self.run = run
        super().__init__(f"a full recalculation is running: {run}" if run else "a full recalculation is running")


def full_run_in_progress(*, exclude: JobRun | None = None) -> JobRun | None:
    """The full run under way, if any: recorded as running and beating (a silent one lost its worker)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.JOB_LOST_AFTER_SECONDS)
    runs = JobRun.objects.filter(
        name__startswith=FULL_RUN_PREFIX, status=JobRun.Status.RUNNING, heartbeat_at__gte=cutoff
    )
    if exclude is not None:
        runs = runs.exclude(pk=exclude.pk)
    return runs.order_by("started_at", "pk").first()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _round(sql: str, digits: int) -> str:
    if connection.vendor == "postgresql":
        return f"ROUND(({sql})::numeric, {digits})::float8"
    return f"ROUND({sql}, {digits})"


def _json_object(pairs: list[tuple[str, str]]) -> str:
    function = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    arguments = ", ".join(f"'{key}', {value}" for key, value in pairs)
    return f"{function}({arguments})"


def _fence() -> str:
    """Keep PostgreSQL from flattening a subquery into its parent, which would copy the score expression (with its
    caps and clamps) into every column computed from it."""
    return " OFFSET 0" if connection.vendor == "postgresql" else ""


def _json_value(indicator: Indicator) -> str:
    """Counts are whole numbers; only recency-weighted sums are rounded (so float noise never reads as change)."""
    column = f"v.{_q(indicator.code)}"
    return _round(column, 3) if indicator.recency_weighted else column


def held_at_b(model: ScoringModel, *, score: float, computed_grade: str, values: dict) -> bool:
    """Whether the version's rule held a score in A's range at B: no conforming spot check in the look-back window
    (a conforming value of 0). The SQL below applies the same rule; the explanation uses this."""
    return (
        model.a_needs_conforming_check
        and computed_grade == Grade.B
        and score >= model.grade_a_min
        and not float(values.get(CONFORMING) or 0) > 0
    )


def _clamp(sql: str) -> str:
    return f"(CASE WHEN ({sql}) < 0 THEN 0 WHEN ({sql}) > 100 THEN 100 ELSE ({sql}) END)"


def contribution(indicator: Indicator, value: float, weights: dict) -> float:
    """Points an indicator adds to (or takes off) the score: value × points, held to the cap. The SQL below
    computes the same; the explanation uses this."""
    weight = weights.get(indicator.code) or {}
    points = value * float(weight.get("points", 0))
    cap = weight.get("cap")
    if cap is not None:
        points = max(-float(cap), min(float(cap), points))
    return points


def _contribution_sql(column: str, weight: dict | None) -> str | None:
    weight = weight or {}
    points = float(weight.get("points", 0))
    if not points:
        return None
    sql = f"{column} * {points!r}"
    cap = weight.get("cap")
    if cap is not None:
        cap = float(cap)
        sql = f"(CASE WHEN {sql} > {cap!r} THEN {cap!r} WHEN {sql} < {-cap!r} THEN {-cap!r} ELSE {sql} END)"
    return sql


def _enterprise_table() -> str:
    """The enterprises' table, through credit's own relation to it (credit does not import enterprises' models)."""
    return CreditGrade._meta.get_field("enterprise").related_model._meta.db_table


def _values_sql(window: Window) -> tuple[str, list]:
    """SELECT every indicator value per enterprise: the enterprise table LEFT JOINed to each source's rows."""
    enterprise = _q(_enterprise_table())
    columns, joins, params = [], [], []
    for index, source in enumerate(SOURCES.values()):
        alias = f"s{index}"
        sql, source_params = source.rows(window).query.sql_with_params()
        joins.append(f"LEFT JOIN ({sql}) {alias} ON {alias}.{_q('key')} = e.{_q(source.joins_on)}")
        params.extend(source_params)
        for indicator in INDICATORS.values():
            if indicator.source == source.name:
                columns.append(f"COALESCE({alias}.{_q(indicator.code)}, 0) AS {_q(indicator.code)}")
    where = ""
    if window.enterprise_ids is not None:
        where = f"WHERE e.id IN ({', '.join(['%s'] * len(window.enterprise_ids))})"
        params.extend(window.enterprise_ids)
    sql = f"SELECT e.id AS enterprise_id, {', '.join(columns)} FROM {enterprise} e {' '.join(joins)} {where}"
    return sql, params


def _calc_sql(window: Window, model: ScoringModel) -> tuple[str, list]:
    """The temporary table: values, score, computed and effective grade, override, risk, per enterprise."""
    values_sql, params = _values_sql(window)
    grade_parts = [
        part
        for indicator in INDICATORS.values()
        if indicator.kind == GRADE
        if (part := _contribution_sql(f"v.{_q(indicator.code)}", model.weights.get(indicator.code)))
    ]
    risk_parts = [
        part
        for indicator in INDICATORS.values()
        if indicator.kind == RISK
        if (part := _contribution_sql(f"v.{_q(indicator.code)}", model.risk_weights.get(indicator.code)))
    ]
    score = _round(_clamp(" + ".join([repr(float(model.base_score)), *grade_parts])), 1)
    risk = _round(_clamp(" + ".join(["0.0", *risk_parts])), 1)
    vetoes = " OR ".join([f"v.{_q(i.code)} > 0" for i in INDICATORS.values() if i.veto] or ["1 = 0"])
    checked = f"v.{_q(CONFORMING)} > 0" if CONFORMING in INDICATORS else "1 = 0"
    values_json = _json_object([(i.code, _json_value(i)) for i in INDICATORS.values() if i.kind == GRADE])
    risk_json = _json_object([(i.code, _json_value(i)) for i in INDICATORS.values() if i.kind == RISK])
    scored = (
        f"SELECT v.enterprise_id, {score} AS score, CASE WHEN {vetoes} THEN 1 ELSE 0 END AS vetoed,"
        f" CASE WHEN {checked} THEN 1 ELSE 0 END AS checked,"
        f" {risk} AS risk_score, {values_json} AS indicator_values, {risk_json} AS risk_values"
        f" FROM ({values_sql}{_fence()}) v"
    )
    # Grade A needs a conforming spot check in the window (when the version says so): a score in A's range without
    # one falls through to B, as `held_at_b` explains.
    a_condition = f"s.score >= {model.grade_a_min!r}"
    if model.a_needs_conforming_check:
        a_condition += " AND s.checked = 1"
    graded = (
        f"SELECT s.*, CASE WHEN s.vetoed = 1 THEN 'C' WHEN {a_condition} THEN 'A'"
        f" WHEN s.score >= {model.grade_b_min!r} THEN 'B' ELSE 'C' END AS computed_grade FROM ({scored}{_fence()}) s"
    )
    override = _q(GradeOverride._meta.db_table)
    sql = (
        f"CREATE TEMP TABLE {TEMP} AS SELECT c.*, COALESCE(o.grade, c.computed_grade) AS grade,"
        f" o.id AS override_id FROM ({graded}) c LEFT JOIN {override} o"
        f" ON o.enterprise_id = c.enterprise_id AND o.status = %s AND o.expires_on >= %s"
    )
    return sql, [*params, OverrideStatus.APPROVED, window.today]


# The compiled SQL of an enterprise's run, so an event recalculation does not rebuild the same ten source querysets
# in Python each time (two thirds of its time). Keyed by what the SQL text and its constant parameters depend on:
# the scoring model version (its numbers are in the text), the registered sources and indicators, the database, the
# window's local day and rules, and the number of enterprises (the IN list). What changes within that key is a
# parameter: the window's moments (now, the look-back start, the risk period's start, the recency cut-offs: the
# datetimes a source reads from the Window) and the enterprise ids. A source's own function of the day (the
# self-report quarters due, which read the working-day calendar) is a constant within the key.
#
# The recipe (which parameter is which moment or id) is learned by compiling twice, with probe ids no enterprise has
# and moments a second apart, and used only if it reproduces the second compilation exactly; otherwise the key is
# compiled every time. An entry lives SQL_CACHE_SECONDS, and is dropped at once when a setting or the calendar
# changes in this process (another process's calendar change is seen within SQL_CACHE_SECONDS). The full run
# compiles afresh every time (its compilation is nothing beside its statement), so the nightly run corrects anything.
SQL_CACHE_SECONDS = 300
_SQL_CACHE: dict[tuple, tuple[float, tuple[str, tuple] | None]] = {}
_SQL_CACHE_LOCK = threading.Lock()
_SQL_CACHE_SIZE = 32
_PROBE_IDS = (10**15, 2 * 10**15)  # ids no enterprise has, one base per probe


def sql_cache_clear(**_kwargs) -> None:
    """Forget the compiled SQL of enterprise runs (a setting or the calendar changed; tests start afresh)."""
    with _SQL_CACHE_LOCK:
        _SQL_CACHE.clear()


setting_changed.connect(sql_cache_clear, dispatch_uid="credit.recalculation.sql_cache")
for _calendar in (CalendarDay, CalendarYear):
    post_save.connect(sql_cache_clear, sender=_calendar, dispatch_uid=f"credit.sql_cache.save.{_calendar.__name__}")
    post_delete.connect(sql_cache_clear, sender=_calendar, dispatch_uid=f"credit.sql_cache.del.{_calendar.__name__}")


def _moments(window: Window) -> dict[str, object]:
    """The window's datetimes a source may read, by name, raw and as the database adapter passes them."""
    raw = {"now": window.now, "start": window.start, "risk_start": window.risk_start}
    for age in range(len(window.recency_factors)):
        raw[f"recency{age}"] = window.now - relativedelta(years=age + 1)
    adapt = connection.ops.adapt_datetimefield_value
    moments = {}
    for name, value in raw.items():
        moments[("raw", name)] = value
        moments[("db", name)] = adapt(value)
    return moments


def _recipe(sql_params: tuple[str, list], window: Window) -> tuple | None:
    """For each parameter: ("id", i), ("moment", (form, name)) or ("const", value); None if one cannot be named."""
    moments = _moments(window)
    ids = {pk: index for index, pk in enumerate(window.enterprise_ids or ())}
    slots = []
    for value in sql_params[1]:
        if isinstance(value, int) and not isinstance(value, bool) and value in ids:
            slots.append(("id", ids[value]))
            continue
        if isinstance(value, datetime.datetime | str):
            named = [key for key, moment in moments.items() if type(moment) is type(value) and moment == value]
            if named:
                slots.append(("moment", named[0]))
                continue
        slots.append(("const", value))
    return tuple(slots)


def _apply(slots: tuple, window: Window) -> list:
    moments = None
    params = []
    for kind, what in slots:
        if kind == "id":
            params.append(window.enterprise_ids[what])
        elif kind == "moment":
            moments = moments or _moments(window)
            params.append(moments[what])
        else:
            params.append(what)
    return params


def _probe(window: Window, base: int, shift: datetime.timedelta) -> Window:
    ids = None if window.enterprise_ids is None else tuple(base + n for n in range(len(window.enterprise_ids)))
    return replace(window, now=window.now + shift, enterprise_ids=ids)


def _cache_key(window: Window, model: ScoringModel) -> tuple:
    rules = (
        model.pk,
        model.version,
        model.base_score,
        model.grade_a_min,
        model.grade_b_min,
        model.a_needs_conforming_check,
        json.dumps(model.weights, sort_keys=True),
        json.dumps(model.risk_weights, sort_keys=True),
    )
    registry = (
        tuple((s.name, s.rows, s.joins_on) for s in SOURCES.values()),
        tuple((i.code, i.source, i.kind, i.veto, i.recency_weighted) for i in INDICATORS.values()),
    )
    ids = None if window.enterprise_ids is None else len(window.enterprise_ids)
    return (
        connection.vendor,
        connection.alias,
        rules,
        registry,
        window.today,
        window.lookback_years,
        window.recency_factors,
        ids,
    )


def _cached_calc_sql(window: Window, model: ScoringModel) -> tuple[str, list]:
    """`_calc_sql`, compiled once per key for an enterprise's run (see _SQL_CACHE)."""
    if window.enterprise_ids is None:
        return _calc_sql(window, model)
    key = _cache_key(window, model)
    with _SQL_CACHE_LOCK:
        expires, cached = _SQL_CACHE.get(key, (0.0, False))
    if expires < time.monotonic():
        cached = False
    if cached is False:
        # Two probes a second apart on the same local day (the key's), with ids no enterprise has.
        second = datetime.timedelta(seconds=1)
        shift = -second if timezone.localdate(window.now - second) == window.today else second
        first_probe = _probe(window, _PROBE_IDS[0], datetime.timedelta(0))
        second_probe = _probe(window, _PROBE_IDS[1], shift)
        first, second_sql = _calc_sql(first_probe, model), _calc_sql(second_probe, model)
        slots = _recipe(first, first_probe)
        reproduces = first[0] == second_sql[0] and _apply(slots, second_probe) == list(second_sql[1])
        cached = (first[0], slots) if reproduces else None
        with _SQL_CACHE_LOCK:
            if len(_SQL_CACHE) >= _SQL_CACHE_SIZE:
                _SQL_CACHE.clear()
            _SQL_CACHE[key] = (time.monotonic() + SQL_CACHE_SECONDS, cached)
    if cached is None:
        return _calc_sql(window, model)
    sql, slots = cached
    return sql, _apply(slots, window)


def _lock(enterprise_ids: tuple[int, ...] | None, *, run: JobRun | None) -> bool:
    """Take the run's locks. False: an enterprise's run found a full run under way and must be deferred."""
    if connection.vendor != "postgresql":
        return True  # SQLite serialises writers itself
    with connection.cursor() as cursor:
        if connection.pg_version >= 140000:
            cursor.execute(f"SET LOCAL client_connection_check_interval = '{CLIENT_CHECK_INTERVAL}'")
        if enterprise_ids is None:
            if not _scalar(cursor, "SELECT pg_try_advisory_xact_lock(%s)", [LOCK_FULL]):
                running = full_run_in_progress(exclude=run)
                if running is not None:
                    raise RecalculationRunning(running)
                # The holder is not beating: a dead worker's session that has not ended yet. Wait for it.
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_FULL])
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ALL])
            return True
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_DEFERRED])
        if not _scalar(cursor, "SELECT pg_try_advisory_xact_lock_shared(%s)", [LOCK_ALL]):
            return False
        # One statement for all the enterprises' locks, taken in id order (the window's ids are sorted; unnest
        # keeps their order), so two runs over overlapping sets cannot deadlock.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::int[]) AS id", [LOCK_ENTERPRISE, list(enterprise_ids)]
        )
    return True


def _no_jit() -> None:
    """The statement's cost estimate crosses PostgreSQL's JIT thresholds, and compiling it costs more than it
    saves (seconds, for a query that runs in a few)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _work_mem(cursor, window: Window) -> None:
    """Give a full run's statement the memory its sorts and hashes need, sized by the city (the planner's estimate
    of the enterprises): CREDIT_RECALC_WORK_MEM_KB_PER_ENTERPRISE each, at most CREDIT_RECALC_WORK_MEM_MAX_MB, never
    less than the server's own setting. For this transaction only. An enterprise's run reads a few rows: unchanged."""
    if connection.vendor != "postgresql" or window.enterprise_ids is not None:
        return
    cursor.execute(
        "SELECT GREATEST(c.reltuples, 0)::bigint, pg_size_bytes(current_setting('work_mem')) / 1024"
        " FROM pg_class c WHERE c.oid = %s::regclass",
        [_enterprise_table()],
    )
    estimate, current_kb = cursor.fetchone()  # 0 until analysed: a new city, which the server's own setting serves
    per_enterprise = settings.CREDIT_RECALC_WORK_MEM_KB_PER_ENTERPRISE
    wanted_kb = int(min(estimate * per_enterprise, settings.CREDIT_RECALC_WORK_MEM_MAX_MB * 1024))
    if wanted_kb > current_kb:
        cursor.execute(f"SET LOCAL work_mem = '{wanted_kb}kB'")


def window_for(model: ScoringModel, now: datetime.datetime, enterprise_ids=None) -> Window:
    return Window(
        now=now,
        lookback_years=model.lookback_years,
        recency_factors=tuple(model.recency_factors),
        enterprise_ids=None if enterprise_ids is None else tuple(sorted(set(enterprise_ids))),
    )


def recalculate(
    *,
    cause: str,
    enterprise_ids=None,
    detail: str = "",
    run=None,
    now: datetime.datetime | None = None,
) -> Outcome:
    """Recompute grades and risk for `enterprise_ids` (None: every enterprise), writing only what changed.
    Idempotent: a second run over the same record changes nothing and adds no history."""
    as_of = now
    now = now or timezone.now()
    with transaction.atomic():
        model = ScoringModel.objects.in_force(timezone.localdate(now))
        if model is None:
            raise ScoringModel.DoesNotExist("No scoring model is in force.")
        window = window_for(model, now, enterprise_ids)
        if window.enterprise_ids == ():
            return Outcome(0, 0, 0, 0)
        if not _lock(window.enterprise_ids, run=run):
            DeferredRecalculation.objects.bulk_create(
                DeferredRecalculation(enterprise_id=pk, cause=cause, detail=detail[:64], as_of=as_of)
                for pk in window.enterprise_ids
            )
            return Outcome(0, 0, 0, 0, deferred=True)
        _no_jit()
        if window.enterprise_ids is None:
            area_rates_rebuild(now)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
            _work_mem(cursor, window)
            cursor.execute(*_cached_calc_sql(window, model))
            enterprises = _scalar(cursor, f"SELECT COUNT(*) FROM {TEMP}")
            grade_changes = _write_history(cursor, now=now, cause=cause, detail=detail, model=model, run=run)
            warnings = _write_risk_warnings(cursor, now=now)
            changed = _write_grades(cursor, now=now, model=model)
            cursor.execute(f"DROP TABLE {TEMP}")
        if window.enterprise_ids is None:
            warnings += area_warnings_record(now)
    return Outcome(enterprises, changed, grade_changes, warnings)


def recalculate_deferred() -> int:
    """Recalculate the enterprises deferred while a full run held the lock (call once it has committed), each with
    the cause and detail it was asked for. The number of requests done."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_DEFERRED])
        pending = list(DeferredRecalculation.objects.filter(done_at__isnull=True).order_by("requested_at", "pk"))
    groups: dict[tuple, list[DeferredRecalculation]] = {}
    for request in pending:
        groups.setdefault((request.cause, request.detail, request.as_of), []).append(request)
    for (cause, detail, as_of), requests in groups.items():
        with transaction.atomic():
            recalculate(cause=cause, enterprise_ids=[r.enterprise_id for r in requests], detail=detail, now=as_of)
            DeferredRecalculation.objects.filter(pk__in=[r.pk for r in requests]).update(done_at=timezone.now())
    return len(pending)


def _scalar(cursor, sql: str, params=()) -> int:
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


def _current_join() -> str:
    return f"LEFT JOIN {_q(CreditGrade._meta.db_table)} g ON g.enterprise_id = t.enterprise_id"


def _write_history(cursor, *, now, cause, detail, model, run) -> int:
    table = _q(GradeChange._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} (enterprise_id, at, previous_grade, grade, computed_grade, score, cause, detail,"
        f" override_id, model_id, run_id) "
        f"SELECT t.enterprise_id, %s, COALESCE(g.grade, ''), t.grade, t.computed_grade, t.score, %s, %s,"
        f" t.override_id, %s, %s FROM {TEMP} t {_current_join()} "
        f"WHERE g.grade IS NULL OR g.grade <> t.grade OR g.override_id IS DISTINCT FROM t.override_id",
        [now, cause, detail[:64], model.pk, getattr(run, "pk", None)],
    )
    return cursor.rowcount


def _write_risk_warnings(cursor, *, now) -> int:
    table = _q(RiskWarning._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} (kind, enterprise_id, raised_at, value, previous_value, details, status, note) "
        f"SELECT %s, t.enterprise_id, %s, t.risk_score, g.risk_score, t.risk_values, %s, '' "
        f"FROM {TEMP} t JOIN {_q(CreditGrade._meta.db_table)} g ON g.enterprise_id = t.enterprise_id "
        f"WHERE t.risk_score - g.risk_score >= %s AND t.risk_score >= %s AND NOT EXISTS ("
        f"  SELECT 1 FROM {table} w WHERE w.enterprise_id = t.enterprise_id AND w.kind = %s AND w.status = %s)",
        [
            WarningKind.RISK_JUMP,
            now,
            WarningStatus.OPEN,
            settings.RISK_JUMP_POINTS,
            settings.RISK_WARNING_MIN,
            WarningKind.RISK_JUMP,
            WarningStatus.OPEN,
        ],
    )
    return cursor.rowcount


def _write_grades(cursor, *, now, model) -> int:
    table = _q(CreditGrade._meta.db_table)
    columns = [
        "grade",
        "computed_grade",
        "score",
        "indicator_values",
        "override_id",
        "risk_score",
        "risk_values",
    ]
    differs = " OR ".join(f"g.{c} IS DISTINCT FROM t.{c}" for c in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in [*columns, "model_id", "changed_at"])
    cursor.execute(
        f"INSERT INTO {table} (enterprise_id, {', '.join(columns)}, model_id, changed_at) "
        f"SELECT t.enterprise_id, {', '.join(f't.{c}' for c in columns)}, %s, %s FROM {TEMP} t {_current_join()} "
        f"WHERE g.enterprise_id IS NULL OR g.model_id <> %s OR {differs} "
        f"ON CONFLICT (enterprise_id) DO UPDATE SET {updates}",
        [model.pk, now, model.pk],
    )
    return cursor.rowcount
