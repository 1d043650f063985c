"""Credit recalculations running at once, failing half-way and retried, on a real PostgreSQL: each thread has its
own connection and transaction, as two Celery workers would."""

import datetime
import threading
import time
from functools import partial

import pytest
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from core.models import JobRun
from credit import recalculation, services
from credit.choices import Grade, GradeCause
from credit.models import AreaRate, CreditGrade, GradeChange, RiskWarning, ScoringModel
from credit.recalculation import RecalculationRunning
from credit.reference_data import FIRST_SCORING_MODEL
from credit.tasks import recalculate_all_task
from inspections.choices import Verdict
from tests.factories import (
    CampaignFactory,
    EnterpriseFactory,
    PenaltyFactory,
    UserFactory,
    final_task,
    open_follow_up,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(reference_data):
    """Six enterprises with two conforming checks each (grade A; area rates exist), the first also a penalty (B)."""
    campaign = CampaignFactory()
    enterprises = EnterpriseFactory.create_batch(6)
    for index, enterprise in enumerate(enterprises):
        final_task(enterprise, Verdict.CONFORMING, days_ago=20 + index, campaign=campaign)
        final_task(enterprise, Verdict.CONFORMING, days_ago=200 + index, campaign=campaign)
    PenaltyFactory(enterprise=enterprises[0])
    return enterprises


@pytest.fixture
def rendezvous(monkeypatch):
    """Make the race certain: hold each run, once its temporary table is built and before it writes history,
    until the other runs get there too, so runs not excluding each other would all compute from the same grades
    and all write the same change. With the locks only one run gets there at a time: it waits out the timeout
    (the barrier breaks) and goes on alone."""

    write_history = recalculation._write_history

    def hold(parties: int) -> None:
        barrier = threading.Barrier(parties, timeout=1.5)

        def held(cursor, **kwargs):
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
            return write_history(cursor, **kwargs)

        monkeypatch.setattr(recalculation, "_write_history", held)

    return hold


def at_once(*calls):
    """Run the calls in threads released together by a barrier; each thread uses (and closes) its own connection."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a run is still waiting: deadlock?"
    assert not errors, errors
    return results


def changes_per_enterprise() -> dict[int, int]:
    counts: dict[int, int] = {}
    for enterprise_id in GradeChange.objects.values_list("enterprise_id", flat=True):
        counts[enterprise_id] = counts.get(enterprise_id, 0) + 1
    return counts


def full_run():
    return services.recalculate_all(cause=GradeCause.SCHEDULED)


def full_run_or_refusal():
    try:
        return full_run()
    except RecalculationRunning as refusal:
        return refusal


def test_two_full_runs_at_once_write_each_change_once(register, rendezvous):
    """Started at the same moment, one runs and the other is refused at once, naming it (not queued behind it)."""
    rendezvous(2)
    results = at_once(full_run_or_refusal, full_run_or_refusal)
    (outcome,) = [r for r in results if not isinstance(r, RecalculationRunning)]
    (refusal,) = [r for r in results if isinstance(r, RecalculationRunning)]
    assert outcome.grade_changes == len(register)
    assert refusal.run.name == "credit.recalculate.scheduled"
    assert GradeChange.objects.filter(run=refusal.run).count() == len(register)  # the one that ran
    assert changes_per_enterprise() == {enterprise.pk: 1 for enterprise in register}
    assert CreditGrade.objects.count() == len(register)

    PenaltyFactory.create_batch(2, enterprise=register[1], is_heavier=True)  # 90 → 50: A → C
    refused = register[2]
    open_follow_up(final_task(refused, Verdict.REFUSED, days_ago=1))  # veto, and a risk jump to 40
    rendezvous(2)
    results = at_once(full_run_or_refusal, full_run_or_refusal)
    (outcome,) = [r for r in results if not isinstance(r, RecalculationRunning)]
    assert (outcome.grade_changes, outcome.warnings) == (2, 1)
    counts = changes_per_enterprise()
    assert (counts[register[1].pk], counts[refused.pk], sum(counts.values())) == (2, 2, len(register) + 2)
    assert RiskWarning.objects.get().enterprise == refused
    assert JobRun.objects.filter(status=JobRun.Status.SUCCEEDED).count() == 2


def test_an_enterprise_s_run_and_a_full_run_at_once_write_its_change_once(register, rendezvous):
    full_run()
    enterprise = register[3]
    assert CreditGrade.objects.get(enterprise=enterprise).grade == Grade.A
    final_task(enterprise, Verdict.REFUSED, days_ago=1)  # C by veto

    def event_run():
        return services.recalculate_enterprises([enterprise.pk], cause=GradeCause.EVENT, detail="inspection.refusal")

    rendezvous(3)
    at_once(event_run, full_run, event_run)
    changes = GradeChange.objects.filter(enterprise=enterprise).order_by("pk")
    assert [(c.previous_grade, c.grade) for c in changes] == [("", Grade.A), (Grade.A, Grade.C)]
    assert CreditGrade.objects.get(enterprise=enterprise).grade == Grade.C
    assert GradeChange.objects.count() == len(register) + 1


def test_a_run_failing_half_way_leaves_nothing_and_its_retry_succeeds(register, monkeypatch):
    recalculate_all_task.delay().get()
    before = {
        "grades": list(CreditGrade.objects.order_by("pk").values()),
        "changes": GradeChange.objects.count(),
        "rates": list(AreaRate.objects.order_by("industry_id", "district_id").values(*AREA_FIELDS)),
    }
    PenaltyFactory.create_batch(2, enterprise=register[4], is_heavier=True)  # A → C
    final_task(EnterpriseFactory(), Verdict.NONCONFORMING, days_ago=3)  # a new enterprise, a new area rate

    write_warnings = recalculation._write_risk_warnings
    attempts = []

    def fails_once(cursor, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:  # the temporary table and the history are written by now
            raise ConnectionError("the database connection dropped")
        return write_warnings(cursor, **kwargs)

    monkeypatch.setattr(recalculation, "_write_risk_warnings", fails_once)
    with pytest.raises(ConnectionError):
        recalculate_all_task.delay()
    assert list(CreditGrade.objects.order_by("pk").values()) == before["grades"]
    assert GradeChange.objects.count() == before["changes"]
    assert list(AreaRate.objects.order_by("industry_id", "district_id").values(*AREA_FIELDS)) == before["rates"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.credit_calc')")
        assert cursor.fetchone()[0] is None  # the temporary table went with the rollback
    failed = JobRun.objects.get(status=JobRun.Status.FAILED)
    assert "ConnectionError" in failed.error and failed.finished_at

    counts = recalculate_all_task.delay().get()  # the retry
    # every row changed: the new failure moved the industry's failure rate, so every risk score
    assert counts == {"enterprises": len(register) + 1, "changed": len(register) + 1, "grade_changes": 2, "warnings": 0}
    assert CreditGrade.objects.get(enterprise=register[4]).grade == Grade.C
    assert GradeChange.objects.count() == before["changes"] + 2
    assert AreaRate.objects.count() == len(before["rates"]) + 1
    assert recalculate_all_task.delay().get()["grade_changes"] == 0


AREA_FIELDS = ("industry_id", "district_id", "recent_tests", "recent_failed", "baseline_tests", "baseline_failed")


def test_the_nightly_task_leaves_a_run_record_with_its_counts(register):
    counts = recalculate_all_task.delay(cause=GradeCause.MONTHLY).get()
    assert counts == {
        "enterprises": len(register),
        "changed": len(register),
        "grade_changes": len(register),
        "warnings": 0,
    }
    run = JobRun.objects.get()
    assert (run.name, run.status, run.error) == ("credit.recalculate.monthly", JobRun.Status.SUCCEEDED, "")
    assert run.counts == {**counts, "overrides_ended": 0} and run.finished_at >= run.started_at
    assert set(GradeChange.objects.values_list("cause", "run")) == {(GradeCause.MONTHLY, run.pk)}


def test_two_leaders_issuing_model_versions_at_once_get_consecutive_versions(reference_data, monkeypatch):
    leaders = UserFactory.create_batch(2, role=Role.LEADER)
    full_clean = ScoringModel.full_clean

    def slow_full_clean(model, *args, **kwargs):  # widen the race between numbering a version and saving it
        time.sleep(0.5)
        return full_clean(model, *args, **kwargs)

    monkeypatch.setattr(ScoringModel, "full_clean", slow_full_clean)
    values = {
        **{key: value for key, value in FIRST_SCORING_MODEL.items() if key != "version"},
        "effective_from": timezone.localdate() + datetime.timedelta(days=30),
        "note": "新版本",
    }
    latest = ScoringModel.objects.order_by("-version").first().version
    issued = at_once(*(partial(services.scoring_model_create, actor=leader, values=values) for leader in leaders))
    assert sorted(model.version for model in issued) == [latest + 1, latest + 2]
