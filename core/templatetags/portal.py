import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_until(day: datetime.date | None) -> int | None:
    """Days from today (Asia/Shanghai) until `day`; negative once it has passed."""
    if day is None:
        return None
    return (day - timezone.localdate()).days


@register.filter
def absolute(number: int | None) -> int | None:
    return None if number is None else abs(number)
