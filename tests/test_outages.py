"""Outages and killed work, reproduced on the real services (issue 16, items 1-5): Redis stopped under the
portal, a Celery worker killed with SIGKILL in the middle of a full recalculation, and a second full run asked for
while one is under way. Each test runs a Redis of its own (tests.workers.RedisServer) so it can stop and start it;
the figures measured are printed (pytest -s shows them)."""

import copy
import datetime
import logging
import time

import psycopg2
import pytest
import redis
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from core import cache as resilient_cache
from core import health
from core.events import event_dispatch, event_emit
from core.models import DomainEvent, JobRun
from core.tasks import reap_lost_runs_task
from credit import services
from credit.choices import GradeCause
from credit.models import CreditGrade, DeferredRecalculation, GradeChange
from credit.tasks import recalculate_all_task
from inspections.choices import Verdict
from qsportal.celery import app
from tests.clients import signed_in, token_api
from tests.factories import PASSWORD, CampaignFactory, EnterpriseFactory, LicenceFactory, PenaltyFactory, final_task
from tests.workers import RedisServer, celery_pointed_at, database_url, start_beat, start_worker, stop


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def wait_for(condition, *, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(every)
    return result


def report(figure: str) -> None:
    print(f"\n[outage figure] {figure}")


# 1. A committed write never answers 500 when the broker is down; its event follows within a minute of the return.


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writes_during_a_broker_outage_answer_normally_and_their_events_follow_within_a_minute(
    tmp_path, redis_server, reference_data, actors, enterprise
):
    licences = LicenceFactory.create_batch(3, enterprise=enterprise)
    staff = token_api(actors[Role.SUPERVISOR])
    with celery_pointed_at(redis_server.url):
        worker = start_worker(tmp_path / "worker.log", redis_server.url)
        beat = start_beat(tmp_path, redis_server.url)
        try:
            assert staff.get(f"/api/v1/licences/{licences[0].pk}/").status_code == 200  # the API loaded
            redis_server.stop()
            before = DomainEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            slowest = 0.0
            for licence in licences:
                started = time.monotonic()
                response = staff.post(
                    f"/api/v1/licences/{licence.pk}/revoke/",
                    {"revoked_on": str(timezone.localdate()), "revocation_reason": "以欺骗手段取得许可"},
                    format="json",
                )
                slowest = max(slowest, time.monotonic() - started)
                assert response.status_code == 200, response.content
            assert slowest < 2, f"a write waited {slowest:.1f} s on the dead broker"
            events = DomainEvent.objects.filter(pk__gt=before)
            assert events.count() >= len(licences)
            assert not events.filter(dispatched_at__isnull=False).exists()  # pending, not lost
            assert not CreditGrade.objects.filter(enterprise=enterprise).exists()

            redis_server.start()
            back = time.monotonic()
            wait_for(
                lambda: not events.filter(dispatched_at__isnull=True).exists(),
                timeout=90,
                what="the events written during the outage were not dispatched",
                every=0.5,
            )
            recovered = time.monotonic() - back
        finally:
            stop(beat)
            stop(worker)
    lost = events.filter(dispatched_at__isnull=True).count()
    report(f"broker outage: slowest write {slowest:.2f} s; events dispatched {recovered:.1f} s after its return")
    report(f"broker outage: events lost {lost} of {events.count()}")
    assert recovered < 60 and lost == 0
    grade = CreditGrade.objects.get(enterprise=enterprise)
    assert grade.indicator_values["licence_revoked"] == len(licences)


def test_the_stranded_sweep_runs_every_thirty_seconds_and_dispatches_what_the_broker_missed(
    db, enterprise, monkeypatch, django_capture_on_commit_callbacks
):
    """In process: a failed hand-off leaves the event pending (logged, no exception), and the sweep dispatches it."""
    from core import events as events_module
    from core.tasks import QueueUnavailable, dispatch_stranded_events_task

    schedule = app.conf.beat_schedule["stranded-events"]
    assert schedule["task"] == dispatch_stranded_events_task.name and schedule["schedule"] <= 30

    def broker_down(task, *args, **kwargs):
        raise QueueUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("core.tasks.enqueue", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        event = event_emit("test.outage", enterprise_id=enterprise.pk)
    event.refresh_from_db()
    assert event.dispatched_at is None and event.attempts == 0
    assert dispatch_stranded_events_task.delay().get() == 0  # too recent: its message may still be on its way
    DomainEvent.objects.filter(pk=event.pk).update(occurred_at=timezone.now() - datetime.timedelta(seconds=30))
    monkeypatch.setattr(events_module, "_HANDLERS", [])
    assert dispatch_stranded_events_task.delay().get() == 1
    event.refresh_from_db()
    assert event.dispatched_at and event.attempts == 1


# 2. The cache going down is not an outage of the portal.


@pytest.mark.redis
@pytest.mark.django_db
def test_with_redis_stopped_token_login_open_data_and_complaint_filing_keep_working(
    redis_server, settings, actors, client, caplog, monkeypatch
):
    import qsportal.settings as production

    settings.CACHES = {"default": {**copy.deepcopy(production.CACHES["default"]), "LOCATION": redis_server.url}}
    settings.CACHE_URL = redis_server.url
    monkeypatch.setattr(resilient_cache, "RETRY_AFTER_SECONDS", 0.5)
    health.forget()
    anonymous = APIClient()
    assert anonymous.get("/api/v1/public/enterprises/").status_code == 200  # through Redis
    redis_server.stop()
    caplog.set_level(logging.WARNING)

    started = time.monotonic()
    login = anonymous.post("/api/v1/auth/token/", {"username": "leader", "password": PASSWORD}, format="json")
    assert login.status_code == 200 and login.json()["token"]
    assert anonymous.get("/api/v1/public/enterprises/").status_code == 200
    filing = {
        "kind": "complaint",
        "product_name": "电热水壶",
        "place": "岳阳楼区步行街某商店",
        "description": "使用一周后底座漏电",
        "contact_name": "李四",
        "contact_phone": "13800001111",
        "contact_address": "岳阳楼区南湖大道1号",
        "enterprise_name": "岳阳楼区步行街某商店",
    }
    statuses = [anonymous.post("/api/v1/complaints/public/", filing, format="json").status_code for _ in range(6)]
    assert statuses == [201] * 5 + [429]  # the limit still holds, counted in this process
    assert client.get(reverse("complaints:new")).status_code == 200
    took = time.monotonic() - started
    assert "the cache (Redis) is unreachable" in caplog.text

    with celery_pointed_at(redis_server.url):
        started = time.monotonic()
        home = signed_in(client, actors[Role.ADMIN]).get("/")
        home_took = time.monotonic() - started
    page = home.content.decode()
    assert home.status_code == 200 and 'data-testid="cache-down"' in page and 'data-testid="broker-down"' in page
    assert home_took < 2
    report(f"cache outage: login, open data, 6 filings and the form in {took:.2f} s; admin home in {home_took:.2f} s")

    redis_server.start()
    time.sleep(0.6)
    health.forget()
    assert anonymous.get("/api/v1/public/enterprises/").status_code == 200
    assert redis.Redis.from_url(redis_server.url).keys("*throttle*")  # counting in Redis again
    home = client.get("/")
    assert 'data-testid="cache-down"' not in home.content.decode()


# 3. No request waits on a dead broker.


@pytest.mark.redis
@pytest.mark.django_db
def test_run_now_with_the_broker_down_answers_within_two_seconds_and_says_so(redis_server, actors, client):
    redis_server.stop()
    signed_in(client, actors[Role.SUPERVISOR])
    assert client.get(reverse("credit:runs")).status_code == 200  # the page the button is on
    with celery_pointed_at(redis_server.url):
        started = time.monotonic()
        response = client.post(reverse("credit:run_now"), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
        took = time.monotonic() - started
        refresh = client.post(reverse("analysis:dashboard_refresh"), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    report(f'"Run now" with Redis down answered in {took:.2f} s')
    assert response.status_code == 200 and took < 2
    assert "无法连接任务队列，请稍后重试。" in response.content.decode()
    assert refresh.status_code == 200 and "无法连接任务队列，请稍后重试。" in refresh.content.decode()
    assert not JobRun.objects.exists()


# 4. A killed job is noticed and finished.


@pytest.fixture
def graded_register(reference_data):
    """Six enterprises with two conforming checks each, graded by a full run (in process)."""
    campaign = CampaignFactory()
    enterprises = EnterpriseFactory.create_batch(6)
    for index, enterprise in enumerate(enterprises):
        final_task(enterprise, Verdict.CONFORMING, days_ago=20 + index, campaign=campaign)
        final_task(enterprise, Verdict.CONFORMING, days_ago=200 + index, campaign=campaign)
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    assert GradeChange.objects.count() == len(enterprises)
    return enterprises


def hold_grade_row(enterprise) -> psycopg2.extensions.connection:
    """Lock the enterprise's grade row in another session: a full run that must change it waits there, after it
    has written its history, until the lock is released."""
    holder = psycopg2.connect(database_url())
    with holder.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {CreditGrade._meta.db_table} WHERE enterprise_id = %s FOR UPDATE", [enterprise.pk]
        )
    return holder


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def other_sessions_active() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND state = 'active' AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


LOST_AFTER = 5
WORKER_ENV = {"JOB_HEARTBEAT_SECONDS": "1", "JOB_LOST_AFTER_SECONDS": str(LOST_AFTER)}


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_is_noticed_and_its_run_completes_once(
    tmp_path, redis_server, graded_register, settings
):
    settings.JOB_LOST_AFTER_SECONDS = LOST_AFTER
    assert recalculate_all_task.acks_late and recalculate_all_task.reject_on_worker_lost
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit
    assert app.conf.beat_schedule["lost-job-runs"]["schedule"] <= 60
    penalised = graded_register[1]
    PenaltyFactory.create_batch(2, enterprise=penalised, is_heavier=True)  # A → C at the next run
    history = GradeChange.objects.count()

    with celery_pointed_at(redis_server.url):
        worker = start_worker(tmp_path / "worker.log", redis_server.url, extra_env=WORKER_ENV)
        holder = hold_grade_row(penalised)
        try:
            recalculate_all_task.delay(GradeCause.SCHEDULED)
            wait_for(waiting_on_a_lock, timeout=60, what="the full run did not reach its grade writes")
            killed = JobRun.objects.get(name="credit.recalculate.scheduled", status=JobRun.Status.RUNNING)
            stop(worker, kill=True)  # SIGKILL, in the middle of the run's transaction
            killed_at = time.monotonic()
            holder.rollback()
            wait_for(lambda: not other_sessions_active(), timeout=30, what="the dead worker's session lingered")
            assert GradeChange.objects.count() == history  # its transaction never committed
            assert JobRun.objects.get(pk=killed.pk).status == JobRun.Status.RUNNING  # until noticed

            worker = start_worker(tmp_path / "worker-2.log", redis_server.url, extra_env=WORKER_ENV)
            restarted = time.monotonic()
            wait_for(
                lambda: (
                    timezone.now() - JobRun.objects.get(pk=killed.pk).heartbeat_at
                    > datetime.timedelta(seconds=LOST_AFTER)
                ),
                timeout=30,
                what="the killed run kept beating",
            )
            assert reap_lost_runs_task.delay().get(timeout=60) == [killed.pk]  # the beat task, on the worker
            assert reap_lost_runs_task.delay().get(timeout=60) == []  # once
            rerun = wait_for(
                lambda: JobRun.objects.filter(
                    name="credit.recalculate.scheduled", status=JobRun.Status.SUCCEEDED, pk__gt=killed.pk
                ).first(),
                timeout=300,
                what="the lost run was not completed",
                every=0.5,
            )
            completed = time.monotonic() - restarted
            since_kill = time.monotonic() - killed_at
        finally:
            holder.close()
            stop(worker)
    killed.refresh_from_db()
    report(
        f"killed worker: the lost run completed {completed:.1f} s after the worker restarted, {since_kill:.1f} s"
        f" after the kill (heartbeat every 1 s, lost after {LOST_AFTER} s; in production 20 s and 120 s)"
    )
    assert killed.status == JobRun.Status.LOST and "WorkerLost" in killed.error and killed.finished_at
    assert completed < 300
    assert not GradeChange.objects.filter(run=killed).exists()
    changes = GradeChange.objects.filter(run=rerun)
    assert list(changes.values_list("enterprise_id", flat=True)) == [penalised.pk]
    assert not GradeChange.objects.values("enterprise", "at").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert GradeChange.objects.count() == history + 1
    assert CreditGrade.objects.get(enterprise=penalised).grade == "C"


# 5. A second full run is refused at once; an enterprise's recalculation never waits behind a full run.


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_during_a_full_run_another_is_refused_at_once_and_enterprise_runs_are_deferred_to_it(
    tmp_path, redis_server, graded_register, actors, client
):
    held, asked, evented = graded_register[0], graded_register[2], graded_register[3]
    PenaltyFactory.create_batch(2, enterprise=held, is_heavier=True)  # the run must write this row: it waits there
    assert signed_in(client, actors[Role.SUPERVISOR]).get(reverse("credit:runs")).status_code == 200
    with celery_pointed_at(redis_server.url):
        worker = start_worker(tmp_path / "worker.log", redis_server.url)
        holder = hold_grade_row(held)
        try:
            recalculate_all_task.delay(GradeCause.SCHEDULED)
            wait_for(waiting_on_a_lock, timeout=60, what="the full run did not reach its grade writes")
            running = JobRun.objects.get(name="credit.recalculate.scheduled", status=JobRun.Status.RUNNING)

            started = time.monotonic()
            page = client.post(reverse("credit:run_now"), follow=True)
            refused_in = time.monotonic() - started
            assert page.status_code == 200 and "credit.recalculate.scheduled" in page.content.decode()
            assert redis.Redis.from_url(redis_server.url).llen("celery") == 0  # nothing queued behind it
            assert recalculate_all_task.apply(kwargs={"cause": "monthly"}).get() == {
                "refused": True,
                "running": running.pk,
            }

            started = time.monotonic()
            api = token_api(actors[Role.SUPERVISOR]).post(f"/api/v1/credit/grades/{asked.pk}/recalculate/")
            api_in = time.monotonic() - started
            assert api.status_code == 202 and api.json()["grade"] == "A"

            PenaltyFactory.create_batch(2, enterprise=evented, is_heavier=True)  # after the run read the record
            event = DomainEvent.objects.create(kind="enterprise.record", enterprise=evented)
            started = time.monotonic()
            assert event_dispatch(event.pk) is True
            event_in = time.monotonic() - started
            deferred = DeferredRecalculation.objects.filter(done_at__isnull=True)
            assert sorted(deferred.values_list("enterprise_id", "cause")) == sorted(
                [(asked.pk, GradeCause.MANUAL), (evented.pk, GradeCause.EVENT)]
            )
        finally:
            holder.rollback()
            holder.close()
        try:
            wait_for(
                lambda: JobRun.objects.filter(pk=running.pk, status=JobRun.Status.SUCCEEDED).exists(),
                timeout=60,
                what="the full run did not finish",
            )
        finally:
            stop(worker)
    report(
        f"during a full run: second run refused in {refused_in:.2f} s, the API answered in {api_in:.2f} s,"
        f" an event's recalculation returned in {event_in:.2f} s"
    )
    assert refused_in < 2 and api_in < 2 and event_in < 2
    running.refresh_from_db()
    assert running.counts["deferred"] == 2
    assert not DeferredRecalculation.objects.filter(done_at__isnull=True).exists()
    change = GradeChange.objects.filter(enterprise=evented).order_by("pk").last()
    assert (change.grade, change.cause, change.detail) == ("C", GradeCause.EVENT, "enterprise.record")
    assert JobRun.objects.filter(name__startswith="credit.recalculate.").count() == 2  # the fixture's, and this one


def test_a_silent_run_is_marked_lost_once_and_its_task_runs_again(db, settings, reference_data):
    """In process (no broker): the reaper marks a run whose heartbeat stopped and runs its task again; a run still
    beating, or one that names no task, is left alone or only marked."""
    settings.JOB_LOST_AFTER_SECONDS = 120
    old = timezone.now() - datetime.timedelta(minutes=5)
    lost = JobRun.objects.create(
        name="credit.recalculate.scheduled",
        heartbeat_at=old,
        task=recalculate_all_task.name,
        task_kwargs={"cause": GradeCause.SCHEDULED},
    )
    silent = JobRun.objects.create(name="licence_warnings", heartbeat_at=old)
    beating = JobRun.objects.create(name="credit.recalculate.monthly", heartbeat_at=timezone.now())
    assert services.full_run_in_progress() == beating
    JobRun.objects.filter(pk=beating.pk).update(status=JobRun.Status.SUCCEEDED)
    assert reap_lost_runs_task.delay().get() == [lost.pk]
    assert reap_lost_runs_task.delay().get() == []
    for run in (lost, silent):
        run.refresh_from_db()
        assert run.status == JobRun.Status.LOST and "WorkerLost" in run.error and run.finished_at
    rerun = JobRun.objects.filter(name="credit.recalculate.scheduled", status=JobRun.Status.SUCCEEDED).get()
    assert rerun.task == recalculate_all_task.name and rerun.task_kwargs == {"cause": "scheduled"}


def test_the_admin_home_says_nothing_is_down_without_redis(client, actors):
    home = signed_in(client, actors[Role.ADMIN]).get("/")
    page = home.content.decode()
    assert home.status_code == 200 and 'data-testid="service-status"' in page
    assert 'data-testid="cache-down"' not in page and 'data-testid="broker-down"' not in page
