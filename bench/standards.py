"""The abolished-standard worklist at city scale: products executing an abolished or replaced standard.

    DATABASE_URL=postgres://... python bench/standards.py [--products 100000]
    python bench/standards.py --smoke          # tiny scale, seconds, SQLite or PostgreSQL; no timing asserted

It migrates the database DATABASE_URL names, creates its own enterprises, standards and products inside one
transaction, times the worklist (its count and first page, as the page and the API run them, and the page through
Django's test client), prints the medians and the plan, and rolls everything back: the database is left as it was.
The target (issue 20): under 200 ms over 100 000 products on PostgreSQL.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qsportal.test_settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

TARGET_MS = 200


class Rollback(Exception):
    pass


def build(products: int, standards: int, outdated_share: float):
    from accounts.models import User
    from accounts.roles import Role, Section
    from core.bulk import bulk_insert
    from enterprises.choices import StandardKind, StandardStatus
    from enterprises.credit_code import build_credit_code
    from enterprises.models import (
        IDENTITY_FIELDS,
        District,
        Enterprise,
        Industry,
        Product,
        ResponsibilityArea,
        Standard,
    )
    from qsportal.reference_data import restore_reference_data

    restore_reference_data()
    rng = random.Random(20)
    officer = User.objects.create(username="bench-standards", role=Role.SUPERVISOR, section=Section.STANDARDIZATION)
    district = District.objects.create(code="439999", name="基准区")
    area = ResponsibilityArea.objects.create(district=district, name="基准镇", officer=officer)
    industry = Industry.objects.order_by("code").first()
    enterprises = max(products // 10, 1)
    bases = rng.sample(range(10_000_000, 100_000_000), enterprises)
    enterprise_ids = bulk_insert(
        Enterprise,
        IDENTITY_FIELDS,
        [
            (
                f"基准企业{n}",
                build_credit_code(division_code="439999", organisation_base=str(base)),
                "张三",
                "地址",
                district.pk,
                area.pk,
                industry.pk,
                "below",
                datetime.date(2010, 1, 1),
                "active",
            )
            for n, base in enumerate(bases)
        ],
    )
    standard_rows = []
    for n in range(standards):
        status = StandardStatus.ABOLISHED if rng.random() < outdated_share else StandardStatus.CURRENT
        standard_rows.append((f"GB/T {90000 + n}-2010", f"基准标准{n}", StandardKind.NATIONAL, status))
    standard_ids = bulk_insert(Standard, ("code", "title", "kind", "status"), standard_rows)
    product_ids = bulk_insert(
        Product,
        ("enterprise", "name", "specification", "trademark"),
        [(rng.choice(enterprise_ids), f"产品{n}", "", "") for n in range(products)],
    )
    through = Product.standards.through
    links = set()
    for product_id in product_ids:
        for standard_id in rng.sample(standard_ids, 2):
            links.add((product_id, standard_id))
    bulk_insert(through, ("product", "standard"), sorted(links))
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return officer


def timed(call, runs: int) -> float:
    call()  # warm up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--standards", type=int, default=2_000)
    parser.add_argument("--outdated-share", type=float, default=0.05, help="share of standards abolished")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--smoke", action="store_true", help="tiny scale, a few runs, no timing asserted")
    args = parser.parse_args()
    if args.smoke:
        args.products, args.standards, args.runs = 200, 40, 2

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from standards import selectors

    call_command("migrate", verbosity=0)
    result = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            officer = build(args.products, args.standards, args.outdated_share)
            print(
                f"built {args.products:,} products, {args.standards:,} standards"
                f" in {time.perf_counter() - started:.1f} s"
            )
            rows = selectors.outdated_executions()
            result["count"] = timed(lambda: rows.count(), args.runs)
            result["first page"] = timed(lambda: list(rows[:50]), args.runs)
            client = Client()
            client.force_login(officer)
            url = "/standards/worklists/outdated/"

            def page():
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            result["page"] = timed(page, args.runs)
            with CaptureQueriesContext(connection) as queries:
                page()
            print(f"worklist rows: {rows.count():,}; page queries: {len(queries)}")
            if connection.vendor == "postgresql" and not args.smoke:
                with connection.cursor() as cursor:
                    sql, params = rows.query.sql_with_params()
                    cursor.execute(f"EXPLAIN ANALYZE SELECT COUNT(*) FROM ({sql}) q", params)
                    print("\n".join(line for (line,) in cursor.fetchall()))
            raise Rollback
    except Rollback:
        pass
    for name, ms in result.items():
        print(f"{name:>12}: {ms:8.1f} ms (median of {args.runs})")
    if args.smoke:
        return 0
    worst = max(result["count"] + result["first page"], 0)
    verdict = "OK" if worst < TARGET_MS else "SLOW"
    print(f"count + first page: {worst:.1f} ms; target {TARGET_MS} ms on PostgreSQL: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
