"""The client's address as the portal should see it, behind PROXY_COUNT trusted reverse proxies."""

from django.conf import settings


def client_ip(request) -> str:
    """With N trusted proxies, the client is the N-th address from the right of X-Forwarded-For; the header's
    other entries can be forged by the client. Without proxies the socket's address is the truth."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.PROXY_COUNT:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < settings.PROXY_COUNT:
        return remote
    return forwarded[-settings.PROXY_COUNT]
