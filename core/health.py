"""Cheap checks that the cache and the broker answer, for the administrators' home page: short timeouts, and each
answer kept in this process for a few seconds, so a page never waits on a dead Redis more than once in a while."""

import threading
import time

import redis
from django.conf import settings

TIMEOUT_SECONDS = 0.5
KEEP_SECONDS = 10.0

_answers: dict[str, tuple[float, bool]] = {}
_lock = threading.Lock()


def _redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    try:
        return bool(client.ping())
    except (redis.exceptions.RedisError, OSError):
        return False
    finally:
        client.close()


def _kept(name: str, check) -> bool:
    now = time.monotonic()
    with _lock:
        kept = _answers.get(name)
        if kept and now - kept[0] < KEEP_SECONDS:
            return kept[1]
    answer = check()
    with _lock:
        _answers[name] = (time.monotonic(), answer)
    return answer


def forget() -> None:
    """Drop the kept answers (tests, or right after a repair)."""
    with _lock:
        _answers.clear()


def cache_up() -> bool | None:
    """Whether the shared cache (Redis) answers; None when there is none (each process keeps its own memory)."""
    url = getattr(settings, "CACHE_URL", None)
    if not url:
        return None
    return _kept(f"cache:{url}", lambda: _redis_answers(url))


def broker_up() -> bool | None:
    """Whether the task broker answers; None when there is none (tasks run in process)."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        return None
    url = current_app.conf.broker_url or ""
    if url.startswith(("redis://", "rediss://")):
        return _kept(f"broker:{url}", lambda: _redis_answers(url))

    def connects() -> bool:
        try:
            with current_app.connection_for_write(connect_timeout=TIMEOUT_SECONDS) as connection:
                connection.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
            return True
        except Exception:
            return False

    return _kept(f"broker:{url}", connects)
