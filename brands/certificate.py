"""The honour certificate (荣誉证书) as a PDF: an official document (see core.documents). It is issued in the name of
the conferring body whose decision conferred the honour, with the bureau as the organiser (组织实施)."""

import datetime

from django.conf import settings
from django.utils import timezone

from brands.choices import HonourStatus
from brands.models import Honour, conferring_body_for
from core.documents import chinese_date, pdf_from_template


def certificate_context(honour: Honour, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    revoked = honour.status == HonourStatus.REVOKED
    return {
        "honour": honour,
        # The conferring body issues the honour; the bureau organised the evaluation (组织实施).
        "conferring_body": honour.conferring_body or conferring_body_for(honour.programme.kind),
        "decision_number": honour.decision_number,
        "bureau_name": settings.BUREAU_NAME,
        "awarded_on": chinese_date(honour.awarded_on),
        "valid_until": chinese_date(honour.valid_until),
        "revoked": revoked,
        "revoked_on": chinese_date(honour.revoked_on) if revoked and honour.revoked_on else "",
        "expired": not revoked and honour.valid_until < today,
    }


def certificate_pdf(honour: Honour, today: datetime.date | None = None) -> bytes:
    """The certificate of `honour` (with its programme, enterprise and product loaded) as PDF bytes."""
    return pdf_from_template("brands/certificate.html", certificate_context(honour, today))


def certificate_filename(honour: Honour) -> str:
    return f"certificate-{honour.certificate_number}.pdf"
