import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from core.models import JobRun
from core.tasks import heartbeat_task
from inspections.models import Task
from qsportal.celery import app

ROOT = Path(__file__).resolve().parent.parent


def test_without_a_broker_tasks_run_in_process(db, settings):
    assert app.conf.task_always_eager
    run = JobRun.objects.get(pk=heartbeat_task.delay().get())
    assert run.status == JobRun.Status.SUCCEEDED and run.finished_at and run.counts == {"database": 1}


def test_beat_schedule_comes_from_settings():
    assert app.conf.beat_schedule["heartbeat"]["task"] == heartbeat_task.name


def test_a_failing_job_is_recorded_as_failed(db):
    from core.services import job_run

    with pytest.raises(RuntimeError), job_run("doomed"):
        raise RuntimeError("disk full")
    run = JobRun.objects.get(name="doomed")
    assert run.status == JobRun.Status.FAILED and run.error == "RuntimeError: disk full" and run.finished_at


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(tmp_path):
    """A real `celery worker` process on the real Redis broker, using the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qsportal.settings",
        "SECRET_KEY": "test-worker",
        "DATABASE_URL": _database_url(),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = tmp_path / "worker.log"
    hostname = f"qs-test-{os.getpid()}@%h"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qsportal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            f"--hostname={hostname}",
            f"--logfile={log}",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1):
            assert process.poll() is None, log.read_text() if log.exists() else "worker exited"
            assert time.monotonic() < deadline, "worker did not answer a ping within 60 s"
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_end_to_end(celery_worker_process):
    app.conf.task_always_eager = False
    try:
        result = heartbeat_task.delay()
        run_pk = result.get(timeout=60)
    finally:
        app.conf.task_always_eager = True
    run = JobRun.objects.get(pk=run_pk)
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.worker  # recorded by the worker process, not by this one
    assert result.successful()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_dispatches_a_domain_event_once(celery_worker_process, reference_data, enterprise):
    from core.events import event_emit
    from core.models import DomainEvent
    from core.tasks import dispatch_event_task

    app.conf.task_always_eager = False
    try:
        event = event_emit("inspection.verdict", enterprise_id=enterprise.pk, verdict="nonconforming")
        deadline = time.monotonic() + 60
        while not DomainEvent.objects.filter(pk=event.pk, dispatched_at__isnull=False).exists():
            assert time.monotonic() < deadline, "the worker did not dispatch the event within 60 s"
            time.sleep(0.2)
        # A redelivered message (a retry, a second worker) finds the event claimed and does nothing.
        assert dispatch_event_task.delay(event.pk).get(timeout=60) is False
    finally:
        app.conf.task_always_eager = True
    assert DomainEvent.objects.get(pk=event.pk).attempts == 1


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_regrades_an_enterprise_after_a_verdict_and_runs_the_nightly_recalculation(
    celery_worker_process, reference_data, enterprise, other_enterprise
):
    """The credit chain for real: a verdict event goes through Redis to a worker process, which recalculates that
    enterprise only (PostgreSQL advisory locks, temp table); then the nightly task grades everyone and records
    its run, and a second run (a retry) changes nothing."""
    from django.db import transaction
    from django.utils import timezone

    from core.events import event_emit
    from credit.models import CreditGrade, GradeChange
    from credit.tasks import recalculate_all_task
    from inspections.choices import TaskStatus, Verdict
    from tests.factories import CampaignFactory

    campaign = CampaignFactory()
    now = timezone.now()
    app.conf.task_always_eager = False
    try:
        with transaction.atomic():
            task = Task.objects.create(
                campaign=campaign,
                enterprise=enterprise,
                due_on=campaign.period_end,
                status=TaskStatus.FINAL,
                verdict=Verdict.NONCONFORMING,
                finalised_at=now,
            )
            event_emit("inspection.verdict", enterprise_id=enterprise.pk, task=task.pk, verdict=Verdict.NONCONFORMING)
        deadline = time.monotonic() + 60
        while not CreditGrade.objects.filter(enterprise=enterprise).exists():
            assert time.monotonic() < deadline, "the worker did not regrade the enterprise within 60 s"
            time.sleep(0.2)
        grade = CreditGrade.objects.get(enterprise=enterprise)
        assert grade.indicator_values["nonconforming"] == 1
        assert grade.score == 60
        assert not CreditGrade.objects.filter(enterprise=other_enterprise).exists()  # that enterprise only
        change = GradeChange.objects.get(enterprise=enterprise)
        assert (change.cause, change.detail) == ("event", "inspection.verdict")

        counts = recalculate_all_task.delay("scheduled").get(timeout=120)
        assert counts["enterprises"] == 2 and counts["grade_changes"] == 1  # other_enterprise graded for the first time
        assert recalculate_all_task.delay("scheduled").get(timeout=120)["grade_changes"] == 0
    finally:
        app.conf.task_always_eager = True
    run = JobRun.objects.filter(name="credit.recalculate.scheduled").order_by("started_at").first()
    assert run.status == JobRun.Status.SUCCEEDED and run.worker and run.counts["enterprises"] == 2
    assert GradeChange.objects.filter(enterprise=enterprise).count() == 1
