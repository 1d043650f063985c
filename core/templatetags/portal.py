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


@register.simple_tag(takes_context=True)
def provisional_flag(context, day) -> str:
    """暂定 beside a deadline read from a calendar year that is not the official arrangement (core.workdays)."""
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from core.workdays import provisional_on

    request = context.get("request")
    memo = request.__dict__.setdefault("_calendar_memo", {}) if request is not None else None
    if not provisional_on(day, memo):
        return ""
    return format_html(
        ' <span class="flag warn" data-testid="provisional" title="{}">{}</span>',
        _("Computed from a calendar year whose holiday arrangement is not official yet."),
        _("provisional"),
    )


@register.filter
def quarter(year: int, number: int) -> str:
    """`{{ report.year|quarter:report.quarter }}`: 2026年第3季度, one way everywhere (core.labels)."""
    from core.labels import quarter_label

    return quarter_label(int(year), int(number))


@register.filter
def code_label(code: str, kind: str) -> str:
    """`{{ entry.action|code_label:"audit" }}`: the registered label of a code, else the code (core.labels)."""
    from core.labels import code_label as label

    return label(kind, code)
