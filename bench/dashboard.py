"""Time the leaders' dashboard at city scale: 100 000 enterprises, 1 000 000 final spot-check results.

    DATABASE_URL=postgres://... python bench/dashboard.py --reuse      # measure a database bench/credit.py built
    DATABASE_URL=postgres://... python bench/dashboard.py --flush [--enterprises 100000 --results 1000000]
    DATABASE_URL=postgres://... python bench/dashboard.py --smoke --flush  # a tiny city, seconds (no timing holds)

It migrates first (the dashboard's summary table may be new). With --flush it EMPTIES the database that
DATABASE_URL names and builds it as `bench/credit.py --flush` does, then grades everyone once (grades, their
history, warnings). With --complaints N it adds N complaints for the run (spread over three years, the districts
and twenty products) and deletes them at the end.

It prints, each a median of --runs after one warm-up run:

1. rebuilding the result summary (`result_summary_refresh`: one DELETE and one INSERT ... SELECT over every final
   routine result), which the Celery beat runs on a schedule;
2. for comparison, the dashboard's pass rates read straight from the results (the three grouped queries over the
   results that the summary replaces);
3. the dashboard's aggregates (`analysis.selectors.dashboard`), whole city and one district, with the number of
   queries;
4. the whole page: GET /analysis/dashboard/ through Django's test client, signed in as a leader (session,
   middleware, every query, the template), whole city and one district; target under 1 s;
5. the .xlsx export of every table.

--smoke (with --flush) builds a tiny city (200 enterprises, 3 000 results, 20 complaints) and runs every figure
once, to prove the script still runs (tests/test_bench_smoke.py); it needs PostgreSQL, and on another database
says so and exits with SMOKE_SKIPPED.
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qsportal.test_settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

PAGE_TARGET_S = 1.0
BENCH_PLACE = "bench-dashboard"
SMOKE_SKIPPED = 75  # the exit status of a --smoke that cannot run on this database (tests/test_bench_smoke.py)


def build(enterprises: int, results: int) -> None:
    """The city of bench/credit.py (loaded by path: its module name would clash with the credit app), graded."""
    from credit.services import recalculate_all

    spec = importlib.util.spec_from_file_location("bench_credit", Path(__file__).with_name("credit.py"))
    bench_credit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_credit)
    bench_credit.build(enterprises, results)
    began = time.perf_counter()
    outcome = recalculate_all(cause="scheduled")
    print(f"graded everyone once: {time.perf_counter() - began:.1f} s, {outcome.as_counts()}")


def add_complaints(count: int) -> int:
    """`count` complaints for this run, made set-based through the ORM in batches (tagged to be deleted after)."""
    import datetime
    import random

    from django.apps import apps
    from django.utils import timezone

    from enterprises.models import District

    try:
        complaint_model = apps.get_model("complaints", "Complaint")
    except LookupError:
        print("no complaints model: --complaints ignored")
        return 0
    rng = random.Random(7)
    districts = list(District.objects.all())
    kinds = [kind for kind, _label in complaint_model._meta.get_field("kind").choices]
    products = [f"基准产品{n}" for n in range(20)]
    now = timezone.now()
    batch = []
    for n in range(count):
        batch.append(
            complaint_model(
                tracking_number=f"BENCH{n:012d}",
                kind=rng.choice(kinds),
                product_name=products[min(int(rng.expovariate(0.3)), 19)],
                place=BENCH_PLACE,
                description="bench",
                anonymous=True,
                district=rng.choice(districts),
                received_at=now - datetime.timedelta(days=rng.random() * 1095),
            )
        )
        if len(batch) == 5000:
            complaint_model.objects.bulk_create(batch)
            batch = []
    complaint_model.objects.bulk_create(batch)
    return count


def remove_complaints() -> None:
    from django.apps import apps

    try:
        apps.get_model("complaints", "Complaint").objects.filter(place=BENCH_PLACE).delete()
    except LookupError:
        pass


def timed(call, runs: int) -> tuple[float, float, list[float], int, list[dict]]:
    """(first run, median of `runs` after it, each of them, the number of queries of the last run, those queries)
    of `call()`, in seconds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    began = time.perf_counter()
    call()
    first = time.perf_counter() - began
    timings, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            call()
            timings.append(time.perf_counter() - began)
        queries = captured.captured_queries
    return first, statistics.median(timings), timings, len(queries), queries


