"""core.tasks.QSTask: transient errors are retried with exponential back-off up to a bound; anything else fails at
once; in process (no broker) nothing is retried."""

import psycopg2.errors
import pytest
import redis.exceptions
from celery.exceptions import Retry
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerError

from core.tasks import QSTask, is_transient
from qsportal.celery import app

CALLS: list[str] = []


@app.task(base=QSTask, name="tests.test_tasks.failing_task", bind=True)
def failing_task(self, kind: str) -> str:
    CALLS.append(kind)
    raise _error(kind)


def _database_error(cause: Exception) -> OperationalError:
    """What Django raises for a psycopg2 error: its own OperationalError caused by the driver's."""
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as exc:
        return exc


def _error(kind: str) -> Exception:
    return {
        "broker": BrokerError("connection refused"),
        "redis": redis.exceptions.ConnectionError("redis is down"),
        "redis-timeout": redis.exceptions.TimeoutError("timed out"),
        "lock": _database_error(psycopg2.errors.LockNotAvailable("canceling statement due to lock timeout")),
        "serialization": _database_error(psycopg2.errors.SerializationFailure("could not serialize access")),
        "deadlock": _database_error(psycopg2.errors.DeadlockDetected("deadlock detected")),
        "no-table": OperationalError("no such table: credit_creditgrade"),
        "value": ValueError("bad input"),
    }[kind]


@pytest.fixture
def in_a_worker():
    """Run the task as a worker does: a request that is neither eager nor a direct call, at a given attempt."""
    CALLS.clear()

    def run(kind: str, *, retries: int = 0):
        failing_task.push_request(id="job-1", retries=retries, is_eager=False, called_directly=False)
        try:
            return failing_task(kind)
        finally:
            failing_task.pop_request()

    return run


@pytest.fixture
def retries(monkeypatch):
    """Record the countdown of each retry instead of sending the message to a broker."""
    countdowns: list[int] = []

    def retry(*, exc, countdown, **kwargs):
        countdowns.append(countdown)
        return Retry(exc=exc, when=countdown)

    monkeypatch.setattr(failing_task, "retry", retry)
    return countdowns


@pytest.mark.parametrize("kind", ["broker", "redis", "redis-timeout", "lock", "serialization", "deadlock"])
def test_a_transient_error_is_retried(kind, in_a_worker, retries):
    with pytest.raises(Retry):
        in_a_worker(kind)
    assert retries == [30]


def test_the_back_off_doubles_with_each_attempt_up_to_its_maximum(in_a_worker, retries):
    for attempt in range(6):
        with pytest.raises(Retry):
            in_a_worker("lock", retries=attempt)
    assert retries == [30, 60, 120, 240, 480, 600]


def test_retries_are_bounded(in_a_worker):
    """Past max_retries the task fails with the real error (no retry is sent)."""
    with pytest.raises(OperationalError, match="lock timeout"):
        in_a_worker("lock", retries=QSTask.max_retries)
    assert CALLS == ["lock"]


@pytest.mark.parametrize("kind", ["value", "no-table"])
def test_any_other_error_is_not_retried(kind, in_a_worker, retries):
    with pytest.raises(type(_error(kind))):
        in_a_worker(kind)
    assert retries == []
    assert CALLS == [kind]


def test_in_process_a_transient_error_is_not_retried(retries):
    CALLS.clear()
    assert app.conf.task_always_eager
    with pytest.raises(OperationalError):
        failing_task.delay("lock")
    assert retries == []
    assert CALLS == ["lock"]


def test_only_the_named_database_errors_are_transient():
    assert is_transient(_error("deadlock"))
    assert not is_transient(_error("no-table"))
    assert not is_transient(OperationalError("could not translate host name"))
    assert not is_transient(ValueError())


def test_every_task_of_the_portal_uses_the_base_and_keeps_its_name():
    app.loader.import_default_modules()
    names = {name for name in app.tasks if not name.startswith(("celery.", "tests."))}
    assert {entry["task"] for entry in app.conf.beat_schedule.values()} <= names
    assert all(isinstance(app.tasks[name], QSTask) for name in names), [
        name for name in names if not isinstance(app.tasks[name], QSTask)
    ]
