"""Real services for the outage tests: a Redis server of the test's own (so it can be stopped and started again
without touching the suite's), real `celery worker` and `celery beat` processes on it, and the test process's
Celery app pointed at it."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import kombu.pools
from django.db import connection

from qsportal.celery import app

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server on a free port, in a folder of its own; stop() and start() it at will."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _reset_app_connections() -> None:
    kombu.pools.reset()  # closes every pooled connection and forgets the pools, keyed by broker
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None
    app._backend_cache = None
    app._local = threading.local()


@contextlib.contextmanager
def celery_pointed_at(url: str):
    """The test process's Celery app sends to the broker at `url` (no longer in process) for the block."""
    saved = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = url, url, False
    _reset_app_connections()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = saved
        _reset_app_connections()


def _env(redis_url: str, extra: dict | None) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qsportal.settings",
        "SECRET_KEY": "test-worker",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        **(extra or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start_worker(log: Path, redis_url: str, *, extra_env: dict | None = None, wait: bool = True) -> subprocess.Popen:
    """A real `celery worker` (solo pool: the process that runs the task is the one a SIGKILL ends)."""
    hostname = f"qs-test-{os.getpid()}-{time.monotonic_ns()}@%h"
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
            "--without-mingle",
            "--without-gossip",
            f"--hostname={hostname}",
            f"--logfile={log}",
        ],
        cwd=ROOT,
        env=_env(redis_url, extra_env),
    )
    if wait:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1):
            assert process.poll() is None, log.read_text() if log.exists() else "worker exited"
            assert time.monotonic() < deadline, "worker did not answer a ping within 60 s"
    return process


def start_beat(folder: Path, redis_url: str) -> subprocess.Popen:
    """A real `celery beat` with the schedule from settings."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "qsportal",
            "beat",
            "--loglevel=INFO",
            f"--schedule={folder / 'beat-schedule'}",
            f"--logfile={folder / 'beat.log'}",
        ],
        cwd=ROOT,
        env=_env(redis_url, None),
    )


def stop(process: subprocess.Popen | None, *, kill: bool = False) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
