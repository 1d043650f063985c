"""Time `seed_demo` at scale and print the figures.

    DATABASE_URL=postgres://... python bench/seed_demo.py --enterprises 100000 --flush
    DATABASE_URL=sqlite:////tmp/smoke.sqlite3 python bench/seed_demo.py --smoke --flush   # a tiny city, seconds

It EMPTIES the database that DATABASE_URL names (hence --flush), migrates it and builds the demo city. --smoke
builds a tiny city (60 enterprises) to prove the script still runs (tests/test_bench_smoke.py); no timing holds.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qsportal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--flush", action="store_true", help="confirm that the database may be emptied")
    parser.add_argument("--smoke", action="store_true", help="a tiny city, to prove the script runs (no timing)")
    args = parser.parse_args()
    if not args.flush:
        parser.error("pass --flush to confirm that the database named by DATABASE_URL may be emptied")
    if args.smoke:
        args.enterprises = min(args.enterprises, 60)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from qsportal.demo.seed import seed_demo_city
    from qsportal.reference_data import restore_reference_data

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()

    started = time.perf_counter()
    result = seed_demo_city(seed=args.seed, enterprises=args.enterprises, as_of=datetime.date(2026, 11, 1))
    elapsed = time.perf_counter() - started
    print(f"database:     {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"enterprises:  {result.enterprises}")
    print(f"licences:     {result.licences}")
    print(f"users:        {result.users}")
    print(f"seed time:    {elapsed:.2f} s ({result.enterprises / elapsed:,.0f} enterprises/s)")


if __name__ == "__main__":
    main()
