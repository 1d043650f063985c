"""The client's address as the portal should see it, behind PROXY_COUNT trusted reverse proxies; what a locked-out
user is told."""

import datetime
import math

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone


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


def lockout_retry_at(request, credentials=None) -> datetime.datetime:
    """When a locked-out username may try again from this address: the last failed attempt plus the cool-off
    (LOGIN_LOCKOUT_MINUTES). Said the same whether or not the password just given was right."""
    from axes.helpers import get_client_username, get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request) or datetime.timedelta(0)
    username = get_client_username(request, credentials) or ""
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + cool_off


def retry_after_seconds(retry_at: datetime.datetime) -> int:
    return max(1, math.ceil((retry_at - timezone.now()).total_seconds()))


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The login page's answer to a locked-out username (AXES_LOCKOUT_CALLABLE): a 429 page saying the account is
    temporarily locked and at what time to try again, with a Retry-After header."""
    retry_at = lockout_retry_at(request, credentials)
    seconds = retry_after_seconds(retry_at)
    context = {"retry_at": timezone.localtime(retry_at), "retry_minutes": math.ceil(seconds / 60)}
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(seconds)
    return response
