"""The shared cache on Redis, with a per-process fallback: Redis going down is not an outage of the portal.

While Redis does not answer (refused, or past the short socket timeouts in settings), every cache call is
answered by this process's own memory instead, and Redis is tried again a few seconds later. Throttles and the
per-address limits (core.ratelimit, DRF's throttles) then count per process: looser by the number of processes,
never a 500. The switch in each direction is logged once."""

import logging
import threading
import time

import redis.exceptions
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

UNAVAILABLE = (redis.exceptions.RedisError, OSError)
RETRY_AFTER_SECONDS = 5.0


def _fallback_call(name: str):
    def call(self, *args, **kwargs):
        if self._down_until > time.monotonic():
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            result = getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
        except UNAVAILABLE as exc:
            self._went_down(exc)
            return getattr(self._fallback, name)(*args, **kwargs)
        if self._down_since is not None:
            self._came_back()
        return result

    call.__name__ = name
    return call


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answered from a per-process LocMemCache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down_since: float | None = None

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def _went_down(self, exc: BaseException) -> None:
        with self._lock:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            if self._down_since is None:
                self._down_since = time.monotonic()
                logger.error("the cache (Redis) is unreachable, counting limits per process: %r", exc)

    def _came_back(self) -> None:
        with self._lock:
            if self._down_since is not None:
                logger.warning("the cache (Redis) answers again after %.0f s", time.monotonic() - self._down_since)
                self._down_since = None

    add = _fallback_call("add")
    get = _fallback_call("get")
    set = _fallback_call("set")
    touch = _fallback_call("touch")
    delete = _fallback_call("delete")
    get_many = _fallback_call("get_many")
    has_key = _fallback_call("has_key")
    incr = _fallback_call("incr")
    decr = _fallback_call("decr")
    set_many = _fallback_call("set_many")
    delete_many = _fallback_call("delete_many")
    clear = _fallback_call("clear")
