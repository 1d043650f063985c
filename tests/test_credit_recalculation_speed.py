"""The recalculation's speed measures keep its results: an enterprise's run reuses its compiled SQL (same text and
parameters as compiling afresh, for any enterprises and moment of the day), a source that does not fit the recipe
is compiled every time, and a full run gets work_mem sized by the city."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from credit import recalculation
from credit.choices import GradeCause
from credit.models import CreditGrade, GradeChange, ScoringModel
from credit.recalculation import _cached_calc_sql, recalculate, window_for
from inspections.choices import Verdict
from tests.factories import CampaignFactory, EnterpriseFactory, PenaltyFactory, final_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def model():
    return ScoringModel.objects.in_force(timezone.localdate())


@pytest.fixture
def compilations(monkeypatch):
    calls = []
    original = recalculation._calc_sql

    def counting(window, model):
        calls.append(window)
        return original(window, model)

    monkeypatch.setattr(recalculation, "_calc_sql", counting)
    return calls


def _noon_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)


def test_an_enterprise_run_reuses_its_sql_with_its_own_ids_and_moment(model, compilations):
    noon = _noon_today()
    windows = [
        window_for(model, noon, [7]),
        window_for(model, noon + datetime.timedelta(minutes=5, microseconds=17), [123456]),
        window_for(model, noon - datetime.timedelta(hours=3), [99]),
        window_for(model, noon, [5, 3]),
        window_for(model, noon + datetime.timedelta(seconds=1), [40, 41]),
    ]
    results = [_cached_calc_sql(window, model) for window in windows]
    assert len(compilations) == 4  # two probes per key (one enterprise, two), the first time only
    for window, (sql, params) in zip(windows, results, strict=True):
        fresh_sql, fresh_params = recalculation._calc_sql(window, model)
        assert sql == fresh_sql
        assert params == list(fresh_params)


def test_a_full_run_compiles_afresh(model, compilations):
    window = window_for(model, timezone.now())
    _cached_calc_sql(window, model)
    _cached_calc_sql(window, model)
    assert len(compilations) == 2


def test_a_source_outside_the_recipe_is_compiled_every_time(model, monkeypatch):
    """A parameter that is none of the window's moments (here five days before now) cannot be cached."""
    original = recalculation._calc_sql
    calls = []

    def odd(window, model):
        calls.append(window)
        sql, params = original(window, model)
        return f"{sql} AND %s IS NOT NULL", [*params, window.now - datetime.timedelta(days=5)]

    monkeypatch.setattr(recalculation, "_calc_sql", odd)
    noon = _noon_today()
    first = _cached_calc_sql(window_for(model, noon, [1]), model)
    later = noon + datetime.timedelta(minutes=1)
    second = _cached_calc_sql(window_for(model, later, [2]), model)
    assert first[1][-1] == noon - datetime.timedelta(days=5)
    assert second[1][-1] == later - datetime.timedelta(days=5)
    assert len(calls) == 2 + 1 + 1  # the probes once, then a compilation each call


def test_a_setting_change_forgets_the_compiled_sql(model, compilations):
    window = window_for(model, _noon_today(), [1])
    _cached_calc_sql(window, model)
    with override_settings(AREA_MIN_TESTS=7):
        _cached_calc_sql(window, model)
    assert len(compilations) == 4


def test_event_runs_grade_as_the_full_run_does():
    campaign = CampaignFactory()
    enterprises = EnterpriseFactory.create_batch(6)
    for index, enterprise in enumerate(enterprises):
        final_task(
            enterprise, [Verdict.CONFORMING, Verdict.NONCONFORMING, Verdict.REFUSED][index % 3], campaign=campaign
        )
        if index % 2:
            PenaltyFactory(enterprise=enterprise)
    for enterprise in enterprises:
        recalculate(cause=GradeCause.EVENT, enterprise_ids=[enterprise.pk])
    by_event = {
        row["enterprise_id"]: row
        for row in CreditGrade.objects.values(
            "enterprise_id", "grade", "computed_grade", "score", "indicator_values", "risk_values"
        )
    }
    history = GradeChange.objects.count()
    outcome = recalculate(cause=GradeCause.SCHEDULED)
    assert outcome.grade_changes == 0  # the full run finds every grade already right: no duplicate history
    assert GradeChange.objects.count() == history == len(enterprises)
    for row in CreditGrade.objects.values(
        "enterprise_id", "grade", "computed_grade", "score", "indicator_values", "risk_values"
    ):
        assert {k: v for k, v in row.items() if k != "risk_values"} == {
            k: v for k, v in by_event[row["enterprise_id"]].items() if k != "risk_values"
        }


@pytest.mark.postgres
def test_a_full_run_gets_work_mem_sized_by_the_city():
    EnterpriseFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
    with (
        override_settings(CREDIT_RECALC_WORK_MEM_KB_PER_ENTERPRISE=10_000, CREDIT_RECALC_WORK_MEM_MAX_MB=20),
        CaptureQueriesContext(connection) as queries,
    ):
        recalculate(cause=GradeCause.SCHEDULED)
    assert "SET LOCAL work_mem = '20480kB'" in [query["sql"] for query in queries]  # held to the maximum
    with (
        override_settings(CREDIT_RECALC_WORK_MEM_KB_PER_ENTERPRISE=10_000),
        CaptureQueriesContext(connection) as queries,
    ):
        recalculate(cause=GradeCause.EVENT, enterprise_ids=[EnterpriseFactory().pk])
    assert not [query for query in queries if "work_mem" in query["sql"]]  # an enterprise's run: as it is
