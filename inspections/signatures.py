"""Signatures drawn on the screen: a PNG from the phone's canvas, checked, stored with the time it was drawn and the
SHA-256 of the record it signed. The record's digest is the SHA-256 of the canonical JSON of its fields (sorted
keys, no spaces, UTF-8, dates in ISO form), so anyone holding the printed values can recompute it."""

import base64
import binascii
import datetime
import hashlib
import io
import json

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from inspections.choices import SignatureRole
from inspections.models import SamplingRecord, SamplingSignature
from inspections.models.tasks import SAMPLING_FIELDS

SIGNATURE_MAX_BYTES = 512 * 1024
SIGNATURE_MAX_SIDE = 2000
SIGNATURE_DATA_URL_MAX = SIGNATURE_MAX_BYTES * 4 // 3 + 64  # the PNG's bytes in base64, with the data-URL prefix
# How far a device's clock may be ahead when it says when a signature was drawn.
CLOCK_SKEW = datetime.timedelta(minutes=10)


def record_fields(record: SamplingRecord) -> dict:
    """The fields a signature vouches for, as plain JSON values."""
    values = {name: getattr(record, name) for name in SAMPLING_FIELDS}
    values["product"] = record.product_id
    values.update(
        task=record.task_id,
        outcome=record.outcome,
        refusal_reason=record.refusal_reason,
        refusal_witness=record.refusal_witness,
        sampled_at=record.sampled_at,
    )
    return {name: _plain(value) for name, value in values.items()}


def _plain(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def canonical_json(values: dict) -> bytes:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def record_digest(record: SamplingRecord) -> str:
    """The SHA-256 of the record's canonical JSON: what each signature is bound to."""
    return hashlib.sha256(canonical_json(record_fields(record))).hexdigest()


def png_from_data_url(data: str, *, field: str) -> bytes:
    """The PNG bytes of a canvas's `data:image/png;base64,...`, or a field error: not a PNG, too large, empty."""
    prefix = "data:image/png;base64,"
    if not isinstance(data, str) or not data.startswith(prefix) or len(data) > SIGNATURE_DATA_URL_MAX:
        raise ValidationError({field: _("A signature is a PNG image drawn on the screen.")})
    try:
        raw = base64.b64decode(data[len(prefix) :], validate=True)
        with Image.open(io.BytesIO(raw)) as image:
            image.verify()
            if image.format != "PNG" or max(image.size) > SIGNATURE_MAX_SIDE:
                raise ValueError
        with Image.open(io.BytesIO(raw)) as image:
            extrema = image.convert("L").getextrema()
    except (binascii.Error, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({field: _("A signature is a PNG image drawn on the screen.")}) from None
    if extrema[0] == extrema[1]:
        raise ValidationError({field: _("The signature is empty: sign in the box.")})
    return raw


def signatures_store(*, record: SamplingRecord, signatures: list[dict], now: datetime.datetime) -> None:
    """Store the signatures ({role, signer_name, image: PNG bytes, signed_at}) of a record just filed."""
    digest = record_digest(record)
    for signature in signatures:
        signed_at = signature.get("signed_at") or now
        if signed_at > now + CLOCK_SKEW:
            raise ValidationError({"signatures": _("A signature cannot be dated in the future.")})
        image = signature["image"]
        stored = SamplingSignature(
            record=record,
            role=signature["role"],
            signer_name=signature["signer_name"].strip(),
            image_sha256=hashlib.sha256(image).hexdigest(),
            signed_at=signed_at,
            record_sha256=digest,
        )
        stored.image.save(f"{record.pk}-{signature['role']}.png", ContentFile(image), save=False)
        stored.full_clean()
        stored.save()


def required_roles(*, refused: bool) -> tuple[str, ...]:
    """Who must sign: both inspectors always, and the enterprise's representative unless it refused."""
    inspectors = (SignatureRole.INSPECTOR_1, SignatureRole.INSPECTOR_2)
    return inspectors if refused else (SignatureRole.ENTERPRISE, *inspectors)
