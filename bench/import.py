"""Time the enterprise import at scale: a 100 000-row .xlsx, dry run against the real import, and their peak memory.

    DATABASE_URL=postgres://... python bench/import.py --flush [--rows 100000]
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/import.py --flush     # the same on SQLite
    DATABASE_URL=sqlite:////tmp/smoke.sqlite3 python bench/import.py --smoke --flush   # 200 rows, seconds

With --flush it EMPTIES the database that DATABASE_URL names, builds a small demo city (its districts, areas and
industries are what the rows name), and writes an .xlsx of --rows new enterprises (valid, distinct credit codes,
every column filled) to a temporary folder. Then, each in a fresh process so its peak memory is its own:

1. the dry run (`register_import(dry_run=True)`: read, validate, nothing written);
2. the real import (the same, then every row written with its change history, in one transaction);
3. the floor: the same rows inserted set-based with nothing else (bulk_create of prepared rows, no file, no
   validation, no history), rolled back.

It prints each one's time and peak resident memory (ru_maxrss of its process, Django included), the statements the
real import sent, and the ratios real / dry run (target: at most 2) and real / floor; peak memory target: under
300 MiB for 100 000 rows. --smoke runs the same at 200 rows (no timing holds) to prove the script still runs.
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qsportal.test_settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

RATIO_TARGET = 2.0
MEMORY_TARGET_MIB = 300
AS_OF = datetime.date(2026, 11, 1)


def build(rows: int, path: Path) -> None:
    """Migrate, empty, seed a small city, and write the file of `rows` new enterprises."""
    import openpyxl
    from django.core.management import call_command

    from enterprises import importing
    from enterprises.credit_code import build_credit_code
    from enterprises.models import District, Industry, ResponsibilityArea
    from qsportal.demo.seed import seed_demo_city
    from qsportal.reference_data import restore_reference_data

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()
    seed_demo_city(seed=2026, enterprises=20, as_of=AS_OF)
    districts = {district.pk: district for district in District.objects.all()}
    areas = [(districts[area.district_id], area.name) for area in ResponsibilityArea.objects.all()]
    industries = list(Industry.objects.values_list("code", flat=True))
    rng = random.Random(17)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([column.header for column in importing.ENTERPRISE_COLUMNS])
    bases = rng.sample(range(20_000_000, 99_999_999), rows)
    for n, base in enumerate(bases):
        district, area = rng.choice(areas)
        sheet.append(
            [
                f"{district.name}基准导入企业{n}有限公司",
                build_credit_code(division_code=district.code, organisation_base=str(base)),
                f"法人{n % 997}",
                f"{district.name}{area}工业路{n % 500}号",
                district.name,
                area,
                rng.choice(industries),
                rng.choice(["规上", "规下"]),
                datetime.date(2000, 1, 1) + datetime.timedelta(days=n % 9000),
                "正常",
                f"联系人{n % 89}",
                f"0730-{8000000 + n % 999999}",
            ]
        )
    workbook.save(path)


def measure(mode: str, path: Path) -> dict:
    """One measurement in this process: 'dry', 'real' or 'floor'."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from enterprises import importing
    from enterprises.models import Enterprise

    user = User.objects.get(username="supervisor")
    rows = 0
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        if mode == "floor":
            with transaction.atomic():
                template = Enterprise.objects.order_by("pk").first()
                count = int(path.with_suffix(".rows").read_text())
                Enterprise.objects.bulk_create(
                    (
                        Enterprise(
                            name=f"{template.name}{n}",
                            credit_code=f"F{n:017d}",
                            legal_representative=template.legal_representative,
                            address=template.address,
                            district_id=template.district_id,
                            area_id=template.area_id,
                            industry_id=template.industry_id,
                            scale=template.scale,
                            established_on=template.established_on,
                            status=template.status,
                            contact_person=template.contact_person,
                            contact_phone=template.contact_phone,
                        )
                        for n in range(count)
                    ),
                    batch_size=importing.WRITE_BATCH,
                )
                rows = count
                transaction.set_rollback(True)
        else:
            with path.open("rb") as file:
                result = importing.register_import(
                    file, filename=path.name, kind=importing.ImportKind.ENTERPRISES, user=user, dry_run=mode == "dry"
                )
            if result.errors:
                raise SystemExit(f"the bench file has errors: {result.errors[:5]}")
            rows = result.rows
            assert mode == "dry" or result.written == rows
        elapsed = time.perf_counter() - began
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"mode": mode, "seconds": elapsed, "rows": rows, "queries": len(queries), "peak_mib": peak_kib / 1024}


def child(mode: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", mode, "--file", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--flush", action="store_true", help="confirm that the database may be emptied")
    parser.add_argument("--smoke", action="store_true", help="200 rows, to prove the script runs (no timing)")
    parser.add_argument("--measure", choices=["dry", "real", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        import django

        django.setup()
        print(json.dumps(measure(args.measure, args.file)))
        return
    if not args.flush:
        parser.error("pass --flush to confirm that the database named by DATABASE_URL may be emptied")
    if args.smoke:
        args.rows = 200
    sys.stdout.reconfigure(line_buffering=True)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path = Path(folder) / "企业导入基准.xlsx"
        began = time.perf_counter()
        build(args.rows, path)
        path.with_suffix(".rows").write_text(str(args.rows))
        print(f"database: {connection.vendor}; built the city and a file of {args.rows:,} rows")
        print(f"  ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - began:.1f} s")
        if args.rows > settings.IMPORT_MAX_ROWS:
            print(f"  note: over IMPORT_MAX_ROWS ({settings.IMPORT_MAX_ROWS:,}): the import refuses it")
        print(f"load average at start: {os.getloadavg()[0]:.2f}")
        floor = child("floor", path)
        dry = child("dry", path)
        real = child("real", path)
        print(f"\n{'figure':<52} {'seconds':>8} {'statements':>11} {'peak MiB':>9}")
        for label, figure in (
            ("dry run (read and validate)", dry),
            ("real import (and write, with the change history)", real),
            ("floor: set-based insert of the same rows, no history", floor),
        ):
            print(f"{label:<52} {figure['seconds']:>8.2f} {figure['queries']:>11,} {figure['peak_mib']:>9.0f}")
        ratio = real["seconds"] / dry["seconds"]
        mark = "ok" if ratio <= RATIO_TARGET else "MISSED"
        print(f"\nratio real import / dry run: {ratio:.2f}x (target at most {RATIO_TARGET:.0f}x) {mark}")
        print(f"ratio real import / floor:   {real['seconds'] / floor['seconds']:.1f}x")
        peak = max(dry["peak_mib"], real["peak_mib"])
        mark = "ok" if peak < MEMORY_TARGET_MIB else "MISSED"
        print(f"peak memory: {peak:.0f} MiB (target under {MEMORY_TARGET_MIB} MiB for 100 000 rows) {mark}")
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
