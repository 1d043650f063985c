"""The open-data API is read without an account: a limit per network address keeps it usable for everyone."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

# Until REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] names a "public" rate, this one applies.
DEFAULT_PUBLIC_RATE = "60/min"


class PublicRateThrottle(SimpleRateThrottle):
    """So many requests per client address (behind the configured proxies, NUM_PROXIES), signed in or not, as
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public"] says."""

    scope = "public"

    def get_rate(self) -> str:
        # Read at each request rather than from the class attribute bound at import, so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or DEFAULT_PUBLIC_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
