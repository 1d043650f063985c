"""HEIC photos from phones are checked like the other photos (their boxes, their size) and, like every uploaded
file, served under a sandbox policy so that no upload ever runs as a page of the portal."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.files import PHOTO_TYPES, UploadsField, is_heif
from inspections.services import sampling
from tests.factories import ProductFactory
from tests.spotcheck import SpotCheck, sampling_values


def heic(brand: bytes = b"heic", compatible: tuple[bytes, ...] = (b"mif1", b"heic"), next_box: bytes = b"meta"):
    """The start of a real iPhone HEIC: an ftyp box, then the meta box (and some payload)."""
    ftyp_body = brand + b"\x00\x00\x00\x00" + b"".join(compatible)
    ftyp = (8 + len(ftyp_body)).to_bytes(4, "big") + b"ftyp" + ftyp_body
    meta = (8 + 64).to_bytes(4, "big") + next_box + b"\x00" * 64
    return ftyp + meta + b"\x00" * 256


def upload(content: bytes, name: str = "phone.heic") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/heic")


def clean(content: bytes, name: str = "phone.heic"):
    return UploadsField(types=PHOTO_TYPES).clean([upload(content, name)])


def test_a_real_heic_is_accepted():
    assert [file.name for file in clean(heic())] == ["phone.heic"]
    assert is_heif(heic(brand=b"mif1", compatible=(b"heic",)), 400)


@pytest.mark.parametrize(
    "content",
    [
        b"not a heic file at all",
        b"\x00\x00\x00\x18ftypheic",  # the first 12 bytes alone
        heic(brand=b"isom", compatible=(b"mp41",)),  # an MP4 video renamed
        heic(next_box=b"<scr"),  # an ftyp box glued to a script
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic<html><script>alert(1)</script></html>",
        b"<html><body onload=alert(1)>ftypheic</body></html>",
    ],
)
def test_what_only_claims_to_be_a_heic_is_refused(content):
    with pytest.raises(ValidationError) as refused:
        clean(content)
    assert refused.value.code is None and "phone.heic" in refused.value.messages[0]


def test_a_heic_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 200
    with pytest.raises(ValidationError, match="phone.heic"):
        clean(heic())


@pytest.mark.django_db
def test_a_sampling_heic_is_served_sandboxed(client, actors):
    spot = SpotCheck(actors, enterprises=1, batches=1)
    spot.start()
    task = spot.task_at()
    product = ProductFactory(enterprise=task.enterprise)
    inspector = spot.inspector_of(task)
    sampling.sampling_file(actor=inspector, task=task, values=sampling_values(product=product), photos=[upload(heic())])
    stored = task.sampling.photos.get()
    client.force_login(inspector)
    response = client.get(reverse("inspections:photo", args=[task.pk, stored.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == heic()