def live_pass_rates(filters) -> None:
    """The pass rates straight from the results: what the summary table saves the page from."""
    from django.db.models import Count, Q

    from analysis.quarters import during_quarters
    from inspections.choices import FAILED_VERDICTS, TaskKind, TaskStatus
    from inspections.models import Task

    results = Task.objects.filter(
        during_quarters(filters.start, filters.end, "finalised_at"), status=TaskStatus.FINAL, kind=TaskKind.ROUTINE
    ).order_by()
    if filters.district is not None:
        results = results.filter(enterprise__district=filters.district)
    counts = {"tested": Count("pk"), "failed": Count("pk", filter=Q(verdict__in=FAILED_VERDICTS))}
    list(results.values("enterprise__industry_id").annotate(**counts))
    list(results.values("enterprise__district_id").annotate(**counts))
    list(results.values("finalised_at__year", "finalised_at__quarter").annotate(**counts))


def describe() -> list[str]:
    from django.db import connection

    queries = [
        ("enterprises", "SELECT count(*) FROM enterprises_enterprise"),
        (
            "final results",
            "SELECT count(*), count(*) FILTER (WHERE kind = 'routine'),"
            " count(*) FILTER (WHERE verdict IN ('nonconforming', 'refused')), min(finalised_at)::date,"
            " max(finalised_at)::date FROM inspections_task WHERE status = 'final'",
        ),
        ("open follow-ups", "SELECT count(*) FROM inspections_followup WHERE stage <> 'closed'"),
        ("credit grades", "SELECT count(*), (SELECT count(*) FROM credit_gradechange) FROM credit_creditgrade"),
        ("open warnings", "SELECT count(*) FROM credit_riskwarning WHERE status = 'open'"),
        ("complaints", "SELECT count(*) FROM complaints_complaint"),
    ]
    formats = {
        "enterprises": "{0:,}",
        "final results": "{0:,} ({1:,} routine, {2:,} failed; {3} to {4})",
        "open follow-ups": "{0:,}",
        "credit grades": "{0:,} ({1:,} changes in the history)",
        "open warnings": "{0:,}",
        "complaints": "{0:,}",
    }
    lines = []
    with connection.cursor() as cursor:
        for label, sql in queries:
            try:
                cursor.execute(sql)
            except Exception:  # the complaints table may not exist yet
                lines.append(f"  {label:<16} (no table)")
                continue
            lines.append(f"  {label:<16} {formats[label].format(*cursor.fetchone())}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--results", type=int, default=1_000_000, help="final spot-check results")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each figure (after one warm-up)")
    parser.add_argument("--complaints", type=int, default=0, help="complaints added for the run, deleted after")
    parser.add_argument("--flush", action="store_true", help="confirm that the database may be emptied")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (built by a prior run)")
    parser.add_argument("--smoke", action="store_true", help="a tiny city, to prove the script runs (no timing)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if args.smoke:
        if not args.flush:
            parser.error("--smoke builds its own tiny city: pass --flush to confirm the database may be emptied")
        args.enterprises, args.results, args.runs, args.complaints = 200, 3_000, 1, 20
    if not (args.flush or args.reuse):
        parser.error("pass --flush to confirm that the database named by DATABASE_URL may be emptied (or --reuse)")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from analysis import selectors
    from analysis.models import ResultSummary
    from analysis.services import result_summary_refresh
    from enterprises.models import District

    if connection.vendor != "postgresql":
        if args.smoke:
            print(f"smoke skipped: this benchmark needs PostgreSQL, not {connection.vendor}")
            sys.exit(SMOKE_SKIPPED)
        parser.error("this benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    call_command("migrate", verbosity=0)
    if args.flush:
        build(args.enterprises, args.results)
    setup_test_environment()  # the test client's host is allowed; nothing else changes
    added = add_complaints(args.complaints) if args.complaints else 0
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
            cursor.execute("SHOW work_mem")
            work_mem = cursor.fetchone()[0]
            cursor.execute("SHOW max_parallel_workers_per_gather")
            parallel = cursor.fetchone()[0]
        print(f"\nload average at start: {os.getloadavg()[0]:.2f} (other processes on this machine skew the timings)")
        print(
            f"PostgreSQL {server} (work_mem {work_mem}, max_parallel_workers_per_gather {parallel});"
            f" {os.cpu_count()} cores"
        )
        print("data:" + (f" (with {added:,} complaints added for this run)" if added else ""))
        print("\n".join(describe()))

        today = timezone.localdate()
        district = District.objects.order_by("code").first()
        city = selectors.DashboardFilters.default(today)
        one = selectors.DashboardFilters.default(today, district=district)

        refresh = timed(result_summary_refresh, args.runs)
        summary_rows = ResultSummary.objects.count()
        live = timed(lambda: live_pass_rates(city), args.runs)
        live_one = timed(lambda: live_pass_rates(one), args.runs)
        aggregates = timed(lambda: selectors.dashboard(city), args.runs)
        aggregates_one = timed(lambda: selectors.dashboard(one), args.runs)

        leader = User.objects.filter(role=Role.LEADER, is_active=True).order_by("pk").first()
        client = Client()
        client.force_login(leader)
        url = reverse("analysis:dashboard")

        def get(address: str, query: dict | None = None):
            def call():
                response = client.get(address, query or {})
                assert response.status_code == 200, response.status_code
                return response

            return call

        page = timed(get(url), args.runs)
        page_one = timed(get(url, {"district": district.pk}), args.runs)
        export = timed(get(reverse("analysis:dashboard_export")), args.runs)
        size = len(get(url)().content)

        def line(label: str, figure=None, target: str = "", ok: bool | None = None) -> None:
            mark = "" if ok is None else (" ok" if ok else " MISSED")
            value = "" if figure is None else f"{figure[1] * 1000:,.0f} ms"
            queries = "" if figure is None else f"{figure[3]} q"
            print(f"{label:<62} {value:>10} {queries:>6}  {target}{mark}")
            if figure is not None:
                runs = ", ".join(f"{seconds * 1000:.0f}" for seconds in figure[2])
                print(f"{'':<4}(warm-up {figure[0] * 1000:,.0f} ms; runs {runs} ms)")

        print(f"\nfilters: {city.start.label} to {city.end.label}; one district = {district.name}")
        print(f"result summary: {summary_rows:,} rows\n")
        print(f"{'figure':<62} {'median':>10} {'':>6}  target")
        line("rebuild the result summary (Celery, on a schedule)", refresh)
        line("pass rates read live from the results, whole city", live)
        line("pass rates read live from the results, one district", live_one)
        line("dashboard aggregates, whole city", aggregates)
        line("dashboard aggregates, one district", aggregates_one)
        target = f"< {PAGE_TARGET_S:.0f} s"
        line("whole page GET /analysis/dashboard/, whole city", page, target, page[1] < PAGE_TARGET_S)
        line("whole page, one district", page_one, target, page_one[1] < PAGE_TARGET_S)
        line("export .xlsx, whole city", export)
        print("\nthe slowest queries of the whole-city page (last run):")
        for query in sorted(page[4], key=lambda query: -float(query["time"]))[:6]:
            print(f"  {float(query['time']) * 1000:>7.1f} ms  {query['sql'][:100]}")
        print(f"\npage size {size / 1024:.0f} KiB (ECharts itself is a separate static file, cached)")
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        if added:
            remove_complaints()


if __name__ == "__main__":
    main()
