"""Time special-equipment safety at city scale: 300 000 units of special equipment.

    DATABASE_URL=postgres://... python bench/equipment.py --flush [--units 300000]
    python bench/equipment.py --smoke                       # a tiny city in seconds: SQLite, or DATABASE_URL
    DATABASE_URL=postgres://... python bench/equipment.py --smoke

Targets on PostgreSQL (issue 18): the worklist of units due within 30 days or overdue (its count and first page)
and the four rates for the city each under 200 ms; the daily reminder task over every unit, set-based, under 10 s.

With --flush it EMPTIES the database that DATABASE_URL names, loads the reference data, adds districts, 2 000
using units and the units (set-based), then times each read five times (median) and the reminder task twice (the
second run, which finds every reminder recorded, shows the rerun costs nothing new). --smoke builds its own few
hundred units beside whatever is there (never flushing) and asserts no timing: it checks the bench still runs.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qsportal.test_settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

AS_OF = datetime.date(2026, 11, 1)


def build(units: int, enterprises: int, *, prefix: str) -> None:
    """Districts, using units and `units` units in use, with next inspection dates spread over two years around
    AS_OF (so about 4 % fall within 30 days and some are overdue), 3 % unregistered, 2 % failed."""
    from accounts.models import User
    from accounts.roles import Role, Section
    from core.bulk import bulk_insert
    from core.credit_code import build_credit_code
    from enterprises.models import IDENTITY_FIELDS, District, Enterprise, Industry, ResponsibilityArea
    from equipment.models import Category, Unit
    from qsportal.reference_data import restore_reference_data

    restore_reference_data()
    rng = random.Random(prefix)  # a smoke run beside earlier data draws other credit codes
    districts = []
    for n in range(9):
        district, _created = District.objects.get_or_create(code=f"4306{90 + n}", defaults={"name": f"测试区{n}"})
        districts.append(district)
    officer, _created = User.objects.get_or_create(
        username=f"bench-equipment-{prefix}",
        defaults={"role": Role.SUPERVISOR, "section": Section.SPECIAL_EQUIPMENT, "full_name": "基准测试"},
    )
    areas = [ResponsibilityArea.objects.create(district=d, name=f"{prefix}责任区", officer=officer) for d in districts]
    industry = Industry.objects.order_by("code").first()
    base = rng.randrange(10_000_000, 90_000_000 - enterprises)
    rows = []
    for n in range(enterprises):
        area = areas[n % len(areas)]
        code = build_credit_code(division_code=area.district.code, organisation_base=f"{base + n:08d}")
        rows.append(
            (
                f"{prefix}物业{n}有限公司",
                code,
                "张三",
                "岳阳市",
                area.district_id,
                area.pk,
                industry.pk,
                "below",
                datetime.date(2010, 1, 1),
                "active",
            )
        )
    enterprise_ids = bulk_insert(Enterprise, IDENTITY_FIELDS, rows)
    district_of = {pk: areas[n % len(areas)].district_id for n, pk in enumerate(enterprise_ids)}
    categories = list(Category.objects.values_list("pk", "inspection_interval_months"))
    fields = (
        "equipment_code", "registration_number", "category", "using_unit", "district", "address",
        "put_into_use_on", "status", "last_inspected_on", "last_conclusion", "next_inspection_due",
    )  # fmt: skip
    rows = []
    for n in range(units):
        owner = enterprise_ids[n % len(enterprise_ids)]
        category, months = categories[n % len(categories)]
        due = AS_OF + datetime.timedelta(days=rng.randint(-60, 700))
        unregistered = rng.random() < 0.03
        rows.append(
            (
                f"{prefix}{n:07d}",
                "" if unregistered else f"{prefix}R{n:07d}",
                category,
                owner,
                district_of[owner],
                "岳阳市某小区",
                AS_OF - datetime.timedelta(days=rng.randint(1, 3000)),
                "in_use",
                due - datetime.timedelta(days=30 * months),
                "fail" if rng.random() < 0.02 else "pass",
                due,
            )
        )
        if len(rows) == 50_000:
            bulk_insert(Unit, fields, rows)
            rows = []
    bulk_insert(Unit, fields, rows)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Unit._meta.db_table}")


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(*, runs: int, prefix: str) -> None:
    from accounts.models import User
    from equipment import selectors, services

    staff = User.objects.get(username=f"bench-equipment-{prefix}")

    def worklist():
        rows = selectors.inspection_worklist(user=staff, today=AS_OF)
        return rows.count(), [unit.pk for unit in rows[:50]]

    def rates():
        rows = selectors.equipment_rates(today=AS_OF)
        return selectors.equipment_rates_total(rows)

    seconds, (count, _page) = timed(worklist, runs)
    print(f"worklist due within 30 days or overdue: {count:,} units, count + first page in {seconds * 1000:.0f} ms")
    seconds, total = timed(rates, runs)
    print(
        f"four rates, city by district and category: {total['in_use']:,} in use, registration {total['registration']}"
        f" %, inspection on time {total['inspection']} % in {seconds * 1000:.0f} ms"
    )
    for attempt in ("first", "rerun"):
        started = time.perf_counter()
        created = services.reminders_record(today=AS_OF)
        print(f"reminder task ({attempt}): {created:,} new reminders in {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=300_000)
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--flush", action="store_true", help="confirm that the database may be emptied")
    parser.add_argument("--smoke", action="store_true", help="a tiny city beside the data, no timing asserted")
    parser.add_argument("--reuse", action="store_true", help="measure the data a prior --flush run built")
    args = parser.parse_args()
    if not (args.flush or args.smoke or args.reuse):
        parser.error("pass --flush to confirm that the database named by DATABASE_URL may be emptied (or --smoke)")
    if args.smoke and not os.environ.get("DATABASE_URL"):
        scratch = Path(tempfile.gettempdir()) / "qs-equipment-smoke.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    prefix = f"S{random.randrange(10**6):06d}" if args.smoke else "B"
    if args.smoke:
        args.units, args.enterprises, args.runs = 300, 10, 1
    elif args.flush:
        call_command("flush", interactive=False, verbosity=0)
    if not args.reuse:
        started = time.perf_counter()
        build(args.units, args.enterprises, prefix=prefix)
        elapsed = time.perf_counter() - started
        print(f"built {args.units:,} units of {args.enterprises:,} using units in {elapsed:.1f} s")
    measure(runs=args.runs, prefix=prefix)


if __name__ == "__main__":
    main()
