"""Time metrology's lists at city scale: 100 000 instruments under compulsory verification.

    DATABASE_URL=postgres://... python bench/metrology.py [--instruments 100000] [--runs 5]
    python bench/metrology.py --smoke          # a tiny run (SQLite or DATABASE_URL), no timing judged

It migrates, adds the instruments for the run (spread over the districts, the categories and a year of due dates:
about 8 % due within the reminder period, 5 % overdue, 1 % failed; tagged, and deleted at the end with their
reminders), then prints, each a median of --runs after a warm-up run:

1. the due list: the overdue instruments' first page and their count, as GET /metrology/instruments/?due=overdue
   reads them through InstrumentFilterSet; and the due overview by district and category;
2. the verification rates: by category and district, and fuel dispensers by district;
3. the daily reminder task (`reminders_record`): the first run (recording every reminder the day calls for) and a
   second run (nothing new), each timed once.

Targets on PostgreSQL: the due list and the rates under 200 ms each, the reminder task under 5 s.
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
os.environ.setdefault("LOG_LEVEL", "WARNING")

LIST_TARGET_S = 0.2
REMINDER_TARGET_S = 5.0
TAG = "bench-metrology"


def build(count: int) -> None:
    from django.utils import timezone

    from enterprises.models import District
    from metrology.models import Instrument, InstrumentCategory
    from metrology.reference_data import ensure_categories

    ensure_categories(InstrumentCategory)
    districts = list(District.objects.all())
    if not districts:
        districts = District.objects.bulk_create(District(code=f"4399{n:02d}", name=f"基准区{n}") for n in range(8))
    categories = list(InstrumentCategory.objects.all())
    weights = [30 if category.code == "fuel_dispenser" else 5 for category in categories]
    rng = random.Random(19)
    today = timezone.localdate()
    batch = []
    for n in range(count):
        roll = rng.random()
        if roll < 0.01:
            due, result = None, "failed"
        elif roll < 0.06:
            due, result = today - datetime.timedelta(days=rng.randrange(1, 200)), "passed"
        elif roll < 0.14:
            due, result = today + datetime.timedelta(days=rng.randrange(0, 31)), "passed"
        else:
            due, result = today + datetime.timedelta(days=rng.randrange(31, 365)), "passed"
        batch.append(
            Instrument(
                category=rng.choices(categories, weights)[0],
                owner_name=f"基准用户{n % 5000}",
                district=rng.choice(districts),
                location=TAG,
                maker="基准厂",
                model_name="B-1",
                serial=f"BENCH{n:08d}",
                filing_status="accepted",
                last_result=result,
                last_verified_on=today - datetime.timedelta(days=100),
                certificate_number=f"BJ{n:08d}",
                next_due_on=due,
            )
        )
        if len(batch) == 5000:
            Instrument.objects.bulk_create(batch)
            batch = []
    Instrument.objects.bulk_create(batch)


def clean() -> None:
    """Remove the run's rows in plain DELETEs: the ORM's delete would write a history row for each instrument."""
    from django.db import connection

    from metrology.models import Instrument, Reminder, Verification

    tables = {
        "reminders": Reminder._meta.db_table,
        "verifications": Verification._meta.db_table,
        "instruments": Instrument._meta.db_table,
        "history": Instrument.history.model._meta.db_table,
    }
    ids = f"SELECT id FROM {tables['instruments']} WHERE location = %s"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tables['reminders']} WHERE instrument_id IN ({ids})", [TAG])
        cursor.execute(f"DELETE FROM {tables['verifications']} WHERE instrument_id IN ({ids})", [TAG])
        cursor.execute(f"DELETE FROM {tables['history']} WHERE location = %s", [TAG])
        cursor.execute(f"DELETE FROM {tables['instruments']} WHERE location = %s", [TAG])


def timed(call, runs: int) -> float:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instruments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only checks the bench works")
    args = parser.parse_args()
    if args.smoke:
        args.instruments, args.runs = 300, 1

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from metrology.filtersets import InstrumentFilterSet
    from metrology.models import Instrument
    from metrology.selectors import due_by_district_and_category, verification_rates
    from metrology.services import reminders_record

    clean()
    began = time.perf_counter()
    build(args.instruments)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE metrology_instrument")
    print(f"{connection.vendor}: {args.instruments} instruments built in {time.perf_counter() - began:.1f} s")
    today = timezone.localdate()
    results = {}
    try:

        def due_list():
            filters = InstrumentFilterSet(
                {"due": "overdue"},
                queryset=Instrument.objects.select_related("category", "district", "enterprise").order_by(
                    "next_due_on", "pk"
                ),
            )
            rows = list(filters.qs[:50])
            return rows, filters.qs.count()

        results["due list (overdue, first page + count)"] = timed(due_list, args.runs)
        results["due overview by district and category"] = timed(
            lambda: due_by_district_and_category(today=today), args.runs
        )
        results["verification rates by category and district"] = timed(
            lambda: verification_rates(today=today), args.runs
        )
        results["fuel dispensers by district"] = timed(
            lambda: verification_rates(today=today, by=("district",), category_code="fuel_dispenser"), args.runs
        )
        for label, seconds in results.items():
            verdict = "" if args.smoke else (" ok" if seconds < LIST_TARGET_S else " SLOW")
            print(f"{label}: {seconds * 1000:.0f} ms{verdict}")
        for run in ("first", "second"):
            began = time.perf_counter()
            written = reminders_record(today=today)
            seconds = time.perf_counter() - began
            verdict = "" if args.smoke else (" ok" if seconds < REMINDER_TARGET_S else " SLOW")
            print(f"reminder task, {run} run: {written} reminders in {seconds:.2f} s{verdict}")
    finally:
        clean()


if __name__ == "__main__":
    main()
