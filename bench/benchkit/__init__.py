"""What the list and search benchmarks share (bench/public_results.py, register_list.py, name_search.py): Django on
the test settings, each case timed alternately with its floor (the plain SQL that reads the same rows once) so a
noisy machine slows both alike, and one line per case with the project figure, the floor and their ratio."""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    # The test settings: plain static storage (no collectstatic needed), no HTTPS redirect for the test client, and
    # a local-memory cache (the open-data throttle counts there).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qsportal.test_settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.stdout.reconfigure(line_buffering=True)
    import django

    django.setup()


def fresh_database() -> None:
    """Migrate, then empty every table (the reference data restored): for --flush and --smoke."""
    from django.core.management import call_command

    from qsportal.reference_data import restore_reference_data

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()


def vacuum_analyze(*tables: str) -> None:
    """PostgreSQL: VACUUM ANALYZE (the planner's statistics, and the visibility map that lets a count answer from
    an index, as autovacuum keeps it on a live database); SQLite: ANALYZE."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables or ("",):
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


def sql_runner(statements: list[tuple[str, list]]) -> Callable[[], None]:
    """Run each (sql, params), reading every row it returns."""
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def _ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def interleaved(runs: int, *calls: Callable[[], object]) -> list[float]:
    """The median milliseconds of each call, after one warm-up each, the calls taking turns run after run."""
    for call in calls:
        call()
    timings: list[list[float]] = [[] for _ in calls]
    for _ in range(runs):
        for timing, call in zip(timings, calls, strict=True):
            timing.append(_ms(call))
    return [statistics.median(timing) for timing in timings]


def request(client, url: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def query_count(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries.captured_queries)


class Table:
    """Prints one line per case: the project figure, its floor, the ratio, and whether the targets hold (only
    printed: a benchmark never fails on a figure, since a loaded machine would fail it)."""

    def __init__(self, *, target_ms: float, target_ratio: float, smoke: bool, extra: str = "") -> None:
        self.target_ms, self.target_ratio, self.smoke, self.extra = target_ms, target_ratio, smoke, extra
        self.missed: list[str] = []
        print(f"{'case':<58} {'project ms':>10} {'floor ms':>9} {'ratio':>6} {'queries':>7}  {extra}")

    def row(self, label: str, project: float, floor: float, queries: int, note: str = "") -> None:
        ratio = project / floor if floor else float("inf")
        ok = project < self.target_ms and ratio <= self.target_ratio
        mark = "" if self.smoke else ("  ok" if ok else "  MISSED")
        if not ok and not self.smoke:
            self.missed.append(label)
        print(f"{label:<58} {project:>10.1f} {floor:>9.1f} {ratio:>6.2f} {queries:>7}  {note}{mark}")

    def summary(self) -> None:
        target = f"targets: under {self.target_ms:.0f} ms and at most {self.target_ratio:g}x the floor"
        if self.smoke:
            print(f"smoke run: figures not judged ({target})")
        elif self.missed:
            print(f"{target}; missed by {len(self.missed)}: " + "; ".join(self.missed))
        else:
            print(f"{target}; all hold")


def describe_machine() -> str:
    from django.db import connection

    version = connection.vendor
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    return f"{version}; {os.cpu_count()} cores; load average {load_average()}"


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def build_sql_city(enterprises: int, results: int, campaigns: int = 400) -> None:
    """EMPTIES the database, then builds on PostgreSQL, set-based, a city for the list and search benchmarks:
    the demo city's districts, areas, staff and industries (with 100 demo enterprises), then `enterprises` more
    named as the demo names them (a prefix, two brand characters, the industry's word, the legal form), three
    licences each on average, `campaigns` campaigns over four years, `results` final spot-check results (larger
    enterprises checked more often; ~5 % nonconforming, ~0.5 % refused). Minutes, where the demo city's builder
    takes an hour at this size; bench/credit.py --flush builds the richer city the credit figures need."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from inspections.models import Laboratory
    from qsportal.demo import city
    from qsportal.demo.seed import seed_demo_city

    started = time.perf_counter()
    fresh_database()
    seed_demo_city(seed=2026, enterprises=100, as_of=timezone.localdate())
    leader = User.objects.get(username="leader").pk
    supervisor = User.objects.get(username="supervisor").pk
    lab = Laboratory.objects.get_or_create(name="基准测试实验室")[0].pk
    words = sorted({word for words in city.INDUSTRY_WORDS.values() for word in words})
    params = {
        "n": enterprises,
        "results": results,
        "campaigns": campaigns,
        "prefixes": [city.CITY, "岳阳", "湖南", *(name for _code, name, _towns in city.DISTRICTS)],
        "brand": city.BRAND_CHARS,
        "words": words,
        "forms": city.FORMS,
        "leader": leader,
        "supervisor": supervisor,
        "lab": lab,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.4754)")
        cursor.execute(
            """
            INSERT INTO enterprises_enterprise (name, credit_code, legal_representative, address, district_id,
                area_id, industry_id, scale, established_on, status, contact_person, contact_phone, contact_email,
                created_at, updated_at)
            SELECT p.prefix || substr(%(brand)s, 1 + floor(random() * char_length(%(brand)s))::int, 1)
                    || substr(%(brand)s, 1 + floor(random() * char_length(%(brand)s))::int, 1)
                    || (%(words)s::text[])[1 + floor(random() * cardinality(%(words)s::text[]))::int]
                    || (%(forms)s::text[])[1 + floor(random() * cardinality(%(forms)s::text[]))::int],
                '9143' || lpad(g::text, 13, '0') || 'X', '张三', '岳阳市', a.district_id, a.id,
                (SELECT id FROM enterprises_industry ORDER BY id OFFSET (g * 7) %% 30 LIMIT 1),
                CASE WHEN random() < 0.3 THEN 'above' ELSE 'below' END, DATE '2010-03-01',
                CASE WHEN g %% 50 = 0 THEN 'closed' ELSE 'active' END, '', '', '', now(), now()
            FROM generate_series(1, %(n)s) g
            CROSS JOIN LATERAL (
                SELECT (%(prefixes)s::text[])[1 + floor(random() * cardinality(%(prefixes)s::text[]))::int] AS prefix,
                       1 + floor(random() * (SELECT count(*) FROM enterprises_responsibilityarea))::int AS area_n
                WHERE g > 0
            ) p
            JOIN (SELECT row_number() OVER (ORDER BY id) AS n, id, district_id
                  FROM enterprises_responsibilityarea) a ON a.n = p.area_n
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO enterprises_licence (enterprise_id, kind, number, scope, issued_on, expires_on, revoked_on,
                revocation_reason)
            SELECT e.id, (ARRAY['iso_9001', 'food_production', 'industrial_product', 'ccc'])[1 + k],
                'BENCH-' || e.id || '-' || k, '', x.issued, x.issued + 1095 + k * 365, NULL, ''
            FROM enterprises_enterprise e
            CROSS JOIN generate_series(0, 3) k
            CROSS JOIN LATERAL (SELECT current_date - floor(random() * 1800)::int AS issued WHERE k >= 0) x
            WHERE random() < 0.75
            """
        )
        cursor.execute(
            """
            INSERT INTO inspections_campaign (year, title, legal_basis, product_categories, is_food, batches,
                period_start, period_end, inspectors_per_task, pool_filters, status, created_at, approved_at,
                started_at, closed_at, close_note, approved_by_id, created_by_id, lab_id, kind, approval_opinion)
            SELECT extract(year FROM s.start)::int, '基准抽查 ' || k, 'bench', 'bench', k %% 3 = 0, 2500,
                s.start, s.start + 90, 2, '{}'::jsonb, 'closed', now(), now(), now(), now(), '',
                %(leader)s, %(supervisor)s, %(lab)s, 'product', ''
            FROM generate_series(0, %(campaigns)s - 1) k
            CROSS JOIN LATERAL (SELECT current_date - 1461 + (k * 1461 / %(campaigns)s) AS start) s
            ORDER BY k
            """,
            params,
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_e AS SELECT row_number() OVER (ORDER BY id)::int AS n, id
            FROM enterprises_enterprise;
            CREATE TEMP TABLE bench_c AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS k, id, period_start
            FROM inspections_campaign WHERE title LIKE '基准抽查 %%';
            ALTER TABLE bench_e ADD PRIMARY KEY (n);
            ALTER TABLE bench_c ADD PRIMARY KEY (k);
            """
        )
        cursor.execute("SELECT count(*) FROM bench_e")
        params["n"] = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO inspections_task (kind, recheck_round, status, sample_from, due_on, free_of_charge, verdict,
                finalised_at, publish_due_on, cancelled_at, cancel_reason, created_at, campaign_id, draw_id,
                enterprise_id, follow_up_id)
            SELECT 'routine', NULL, 'final', c.period_start, LEAST(c.period_start + 90, f.at::date), false,
                CASE WHEN x.r < 0.05 THEN 'nonconforming' WHEN x.r < 0.055 THEN 'refused' ELSE 'conforming' END,
                f.at, f.at::date + 20, NULL, '', c.period_start::timestamptz, c.id, NULL, e.id, NULL
            FROM (
                SELECT 1 + floor(%(n)s * power(random(), 1.5))::int AS en, floor(random() * %(campaigns)s)::int AS ck,
                       random() AS r, random() AS rf
                FROM generate_series(1, %(results)s)
            ) x
            JOIN bench_e e ON e.n = x.en
            JOIN bench_c c ON c.k = x.ck
            CROSS JOIN LATERAL (SELECT LEAST(c.period_start + interval '20 days' + x.rf * interval '70 days',
                                             now() - interval '1 hour') AS at) f
            """,
            params,
        )
        cursor.execute("DROP TABLE bench_e, bench_c")
    print(f"built the city with SQL in {time.perf_counter() - started:.0f} s")
