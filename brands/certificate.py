"""The honour certificate (荣誉证书) as a PDF: an official document, so in Chinese whatever the reader's interface
language, set in a CJK font that the server has installed (scripts/_bootstrap.sh installs WenQuanYi Micro Hei)."""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from brands.choices import HonourStatus
from brands.models import Honour


def chinese_date(day: datetime.date) -> str:
    """A date as official Chinese documents write it: 2026年11月22日."""
    return f"{day.year}年{day.month}月{day.day}日"


def certificate_context(honour: Honour, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    revoked = honour.status == HonourStatus.REVOKED
    return {
        "honour": honour,
        "bureau_name": settings.BUREAU_NAME,
        "awarded_on": chinese_date(honour.awarded_on),
        "valid_until": chinese_date(honour.valid_until),
        "revoked": revoked,
        "revoked_on": chinese_date(honour.revoked_on) if revoked and honour.revoked_on else "",
        "expired": not revoked and honour.valid_until < today,
    }


def certificate_pdf(honour: Honour, today: datetime.date | None = None) -> bytes:
    """The certificate of `honour` (with its programme, enterprise and product loaded) as PDF bytes."""
    html = render_to_string("brands/certificate.html", certificate_context(honour, today))
    # Everything the certificate needs is inline; refusing every URL means no data can make the renderer fetch
    # a file or a web address.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


def certificate_filename(honour: Honour) -> str:
    return f"certificate-{honour.certificate_number}.pdf"
