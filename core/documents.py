"""Official documents as PDF (certificates, reports): written in Chinese whatever the reader's interface language,
set in a CJK font that the server has installed (scripts/_bootstrap.sh installs WenQuanYi Micro Hei)."""

import datetime

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def chinese_date(day: datetime.date) -> str:
    """A date as official Chinese documents write it: 2026年11月22日."""
    return f"{day.year}年{day.month}月{day.day}日"


def pdf_from_template(template: str, context: dict) -> bytes:
    """Render `template` to PDF bytes. Everything a document needs is inline (charts and QR codes are SVG in the
    page, signatures `data:` images): refusing every other URL means no data can make the renderer fetch a file or
    a web address."""
    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()
