"""Median response times and query counts of the register's list page and API list at city scale.

    DATABASE_URL=postgres://... python bench/register_list.py --flush [--enterprises 100000 --licences 300000]

It EMPTIES the database that DATABASE_URL names (hence --flush), builds the demo city, tops the licences up to
--licences, then times filtered, sorted first pages through Django's test client (no network in between).
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
# The test settings: plain static storage (no collectstatic needed) and no HTTPS redirect for the test client.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qsportal.test_settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

AS_OF = datetime.date(2026, 11, 1)


def build(enterprises: int, licences: int) -> None:
    from django.core.management import call_command

    from core.bulk import bulk_insert
    from enterprises.choices import LicenceKind
    from enterprises.models import Enterprise, Licence
    from qsportal.demo.seed import seed_demo_city
    from qsportal.reference_data import restore_reference_data

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()
    started = time.perf_counter()
    result = seed_demo_city(seed=2026, enterprises=enterprises, as_of=AS_OF)
    missing = licences - result.licences
    rng = random.Random(4754)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    rows = []
    for n in range(max(missing, 0)):
        issued = AS_OF - datetime.timedelta(days=rng.randint(0, 5 * 365))
        rows.append(
            (
                rng.choice(ids),
                LicenceKind.ISO_9001,
                f"BENCH-{n:07d}",
                "",
                issued,
                issued + datetime.timedelta(days=1095),
            )
        )
    bulk_insert(Licence, ("enterprise", "kind", "number", "scope", "issued_on", "expires_on"), rows)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {Enterprise.objects.count():,} enterprises and {Licence.objects.count():,} licences "
        f"in {time.perf_counter() - started:.1f} s"
    )


def measure(client, url: str, runs: int) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), len(queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--licences", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--flush", action="store_true", help="confirm that the database may be emptied")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (built by a prior run)")
    args = parser.parse_args()
    if not (args.flush or args.reuse):
        parser.error("pass --flush to confirm that the database named by DATABASE_URL may be emptied (or --reuse)")

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from enterprises.models import District

    if args.flush:
        build(args.enterprises, args.licences)
    district = District.objects.order_by("code").first()
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    cases = [
        (
            "list page, district + food licence, by name",
            f"/enterprises/?district={district.pk}&licence_kind=food_production&sort=name",
        ),
        ("list page, licence expiring in 90 days, by expiry", "/enterprises/?licence_expiry=within_90&sort=expiry"),
        ("list page, name search", "/enterprises/?q=岳阳"),
        ("list page, unfiltered, page 200", "/enterprises/?page=200"),
    ]
    for size in (20, 50, 200):
        cases.append(
            (
                f"API list, district + above-scale, by name, page_size={size}",
                f"/api/v1/enterprises/?district={district.pk}&scale=above&ordering=name&page_size={size}",
            )
        )
    print(f"database: {connection.vendor}; median of {args.runs} runs each")
    print(f"{'case':<62} {'median ms':>10} {'queries':>8}")
    for label, url in cases:
        median, queries, _status = measure(client, url, args.runs)
        print(f"{label:<62} {median:>10.1f} {queries:>8}")


if __name__ == "__main__":
    main()
