"""Time the double-random draw at city scale: 100 000 enterprises in the pool, 500 inspectors on the roster.

    DATABASE_URL=postgres://... python bench/draw.py --flush [--enterprises 100000 --inspectors 500 --batches 1000]
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/draw.py --flush   # the same on SQLite (slower writes)
    python bench/draw.py --algorithm-only     # the pure algorithm on synthetic inputs, no database
    DATABASE_URL=sqlite:////tmp/smoke.sqlite3 python bench/draw.py --smoke --flush  # a tiny city, seconds

The algorithm alone (qs-draw-v2): pseudonyms for the whole pool (an HMAC and a SHA-256 each), the canonical inputs,
the allocation to strata, the draw in each stratum and the inspector teams, as `draw_commit` runs them.

With --flush it EMPTIES the database that DATABASE_URL names, builds the demo city with that many enterprises, adds
the inspectors, declared conflicts and a previous campaign (so the last campaign's inspectors are excluded), then
times, for three fresh campaigns, the commitment (pool, weights, conflicts, frozen inputs, the draw itself) and the
draw (revealing the seed, creating the tasks and their teams), the two together being "the draw".

--smoke (with --flush) runs the algorithm alone and then the whole thing on a tiny city (200 enterprises, 20
inspectors, 10 batches, one run) to prove the script still runs (tests/test_bench_smoke.py); no timing holds.
"""

import argparse
import datetime
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qsportal.test_settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

AS_OF = datetime.date(2026, 11, 1)


def algorithm_only(pool_size: int, inspectors: int, count: int) -> None:
    import json

    from inspections import draw as algorithm

    rng = random.Random(2026)
    # Classified supervision: grades A, B, C (and not yet graded, drawn with B); a few at high risk hold 2 tickets.
    grades = {n: rng.choices("ABC", [20, 70, 10])[0] for n in range(1, pool_size + 1)}
    roster = range(1, inspectors + 1)
    conflicts = {n: set(rng.sample(roster, 2)) for n in range(1, pool_size + 1, 50)}
    started = time.perf_counter()
    key = secrets.token_hex(32)
    strata = {name: (weight, {}) for name, weight in (("A", 1), ("B", 3), ("C", 9))}
    by_id = algorithm.member_pseudonyms(key, grades)
    for enterprise, grade in grades.items():
        strata[grade][1][by_id[enterprise]] = 2 if enterprise % 97 == 0 else 1
    pairs = [(by_id[enterprise], inspector) for enterprise, team in conflicts.items() for inspector in team]
    pseudonymised = time.perf_counter()
    inputs = algorithm.canonical_inputs(count=count, per_task=2, strata=strata, roster=roster, conflicts=pairs)
    result = algorithm.draw_from_inputs(seed=secrets.token_hex(32), inputs=json.loads(inputs))
    elapsed = time.perf_counter() - started
    sizes = {name: len(pool) for name, (_weight, pool) in strata.items()}
    batches = {name: stratum["batches"] for name, stratum in json.loads(inputs)["strata"].items()}
    print(f"algorithm only ({algorithm.ALGORITHM}): pool {pool_size:,} in strata {sizes}, {inspectors} inspectors")
    print(f"  batches by stratum {batches}; inputs {len(inputs) / 1e6:.1f} MB")
    print(f"  pseudonyms {pseudonymised - started:.2f} s; drew {len(result.members)} enterprises in {elapsed:.2f} s")


