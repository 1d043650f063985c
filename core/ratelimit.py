"""Limits per network address for what anyone may do without an account (objections, complaints, lookups),
counted in the shared cache. The window starts with the address's first counted use."""

from dataclasses import dataclass

from django.core.cache import cache

from accounts.security import client_ip


@dataclass(frozen=True)
class RateLimit:
    name: str
    count: int
    window: int = 60 * 60

    def _key(self, request) -> str:
        return f"ratelimit:{self.name}:{client_ip(request)}"

    def exceeded(self, request) -> bool:
        """Whether the address has used up its count (without counting this request)."""
        return (cache.get(self._key(request)) or 0) >= self.count

    def hit(self, request) -> int:
        """Count one use; the count so far."""
        key = self._key(request)
        cache.add(key, 0, timeout=self.window)  # add() leaves a running count alone
        try:
            return cache.incr(key)
        except ValueError:  # the key expired between add() and incr()
            cache.set(key, 1, timeout=self.window)
            return 1

    def take(self, request) -> bool:
        """Count this attempt first, then say whether it is within the limit: requests sent at once cannot all slip
        under it, and failed attempts count too."""
        return self.hit(request) <= self.count
