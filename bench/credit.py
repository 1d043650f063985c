"""Time the credit-grading recalculation at city scale: 100 000 enterprises, 1 000 000 final spot-check results.

    DATABASE_URL=postgres://... python bench/credit.py --flush [--enterprises 100000 --results 1000000]
    DATABASE_URL=postgres://... python bench/credit.py --reuse      # measure the database a prior --flush built
    DATABASE_URL=postgres://... python bench/credit.py --smoke --flush  # a tiny city, seconds (no timing holds)

With --flush it EMPTIES the database that DATABASE_URL names, builds the demo city with that many enterprises
(districts, areas and their officers, licences), then loads set-based (INSERT ... SELECT generate_series):
a few hundred campaigns over the last four years; the final spot-check results (routine, ~5 % nonconforming,
~0.5 % refused, failures concentrated in one enterprise in ten; 3 % re-checks); a follow-up for every failed
routine result (the older closed, the recent open, some with the rectification report overdue); some tasks not
yet final; revoked licences (lapsed ones come with the demo city); penalties; six quarters of self-reports
(some late, some missing); dishonesty-list entries and grade overrides. Then ANALYZE.

It measures, with the grades emptied first (credit grades, their history and warnings are deleted, even with
--reuse):

1. the full recalculation `recalculate(cause="scheduled")`: the first run (grading everyone from nothing), then
   the steady state (each run after changing the verdict of ~1 % of the results, as many turned nonconforming
   as conforming), median of --runs, and a rerun with nothing changed;
2. one enterprise's event-driven recalculation, median over --events random enterprises (one of its results
   flipped before each);
3. one plain SQL aggregate over the same rows (the final results of the look-back window, grouped by enterprise,
   every column consumed so none is optimised away), median of --runs;
4. the ratios full recalculation / aggregate;
5. the INSERT ... SELECT floor: every source's indicator rows read once and written into a table, one row per
   enterprise (what the recalculation's first statement cannot avoid), and the steady state's ratio to it.

With --explain (or when the steady-state target is missed) it also prints EXPLAIN ANALYZE of the statement that
builds the recalculation's temporary table.

--smoke (with --flush) builds a tiny city (200 enterprises, 3 000 results) and runs every step once, to prove the
script still runs (tests/test_bench_smoke.py); it needs PostgreSQL, and on another database says so and exits
with SMOKE_SKIPPED.
"""

import argparse
import contextlib
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

FULL_TARGET_S = 30.0
EVENT_TARGET_MS = 50.0
RATIO_TARGET = 3.0
INSERT_RATIO_TARGET = 1.3  # the steady state against the INSERT ... SELECT floor (issue 17)
EVENT_STEADY_TARGET_MS = 10.0  # one enterprise's event-driven recalculation (issue 17)
CAMPAIGNS = 400  # ~100 a year over four years
RECHECK_SHARE = 0.03  # of the final results
RECHECK_FAIL = 0.15  # re-checks that fail (nonconforming 14 %, refused 1 %)
FAIL_SHARE = 0.055  # of all final results: nonconforming ~5 %, refused ~0.5 %
SMOKE_SKIPPED = 75  # the exit status of a --smoke that cannot run on this database (tests/test_bench_smoke.py)


