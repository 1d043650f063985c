"""The printed sampling record (抽样单) and the seal-label sheet (封条), as A4 PDFs in Chinese, rendered by
core.documents.pdf_from_template. QR codes are inline SVG (segno) and signatures inline data URIs: the renderer
fetches nothing."""

import base64

import segno
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.documents import chinese_date, pdf_from_template
from inspections.choices import LabTestKind
from inspections.custody import qr_content, seal_numbers
from inspections.models import LabTest, SamplingRecord
from inspections.signatures import record_digest


def qr_svg(content: str, *, scale: int = 3) -> str:
    """A QR code as an inline SVG element (error correction M, with its quiet zone)."""
    svg = segno.make(content, error="m").svg_inline(scale=scale, dark="#000")
    return mark_safe(svg)  # noqa: S308  (segno's own markup; the content is escaped by it)


def _samples(record: SamplingRecord) -> list[dict]:
    tests = LabTest.objects.filter(task=record.task).order_by("received_at", "pk")
    return [
        {
            "lab_test": test,
            "kind": "复检样品" if test.kind == LabTestKind.RETEST else "检验样品",
            "qr": qr_svg(qr_content(test)),
        }
        for test in tests
    ]


def sampling_record_pdf(record: SamplingRecord) -> bytes:
    """The 抽样单 with every field, the on-screen signatures and each sample's blind code as a QR code."""
    task = record.task
    signatures = [
        {
            "role": signature.get_role_display(),
            "name": signature.signer_name,
            "at": timezone.localtime(signature.signed_at),
            "src": "data:image/png;base64," + base64.b64encode(signature.image.read()).decode(),
        }
        for signature in record.signatures.all()
    ]
    context = {
        "record": record,
        "task": task,
        "enterprise": task.enterprise,
        "campaign": task.campaign,
        "samples": _samples(record),
        "signatures": signatures,
        "digest": record_digest(record),
        "sampled_on": chinese_date(timezone.localdate(record.sampled_at)),
        "photos": record.photos.count(),
    }
    return pdf_from_template("inspections/sampling_record_pdf.html", context)


def seal_labels_pdf(lab_test: LabTest) -> bytes:
    """One seal label per sealed unit: the QR code (blind code and seal number), the seal number and the date."""
    record = lab_test.task.sampling
    day = chinese_date(timezone.localdate(record.sampled_at))
    labels = [
        {"seal": seal, "qr": qr_svg(qr_content(lab_test, seal), scale=4), "content": qr_content(lab_test, seal)}
        for seal in (seal_numbers(record) or [""])
    ]
    return pdf_from_template(
        "inspections/seal_labels_pdf.html", {"lab_test": lab_test, "labels": labels, "day": day, "record": record}
    )