def build(enterprises: int, inspectors: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from accounts.roles import Role
    from enterprises.models import Enterprise
    from inspections.models import ConflictDeclaration, Task
    from qsportal.demo.seed import seed_demo_city
    from qsportal.reference_data import restore_reference_data

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()
    started = time.perf_counter()
    seed_demo_city(seed=2026, enterprises=enterprises, as_of=AS_OF)
    User.objects.bulk_create(
        User(username=f"bench-inspector-{n}", full_name=f"检查员{n}", role=Role.INSPECTOR) for n in range(inspectors)
    )
    roster = list(User.objects.filter(role=Role.INSPECTOR).values_list("pk", flat=True))
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    rng = random.Random(500)
    ConflictDeclaration.objects.bulk_create(
        (ConflictDeclaration(inspector_id=rng.choice(roster), enterprise_id=pk, reason="bench") for pk in ids[::50]),
        ignore_conflicts=True,
    )
    previous = campaign(roster, batches=1)
    tasks = Task.objects.bulk_create(
        Task(campaign=previous, enterprise_id=pk, due_on=AS_OF) for pk in rng.sample(ids, min(2000, len(ids) // 2))
    )
    Task.inspectors.through.objects.bulk_create(
        Task.inspectors.through(task_id=task.pk, user_id=inspector)
        for task in tasks
        for inspector in rng.sample(roster, 2)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {len(ids):,} enterprises, {len(roster)} inspectors in {time.perf_counter() - started:.1f} s")


def campaign(roster: list[int], *, batches: int):
    from accounts.models import User
    from inspections.choices import CampaignStatus
    from inspections.models import Campaign, Laboratory

    lab, _created = Laboratory.objects.get_or_create(name="基准测试实验室")
    leader = User.objects.get(username="leader")
    created = Campaign.objects.create(
        year=2026,
        title="全市产品质量监督抽查（基准）",
        legal_basis="bench",
        product_categories="bench",
        batches=batches,
        period_start=AS_OF,
        period_end=AS_OF + datetime.timedelta(days=90),
        lab=lab,
        status=CampaignStatus.APPROVED,
        created_by=leader,
    )
    created.roster.set(roster)
    return created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--inspectors", type=int, default=500)
    parser.add_argument("--batches", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--flush", action="store_true", help="confirm that the database may be emptied")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (built by a prior run)")
    parser.add_argument("--algorithm-only", action="store_true", help="time the algorithm without a database")
    parser.add_argument("--smoke", action="store_true", help="a tiny city, to prove the script runs (no timing)")
    args = parser.parse_args()
    if args.smoke:
        if not args.flush:
            parser.error("--smoke builds its own tiny city: pass --flush to confirm the database may be emptied")
        args.enterprises, args.inspectors, args.batches, args.runs = 200, 20, 10, 1
        algorithm_only(2_000, args.inspectors, args.batches)
    if args.algorithm_only:
        algorithm_only(args.enterprises, args.inspectors, args.batches)
        return
    if not (args.flush or args.reuse):
        parser.error("pass --flush to confirm that the database named by DATABASE_URL may be emptied (or --reuse)")

    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from accounts.roles import Role
    from inspections import draw as algorithm
    from inspections.models import Task
    from inspections.services import draws

    if args.flush:
        build(args.enterprises, args.inspectors)
    supervisor = User.objects.get(username="supervisor")
    roster = list(User.objects.filter(role=Role.INSPECTOR).values_list("pk", flat=True))[: args.inspectors]
    commits, performs = [], []
    for _run in range(args.runs):
        planned = campaign(roster, batches=args.batches)
        started = time.perf_counter()
        draw = draws.draw_commit(actor=supervisor, campaign=planned)
        committed = time.perf_counter()
        draws.draw_perform(actor=supervisor, draw=draw)
        commits.append(committed - started)
        performs.append(time.perf_counter() - committed)
        draw.refresh_from_db()
        # The bureau's own check. The public bundle has the seed only once the sampling is over; the bureau's
        # (reveal=True) has it as soon as the draw is done, and lacks it only when the draw did not happen.
        bundle = draw.verification_bundle(reveal=True)
        if "seed" not in bundle:
            raise SystemExit(f"the draw did not happen ({draw.status}): {bundle.get('failure') or 'no seed'}")
        assert algorithm.verify(bundle).ok
        assert Task.objects.filter(draw=draw).count() == args.batches
    total = [c + p for c, p in zip(commits, performs, strict=True)]
    print(f"database: {connection.vendor}; pool {draw.pool_size:,} enterprises, {len(roster)} inspectors, ")
    print(f"  {args.batches} batches, {len(draw.published_inputs()['conflicts']):,} conflict pairs; {args.runs} runs")
    print(f"  strata {draw.strata}")
    print(f"commitment (pool, strata, pseudonyms, conflicts, inputs, draw): median {statistics.median(commits):.2f} s")
    print(f"draw (reveal, create tasks and teams):                median {statistics.median(performs):.2f} s")
    print(
        f"the whole draw:                                       median {statistics.median(total):.2f} s "
        f"(max {max(total):.2f} s; target: under 2 s)"
    )


if __name__ == "__main__":
    main()