def build(enterprises: int, results: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from inspections.models import Laboratory
    from qsportal.demo.seed import seed_demo_city
    from qsportal.reference_data import restore_reference_data

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()
    today = timezone.localdate()
    started = time.perf_counter()
    with analyzed_before_grading():
        seed_demo_city(seed=2026, enterprises=enterprises, as_of=today)
    city_built = time.perf_counter()
    leader = User.objects.get(username="leader").pk
    supervisor = User.objects.get(username="supervisor").pk
    lab = Laboratory.objects.get_or_create(name="基准测试实验室")[0].pk
    steps = []

    def step(label: str, sql: str, params=None) -> None:
        began = time.perf_counter()
        cursor.execute(sql, params or {})
        steps.append((label, cursor.rowcount, time.perf_counter() - began))

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
        # Enterprises numbered 1..N (whatever their ids), so generated rows pick one by number.
        cursor.execute("DROP TABLE IF EXISTS bench_e, bench_c")
        cursor.execute(
            "CREATE TEMP TABLE bench_e AS SELECT row_number() OVER (ORDER BY id)::int AS n, id"
            " FROM enterprises_enterprise"
        )
        cursor.execute("ALTER TABLE bench_e ADD PRIMARY KEY (n)")
        cursor.execute("SELECT count(*) FROM bench_e")
        n_enterprises = cursor.fetchone()[0]
        # On file for up to eight years (a tenth for less than one), so "missing self-reports" counts the quarters
        # each enterprise was on file for.
        step(
            "enterprises: created_at spread",
            "UPDATE enterprises_enterprise SET created_at = now() - CASE WHEN random() < 0.1"
            " THEN random() * interval '365 days' ELSE interval '1 year' + random() * interval '7 years' END",
        )
        # Campaigns: k = 0..CAMPAIGNS-1 starting every ~3.6 days over the last four years, 90 days each.
        step(
            "campaigns",
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
            {"leader": leader, "supervisor": supervisor, "lab": lab, "campaigns": CAMPAIGNS},
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_c AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS k, id, period_start"
            " FROM inspections_campaign WHERE title LIKE '基准抽查 %%'"
        )
        cursor.execute("ALTER TABLE bench_c ADD PRIMARY KEY (k)")
        rechecks = round(results * RECHECK_SHARE)
        # The demo city comes with some final results of its own (earlier campaigns): top up to `results`, with a
        # failure rate such that all of them together fail ~5.5 % (nonconforming ~5 %, refused ~0.5 %).
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE verdict IN ('nonconforming', 'refused'))"
            " FROM inspections_task WHERE status = 'final'"
        )
        demo_final, demo_failed = cursor.fetchone()
        routine = max(results - rechecks - demo_final, 0)
        fail = (FAIL_SHARE * results - demo_failed - RECHECK_FAIL * rechecks) / max(routine, 1)
        fail = min(max(fail, 0.005), 0.5)
        bad = min(0.30, 5.45 * fail)
        ordinary = max((fail - 0.1 * bad) / 0.9, 0.0)
        demo_note = (
            f"the demo city brought {demo_final:,} final results ({demo_failed:,} failed); the routine results"
            f" above fail {fail:.2%} (one enterprise in ten {bad:.1%}, the others {ordinary:.1%})"
        )
        # Routine final results. Larger (lower-numbered) enterprises are checked more often: n = N * u^1.5.
        # One enterprise in ten fails `bad` of its checks, the others `ordinary` (a tenth of the failures refusals).
        step(
            "tasks: routine, final",
            """
            INSERT INTO inspections_task (kind, recheck_round, status, sample_from, due_on, free_of_charge, verdict,
                finalised_at, publish_due_on, cancelled_at, cancel_reason, created_at, campaign_id, draw_id,
                enterprise_id, follow_up_id)
            SELECT 'routine', NULL, 'final', c.period_start, LEAST(c.period_end, f.at::date), false,
                CASE WHEN x.r < p.fail * 0.91 THEN 'nonconforming' WHEN x.r < p.fail THEN 'refused'
                     ELSE 'conforming' END,
                f.at, f.at::date + 20, NULL, '', c.period_start::timestamptz, c.id, NULL, e.id, NULL
            FROM (
                SELECT 1 + floor(%(n)s * power(random(), 1.5))::int AS en, floor(random() * %(campaigns)s)::int AS ck,
                       random() AS r, random() AS rf
                FROM generate_series(1, %(rows)s)
            ) x
            JOIN bench_e e ON e.n = x.en
            JOIN (SELECT k, id, period_start, period_start + 90 AS period_end FROM bench_c) c ON c.k = x.ck
            CROSS JOIN LATERAL (SELECT LEAST(c.period_start + interval '20 days' + x.rf * interval '70 days',
                                             now() - interval '1 hour') AS at) f
            CROSS JOIN LATERAL (SELECT CASE WHEN e.n %% 10 = 0 THEN %(bad)s ELSE %(ordinary)s END AS fail) p
            """,
            {"n": n_enterprises, "campaigns": CAMPAIGNS, "rows": routine, "bad": bad, "ordinary": ordinary},
        )
        # Not final yet (waiting for sampling in the latest campaigns) and cancelled: the status filter has work.
        step(
            "tasks: assigned / cancelled",
            """
            INSERT INTO inspections_task (kind, recheck_round, status, sample_from, due_on, free_of_charge, verdict,
                finalised_at, publish_due_on, cancelled_at, cancel_reason, created_at, campaign_id, draw_id,
                enterprise_id, follow_up_id)
            SELECT 'routine', NULL, CASE WHEN g %% 5 = 0 THEN 'cancelled' ELSE 'assigned' END, c.period_start,
                c.period_start + 60, false, '', NULL, NULL,
                CASE WHEN g %% 5 = 0 THEN now() END, CASE WHEN g %% 5 = 0 THEN 'bench' ELSE '' END, now(),
                c.id, NULL, e.id, NULL
            FROM generate_series(1, %(rows)s) g
            JOIN bench_e e ON e.n = 1 + (g * 7919) %% %(n)s
            JOIN bench_c c ON c.k = %(campaigns)s - 1 - g %% 20
            """,
            {"rows": max(results // 100, 1), "n": n_enterprises, "campaigns": CAMPAIGNS},
        )
        # A follow-up for each failed routine result: closed after 180 days, else open (30 % without the report).
        step(
            "follow-ups",
            """
            INSERT INTO inspections_followup (stage, outcome, stop_sale_at, stop_sale_lifted_at, ordered_on,
                rectification_due_on, first_recheck_due_on, report, report_submitted_at, notice_on, notice_text,
                second_recheck_from, second_recheck_by, referred_on, closed_at, enterprise_id,
                report_submitted_by_id, task_id, notice_reference, notice_url, referral_authority, referral_reference,
                served_how, service_proof, service_proof_name, service_proof_sha256)
            SELECT CASE WHEN t.old THEN 'closed' WHEN t.r < 0.6 THEN 'rectifying' ELSE 'first_recheck' END,
                CASE WHEN t.old THEN 'rectified' ELSE '' END,
                t.finalised_at, CASE WHEN t.old THEN t.finalised_at + interval '90 days' END,
                t.finalised_at::date, t.finalised_at::date + 60, t.finalised_at::date + 75, 'bench',
                CASE WHEN t.old OR t.r2 < 0.7 THEN LEAST(t.finalised_at + interval '30 days', now()) END,
                NULL, '', NULL, NULL, NULL,
                CASE WHEN t.old THEN t.finalised_at + interval '90 days' END, t.enterprise_id, NULL, t.id,
                '', '', '', '', '', '', '', ''
            FROM (
                SELECT id, enterprise_id, finalised_at, finalised_at < now() - interval '180 days' AS old,
                       random() AS r, random() AS r2
                FROM inspections_task
                WHERE kind = 'routine' AND status = 'final' AND verdict IN ('nonconforming', 'refused')
            ) t
            ON CONFLICT (task_id) DO NOTHING
            """,
        )
        # Re-checks of failed results (free of charge, 60-80 days after the order): 85 % pass.
        step(
            "tasks: re-checks, final",
            """
            INSERT INTO inspections_task (kind, recheck_round, status, sample_from, due_on, free_of_charge, verdict,
                finalised_at, publish_due_on, cancelled_at, cancel_reason, created_at, campaign_id, draw_id,
                enterprise_id, follow_up_id)
            SELECT 'recheck', 1, 'final', f.ordered_on + 60, f.first_recheck_due_on, true,
                CASE WHEN f.r < 0.14 THEN 'nonconforming' WHEN f.r < 0.15 THEN 'refused' ELSE 'conforming' END,
                LEAST(f.ordered_on + 60 + f.r2 * interval '20 days', now() - interval '1 hour'),
                f.first_recheck_due_on + 20, NULL, '', f.ordered_on::timestamptz, t.campaign_id, NULL,
                f.enterprise_id, f.id
            FROM (SELECT *, random() AS r, random() AS r2 FROM inspections_followup
                  WHERE ordered_on < current_date - 80 ORDER BY random() LIMIT %(rows)s) f
            JOIN inspections_task t ON t.id = f.task_id
            """,
            {"rows": rechecks},
        )
        # Revoked licences (1 %); lapsed ones come with the demo city (issue dates spread past their validity).
        step(
            "licences: revoked",
            "UPDATE enterprises_licence SET revoked_on = GREATEST(issued_on, current_date - (random() * 1400)::int),"
            " revocation_reason = 'bench' WHERE random() < 0.01",
        )
        step(
            "penalties",
            """
            INSERT INTO enterprises_penalty (recorded_at, voided_at, void_reason, decision_number, decided_on,
                grounds, amount, is_heavier, enterprise_id, recorded_by_id)
            SELECT now(), CASE WHEN x.g %% 30 = 0 THEN now() END, CASE WHEN x.g %% 30 = 0 THEN 'bench' ELSE '' END,
                'BENCH-PEN-' || x.g, current_date - (random() * 1461)::int, 'bench',
                round((random() * 100000)::numeric, 2), random() < 0.15, e.id, %(leader)s
            FROM (SELECT g, 1 + floor(random() * %(n)s)::int AS en FROM generate_series(1, %(rows)s) g) x
            JOIN bench_e e ON e.n = x.en
            """,
            {"rows": max(n_enterprises // 12, 1), "n": n_enterprises, "leader": leader},
        )
        quarters = _due_quarters(today, 6)
        step(
            "self-reports",
            f"""
            INSERT INTO enterprises_selfreport (year, quarter, due_on, quality_awareness, assurance_system,
                quality_level, site_management, after_sales, findings, output_value, quality_loss_rate,
                complaints_received, status, submitted_at, reviewed_at, review_comment, enterprise_id,
                reviewed_by_id, submitted_by_id)
            SELECT x.year, x.quarter, x.due_on, 'good', 'good', 'adequate', 'good', 'good', '',
                round((x.r2 * 10000)::numeric, 2), round((x.r2 * 3)::numeric, 2), (x.r2 * 5)::int, 'accepted',
                LEAST(now(), CASE WHEN x.r < 0.08 THEN (x.due_on + 1 + (x.r2 * 40)::int)::timestamptz
                                  ELSE (x.due_on - (x.r2 * 14)::int)::timestamptz END + interval '2 hours'),
                NULL, '', x.id, NULL, %(user)s
            FROM (
                SELECT e.id, q.year, q.quarter, q.due_on, random() AS r, random() AS r2, random() AS filed
                FROM enterprises_enterprise e
                CROSS JOIN (VALUES {", ".join(["(%s, %s, %s::date, %s::date)"] * len(quarters))})
                    q(year, quarter, quarter_end, due_on)
                WHERE e.created_at::date <= q.quarter_end
            ) x
            WHERE x.filed < 0.93
            ON CONFLICT (enterprise_id, year, quarter) DO NOTHING
            """.replace("%(user)s", str(supervisor)),
            [value for quarter in quarters for value in quarter],
        )
        step(
            "dishonesty list",
            """
            INSERT INTO credit_blacklistentry (ground_id, facts, decision_number, published_on, status, proposed_at,
                removed_on, removal_kind, enterprise_id, proposed_by_id, notice_number, statement, statement_on_paper,
                consent_reference, decision_note, served_how, service_proof, service_proof_name, service_proof_sha256)
            SELECT (SELECT id FROM credit_listingground ORDER BY id OFFSET g %% 6 LIMIT 1),
                'bench', 'BENCH-BL-' || g, current_date - 7 * g,
                CASE WHEN g <= %(listed)s THEN 'listed' ELSE 'removed' END, now(),
                CASE WHEN g > %(listed)s THEN current_date - g END,
                CASE WHEN g > %(listed)s THEN 'early' ELSE '' END, e.id, %(leader)s, '', '', false, '', '',
                '', '', '', ''
            FROM generate_series(1, %(listed)s + %(listed)s / 3) g
            JOIN bench_e e ON e.n = 1 + (g * 997) %% %(n)s
            """,
            {"listed": 60, "n": n_enterprises, "leader": leader},
        )
        step(
            "grade overrides",
            """
            INSERT INTO credit_gradeoverride (grade, reason, expires_on, status, requested_at, decided_at,
                decision_note, ended_at, end_reason, decided_by_id, enterprise_id, requested_by_id)
            SELECT (ARRAY['A', 'B', 'C'])[1 + g %% 3], 'bench',
                current_date + CASE WHEN g %% 4 = 0 THEN -30 ELSE 180 END,
                CASE WHEN g %% 10 = 0 THEN 'pending' WHEN g %% 4 = 0 THEN 'ended' ELSE 'approved' END,
                now(), now(), '', CASE WHEN g %% 4 = 0 THEN now() END, '', %(leader)s, e.id, %(supervisor)s
            FROM generate_series(1, 40) g
            JOIN bench_e e ON e.n = 1 + (g * 1009 + 13) %% %(n)s
            ON CONFLICT DO NOTHING  -- a small city draws an enterprise twice: one live override each
            """,
            {"n": n_enterprises, "leader": leader, "supervisor": supervisor},
        )
        began = time.perf_counter()
        cursor.execute("ANALYZE")
        steps.append(("ANALYZE", 0, time.perf_counter() - began))
        cursor.execute("DROP TABLE bench_e, bench_c")
    print(f"demo city ({enterprises:,} enterprises, licences, officers): {city_built - started:.1f} s")
    for label, rows, seconds in steps:
        print(f"  {label:<34} {rows:>10,} rows {seconds:>7.1f} s")
    print(f"  {demo_note}")
    print(f"built in {time.perf_counter() - started:.1f} s")


@contextlib.contextmanager
def analyzed_before_grading():
    """While the demo city is seeded, ANALYZE before each full recalculation it runs.

    The seed grades the city inside its own transaction, right after loading it, when the planner still has no
    statistics for the new rows (or stale ones from an earlier, smaller city): it then estimates a handful of
    enterprises and may pick nested loops that rescan a whole source per enterprise (seen: a first grading of
    100 000 enterprises still running after 20 minutes). ANALYZE inside the transaction sees its own rows."""
    from django.db import connection

    from credit import services

    original = services.recalculate_all

    def recalculate_all(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return original(*args, **kwargs)

    services.recalculate_all = recalculate_all
    try:
        yield
    finally:
        services.recalculate_all = original


def _due_quarters(today: datetime.date, count: int) -> list[tuple]:
    """The last `count` quarters whose self-report is due: (year, quarter, quarter end, due date)."""
    from enterprises.services import quarter_end, self_report_due_on

    year, quarter = today.year, (today.month - 1) // 3 + 1
    due = []
    while len(due) < count:
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        if self_report_due_on(year, quarter) < today:
            due.append((year, quarter, quarter_end(year, quarter), self_report_due_on(year, quarter)))
    return due


def describe_data() -> list[str]:
    from django.db import connection

    queries = [
        (
            "final results",
            "SELECT count(*), count(*) FILTER (WHERE kind = 'recheck'),"
            " round(100.0 * count(*) FILTER (WHERE verdict = 'nonconforming') / count(*), 2),"
            " round(100.0 * count(*) FILTER (WHERE verdict = 'refused') / count(*), 2),"
            " count(*) FILTER (WHERE finalised_at >= now() - interval '3 years'),"
            " min(finalised_at)::date, max(finalised_at)::date,"
            " count(DISTINCT enterprise_id), count(DISTINCT campaign_id)"
            " FROM inspections_task WHERE status = 'final'",
        ),
        ("other tasks", "SELECT count(*) FROM inspections_task WHERE status <> 'final'"),
        (
            "follow-ups",
            "SELECT count(*), count(*) FILTER (WHERE stage <> 'closed'), count(*) FILTER (WHERE stage <> 'closed'"
            " AND report_submitted_at IS NULL AND rectification_due_on < current_date) FROM inspections_followup",
        ),
        (
            "licences",
            "SELECT count(*), count(*) FILTER (WHERE revoked_on IS NOT NULL),"
            " count(*) FILTER (WHERE revoked_on IS NULL AND expires_on < current_date) FROM enterprises_licence",
        ),
        (
            "penalties",
            "SELECT count(*), count(*) FILTER (WHERE is_heavier), count(*) FILTER (WHERE voided_at IS NOT NULL)"
            " FROM enterprises_penalty",
        ),
        (
            "self-reports",
            "SELECT count(*), count(*) FILTER (WHERE due_on < (submitted_at AT TIME ZONE 'Asia/Shanghai')::date)"
            " FROM enterprises_selfreport",
        ),
        (
            "dishonesty list",
            "SELECT count(*), count(*) FILTER (WHERE status = 'listed') FROM credit_blacklistentry",
        ),
        (
            "overrides",
            "SELECT count(*), count(*) FILTER (WHERE status = 'approved' AND expires_on >= current_date)"
            " FROM credit_gradeoverride",
        ),
    ]
    labels = {
        "final results": "{0:,} ({1:,} re-checks; {2}% nonconforming, {3}% refused; {4:,} in the last 3 years;"
        " {5} to {6}; {7:,} enterprises, {8} campaigns)",
        "other tasks": "{0:,} not final (assigned or cancelled)",
        "follow-ups": "{0:,} ({1:,} open, {2:,} with the report overdue)",
        "licences": "{0:,} ({1:,} revoked, {2:,} expired)",
        "penalties": "{0:,} ({1:,} heavier, {2:,} voided)",
        "self-reports": "{0:,} ({1:,} late)",
        "dishonesty list": "{0} entries ({1} listed)",
        "overrides": "{0} ({1} in force)",
    }
    lines = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM enterprises_enterprise")
        lines.append(f"  {'enterprises':<16} {cursor.fetchone()[0]:,}")
        for label, sql in queries:
            cursor.execute(sql)
            lines.append(f"  {label:<16} {labels[label].format(*cursor.fetchone())}")
    return lines


def reset_grades() -> None:
    """Empty the grades, their history and warnings, so the first run grades everyone from nothing."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM credit_gradechange")
        cursor.execute("DELETE FROM credit_riskwarning")
        cursor.execute("DELETE FROM credit_creditgrade")
        cursor.execute("DELETE FROM credit_arearate")
        cursor.execute("VACUUM ANALYZE credit_creditgrade")
        cursor.execute("VACUUM ANALYZE credit_gradechange")


def flip_results(share: float) -> int:
    """Change ~`share` of the final routine results: half of them conforming -> nonconforming, as many the other
    way, so the failure rate stays where it was over repeated runs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE verdict = 'conforming'),"
            " count(*) FILTER (WHERE verdict = 'nonconforming')"
            " FROM inspections_task WHERE status = 'final' AND kind = 'routine'"
        )
        final, conforming, nonconforming = cursor.fetchone()
        half = final * share / 2
        cursor.execute(
            "UPDATE inspections_task SET verdict = CASE WHEN verdict = 'conforming' THEN 'nonconforming'"
            " ELSE 'conforming' END WHERE status = 'final' AND kind = 'routine'"
            " AND random() < CASE verdict WHEN 'conforming' THEN %s WHEN 'nonconforming' THEN %s ELSE 0 END",
            [half / max(conforming, 1), min(half / max(nonconforming, 1), 1.0)],
        )
        return cursor.rowcount


class StatementTimer:
    """A connection execute wrapper: the time of each SQL statement of a recalculation."""

    def __init__(self):
        self.statements: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((time.perf_counter() - began, " ".join(sql.split())))


def timed_recalculation(**kwargs) -> tuple[float, object, StatementTimer]:
    from django.db import connection

    from credit.recalculation import recalculate

    timer = StatementTimer()
    with connection.execute_wrapper(timer):
        began = time.perf_counter()
        outcome = recalculate(**kwargs)
        elapsed = time.perf_counter() - began
    return elapsed, outcome, timer


AGGREGATE_SQL = """
SELECT count(*), sum(conforming), sum(nonconforming), sum(refused), sum(failed_recheck), sum(recent_failures)
FROM (
    SELECT enterprise_id,
           count(*) FILTER (WHERE verdict = 'conforming') AS conforming,
           count(*) FILTER (WHERE kind = 'routine' AND verdict = 'nonconforming') AS nonconforming,
           count(*) FILTER (WHERE kind = 'routine' AND verdict = 'refused') AS refused,
           count(*) FILTER (WHERE kind = 'recheck' AND verdict IN ('nonconforming', 'refused')) AS failed_recheck,
           count(*) FILTER (WHERE finalised_at >= now() - interval '365 days'
                            AND verdict IN ('nonconforming', 'refused')) AS recent_failures
    FROM inspections_task
    WHERE status = 'final' AND finalised_at >= now() - interval '3 years'
    GROUP BY enterprise_id
) per_enterprise
"""


def time_aggregate(runs: int) -> tuple[float, int]:
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            began = time.perf_counter()
            cursor.execute(AGGREGATE_SQL)
            groups = cursor.fetchone()[0]
            timings.append(time.perf_counter() - began)
    return statistics.median(timings), groups


def time_source_aggregate(runs: int) -> float:
    """The same indicator rows from every source (spot checks, follow-ups, licences, self-reports, penalties, the
    list, area rates), read by one plain aggregate: the grouped source queries joined to the enterprises and
    summed, with no scoring and no writes. What the recalculation cannot avoid reading."""
    from django.db import connection
    from django.utils import timezone

    from credit.indicators import INDICATORS
    from credit.models import ScoringModel
    from credit.recalculation import _values_sql, window_for

    now = timezone.now()
    model = ScoringModel.objects.in_force(timezone.localdate(now))
    values_sql, params = _values_sql(window_for(model, now))
    sums = ", ".join(f'sum("{code}")' for code in INDICATORS)
    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            began = time.perf_counter()
            cursor.execute(f"SELECT count(*), {sums} FROM ({values_sql}) v", params)
            cursor.fetchone()
            timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def time_insert_floor(runs: int) -> float:
    """The floor of the full recalculation: one INSERT ... SELECT that reads every source's indicator rows once and
    writes one row per enterprise (CREATE TEMP TABLE ... AS, as the recalculation's first statement does), without
    scoring, history or the upsert; with the recalculation's work_mem, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from credit.models import ScoringModel
    from credit.recalculation import _values_sql, _work_mem, window_for

    now = timezone.now()
    model = ScoringModel.objects.in_force(timezone.localdate(now))
    window = window_for(model, now)
    values_sql, params = _values_sql(window)
    timings = []
    for _ in range(runs):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            _work_mem(cursor, window)
            began = time.perf_counter()
            cursor.execute(f"CREATE TEMP TABLE bench_floor AS {values_sql}", params)
            timings.append(time.perf_counter() - began)
            transaction.set_rollback(True)
    return statistics.median(timings)


def explain_calc(enterprise_ids=None) -> None:
    """EXPLAIN ANALYZE of the statement that builds the recalculation's temporary table, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from credit.models import ScoringModel
    from credit.recalculation import TEMP, _calc_sql, window_for

    now = timezone.now()
    model = ScoringModel.objects.in_force(timezone.localdate(now))
    sql, params = _calc_sql(window_for(model, now, enterprise_ids), model)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    which = "the full run" if enterprise_ids is None else f"enterprise {enterprise_ids[0]}'s run"
    print(f"\nEXPLAIN ANALYZE of {which}: CREATE TEMP TABLE {TEMP} AS ...")
    for line in plan:
        print("  " + line)


def time_sql_build(enterprise_ids, runs: int = 20) -> float:
    """Milliseconds to build the recalculation's SQL in Python (the ORM compiling each source's queryset)."""
    from django.utils import timezone

    from credit.models import ScoringModel
    from credit.recalculation import _calc_sql, window_for

    now = timezone.now()
    model = ScoringModel.objects.in_force(timezone.localdate(now))
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        _calc_sql(window_for(model, now, enterprise_ids), model)
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def print_statements(title: str, timer: StatementTimer, top: int = 8) -> None:
    total = sum(seconds for seconds, _sql in timer.statements)
    print(f"\n{title}: {len(timer.statements)} statements, {total:.2f} s in the database; the slowest:")
    for seconds, sql in sorted(timer.statements, reverse=True)[:top]:
        print(f"  {seconds:>8.3f} s  {sql[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--results", type=int, default=1_000_000, help="final spot-check results")
    parser.add_argument("--runs", type=int, default=3, help="steady-state runs and aggregate repetitions")
    parser.add_argument("--events", type=int, default=50, help="enterprises for the event-driven recalculation")
    parser.add_argument("--change", type=float, default=0.01, help="share of results flipped before each run")
    parser.add_argument("--flush", action="store_true", help="confirm that the database may be emptied")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (built by a prior run)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the full run's main query")
    parser.add_argument("--smoke", action="store_true", help="a tiny city, to prove the script runs (no timing)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it comes, even into a file
    if args.smoke:
        if not args.flush:
            parser.error("--smoke builds its own tiny city: pass --flush to confirm the database may be emptied")
        args.enterprises, args.results, args.runs, args.events = 200, 3_000, 1, 3
    if not (args.flush or args.reuse):
        parser.error("pass --flush to confirm that the database named by DATABASE_URL may be emptied (or --reuse)")

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from credit.models import CreditGrade

    if connection.vendor != "postgresql":
        if args.smoke:
            print(f"smoke skipped: this benchmark needs PostgreSQL, not {connection.vendor}")
            sys.exit(SMOKE_SKIPPED)
        parser.error("this benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    if args.flush:
        build(args.enterprises, args.results)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW max_parallel_workers_per_gather")
        parallel = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    print(f"\nload average at start: {os.getloadavg()[0]:.2f} (other processes on this machine skew the timings)")
    print(
        f"PostgreSQL {server} (max_parallel_workers_per_gather {parallel}, work_mem {work_mem}, jit {jit});"
        f" {os.cpu_count()} cores"
    )
    print("data:")
    print("\n".join(describe_data()))

    reset_grades()
    aggregate_first, groups = time_aggregate(args.runs)

    first, first_outcome, first_timer = timed_recalculation(cause="scheduled")
    print(f"\nfirst run: {first:.2f} s, {first_outcome.as_counts()}")

    steady, flipped = [], []
    steady_timer = None
    for _run in range(args.runs):
        flipped.append(flip_results(args.change))
        elapsed, outcome, timer = timed_recalculation(cause="scheduled")
        steady.append(elapsed)
        steady_timer = timer
        print(f"steady run after changing {flipped[-1]:,} results: {elapsed:.2f} s, {outcome.as_counts()}")
    unchanged, unchanged_outcome, _timer = timed_recalculation(cause="scheduled")
    print(f"rerun with nothing changed: {unchanged:.2f} s, {unchanged_outcome.as_counts()}")

    rng = random.Random(50)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM enterprises_enterprise ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    events, event_queries, event_sql = [], [], []
    for enterprise_id in rng.sample(ids, args.events):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE inspections_task SET verdict = CASE WHEN verdict = 'conforming' THEN 'nonconforming'"
                " ELSE 'conforming' END WHERE id = (SELECT id FROM inspections_task WHERE enterprise_id = %s"
                " AND status = 'final' AND kind = 'routine' AND verdict IN ('conforming', 'nonconforming')"
                " ORDER BY finalised_at DESC LIMIT 1)",
                [enterprise_id],
            )
        elapsed, _outcome, timer = timed_recalculation(cause="event", enterprise_ids=[enterprise_id])
        events.append(elapsed * 1000)
        event_queries.append(len(timer.statements))
        event_sql.append(sum(seconds for seconds, _sql in timer.statements) * 1000)
    sql_build = time_sql_build([ids[0]])

    aggregate, groups = time_aggregate(args.runs)
    sources_aggregate = time_source_aggregate(args.runs)
    insert_floor = time_insert_floor(args.runs)
    steady_median = statistics.median(steady)
    event_median = statistics.median(events)
    distribution = {
        row["grade"]: row["n"] for row in CreditGrade.objects.order_by("grade").values("grade").annotate(n=Count("pk"))
    }
    total = sum(distribution.values()) or 1

    steady_ratio, first_ratio = steady_median / aggregate, first / aggregate
    p90 = statistics.quantiles(events, n=10)[-1]

    def line(label: str, value: str = "", target: str = "", ok: bool | None = None) -> None:
        mark = "" if ok is None else (" ok" if ok else " MISSED")
        print(f"{label:<58} {value:>14}  {target}{mark}")

    print()
    line("figure", "value", "target")
    line("full recalculation, first run (from nothing)", f"{first:.2f} s")
    line(
        f"full recalculation, steady state (median of {args.runs})",
        f"{steady_median:.2f} s",
        f"< {FULL_TARGET_S:.0f} s",
        steady_median < FULL_TARGET_S,
    )
    line("  (each run: " + ", ".join(f"{s:.2f}" for s in steady) + " s)")
    line("full recalculation, nothing changed", f"{unchanged:.2f} s")
    line(
        f"one enterprise, event-driven (median of {args.events})",
        f"{event_median:.1f} ms",
        f"< {EVENT_TARGET_MS:.0f} ms",
        event_median < EVENT_TARGET_MS,
    )
    line(
        "  target of issue 17",
        f"{event_median:.1f} ms",
        f"< {EVENT_STEADY_TARGET_MS:.0f} ms",
        event_median < EVENT_STEADY_TARGET_MS,
    )
    line("  p90 / max", f"{p90:.1f} / {max(events):.1f} ms")
    line(f"  in its {statistics.median(event_queries):.0f} SQL statements", f"{statistics.median(event_sql):.1f} ms")
    line("  building its SQL in Python (ORM compiling the sources)", f"{sql_build:.1f} ms")
    line(f"plain SQL aggregate, {groups:,} groups (median of {args.runs})", f"{aggregate:.2f} s")
    line("  (measured before the first run)", f"{aggregate_first:.2f} s")
    line(
        "ratio steady-state recalculation / aggregate",
        f"{steady_ratio:.1f}x",
        f"< {RATIO_TARGET:.0f}",
        steady_ratio < RATIO_TARGET,
    )
    line("ratio first run / aggregate", f"{first_ratio:.1f}x")
    line(f"plain aggregate of every source's rows (median of {args.runs})", f"{sources_aggregate:.2f} s")
    line(
        "ratio steady-state recalculation / every-source aggregate",
        f"{steady_median / sources_aggregate:.1f}x",
        f"< {RATIO_TARGET:.0f}",
        steady_median / sources_aggregate < RATIO_TARGET,
    )
    line(f"INSERT ... SELECT floor: every source's rows into a table (median of {args.runs})", f"{insert_floor:.2f} s")
    line(
        "ratio steady-state recalculation / INSERT ... SELECT floor",
        f"{steady_median / insert_floor:.2f}x",
        f"<= {INSERT_RATIO_TARGET}",
        steady_median / insert_floor <= INSERT_RATIO_TARGET,
    )
    shares = ", ".join(f"{grade} {count:,} ({100 * count / total:.1f}%)" for grade, count in distribution.items())
    print(f"\ngrade distribution: {shares}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE risk_score >= 60), round(avg(risk_score)::numeric, 1),"
            " count(*) FILTER (WHERE override_id IS NOT NULL) FROM credit_creditgrade"
        )
        high, mean, overridden = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM credit_gradechange")
        changes = cursor.fetchone()[0]
        cursor.execute("SELECT kind, count(*) FROM credit_riskwarning GROUP BY kind ORDER BY kind")
        warnings = ", ".join(f"{kind} {count:,}" for kind, count in cursor.fetchall())
    print(f"risk: mean {mean}, {high:,} at 60 or above; {overridden} overridden; {changes:,} grade changes in history;")
    print(f"warnings: {warnings or 'none'}")

    print(f"load average at the end: {os.getloadavg()[0]:.2f}")

    print_statements("first run", first_timer)
    print_statements("last steady-state run", steady_timer)
    if args.explain or steady_median >= FULL_TARGET_S or steady_ratio >= RATIO_TARGET:
        explain_calc()
    if args.explain or event_median >= EVENT_TARGET_MS:
        explain_calc([ids[len(ids) // 2]])


if __name__ == "__main__":
    main()
