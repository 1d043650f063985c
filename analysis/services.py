"""Writes of the analysis app: rebuilding the spot-check result summary the dashboard reads."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear

from analysis.models import ResultSummary
from core.services import job_run
from inspections.choices import Verdict
from inspections.selectors import final_routine_tasks

SUMMARY_JOB = "analysis.result_summary"
SUMMARY_LOCK = 0x414E4C59  # "ANLY": one rebuild at a time
COLUMNS = ("year", "quarter", "district_id", "industry_id", "tested", "nonconforming", "refused")


def summary_rows() -> QuerySet:
    """The summary's rows as one grouped query over the final routine results. Re-checks are left out: they sample
    enterprises already known to have failed and would lower the rates of the areas that follow up most."""
    local = ZoneInfo(settings.TIME_ZONE)
    return (
        final_routine_tasks()
        .values(
            year=ExtractYear("finalised_at", tzinfo=local),
            quarter=ExtractQuarter("finalised_at", tzinfo=local),
            district_id=F("enterprise__district_id"),
            industry_id=F("enterprise__industry_id"),
        )
        .annotate(
            tested=Count("pk"),
            nonconforming=Count("pk", filter=Q(verdict=Verdict.NONCONFORMING)),
            refused=Count("pk", filter=Q(verdict=Verdict.REFUSED)),
        )
        .order_by()
    )


def result_summary_refresh() -> int:
    """Rebuild the whole summary: one DELETE and one INSERT ... SELECT in one transaction, so the dashboard reads
    either the old summary or the new one, never half of each. Two rebuilds at once wait for each other (an advisory
    lock on PostgreSQL). Leaves a job run (counts: rows, results) that dates the figures. Returns the rows written."""
    table = connection.ops.quote_name(ResultSummary._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    select, params = summary_rows().query.sql_with_params()
    with job_run(SUMMARY_JOB) as run, transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SUMMARY_LOCK])
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM ({select}) summary", params)
        written = cursor.rowcount
        cursor.execute(f"SELECT COALESCE(SUM(tested), 0) FROM {table}")
        run.counts = {"rows": written, "results": cursor.fetchone()[0]}
    return written
