"""Uploaded files: checked for type and size on the way in, stored with their SHA-256 so a copy can be verified, and
never left behind by a request that failed."""

import hashlib
import logging
import os
import threading

from celery.signals import task_postrun, task_prerun
from django import forms
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.core.signals import request_finished, request_started
from django.http import FileResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image
from rest_framework.exceptions import APIException

DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx")
PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".heic", ".webp")


def sha256_of(upload: UploadedFile) -> str:
    """The SHA-256 of an upload's content, leaving it ready to be read again for storage."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    """Several files at once, each checked for type and size (UPLOAD_MAX_BYTES)."""

    widget = MultipleFileInput

    def __init__(self, *, types: tuple[str, ...] = DOCUMENT_TYPES, types_label=None, **kwargs):
        self.types = types
        self.types_label = types_label or _("PDF, images, Word and Excel files")
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned = [super(UploadsField, self).clean(upload, initial) for upload in files]
        for upload in cleaned:
            if not upload.name.lower().endswith(self.types):
                raise forms.ValidationError(
                    _("%(name)s: only %(types)s can be attached."),
                    params={"name": upload.name, "types": self.types_label},
                )
            if upload.size > settings.UPLOAD_MAX_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(limit)s."),
                    params={"name": upload.name, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
                )
            if upload.name.lower().endswith(PHOTO_TYPES) and not is_photo(upload):
                raise forms.ValidationError(_("%(name)s is not a readable photo."), params={"name": upload.name})
        return cleaned


HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1", b"avif"}
HEIF_NEXT_BOXES = {b"meta", b"free", b"skip", b"mdat", b"moov", b"uuid"}


def is_photo(upload: UploadedFile) -> bool:
    """Whether a file named as a photo really is one: Pillow reads JPEG, PNG and WebP; HEIC (phones) is checked by
    its boxes (is_heif). Anything else with a photo's name (a script, a page) is refused."""
    try:
        if upload.name.lower().endswith(".heic"):
            return is_heif(upload.read(512), upload.size)
        with Image.open(upload) as image:
            image.verify()
        return True
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)


def is_heif(head: bytes, size: int | None) -> bool:
    """A HEIF/HEIC file starts with an `ftyp` box whose major or a compatible brand is a HEIF brand, of a sane length
    within the file, followed by another ISO-BMFF box (usually `meta`): not a page or script with a renamed suffix."""
    if len(head) < 24 or head[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(head[0:4], "big")
    if not 16 <= box_size <= min(len(head) - 8, 256) or box_size % 4 or (size is not None and box_size + 8 > size):
        return False
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, box_size, 4)}
    return bool(brands & HEIF_BRANDS) and head[box_size + 4 : box_size + 8] in HEIF_NEXT_BOXES


# --- Storing: no orphan files --------------------------------------------------------------------------------------
# A file is written before its row is inserted, inside the service's transaction. If that transaction then fails (a
# later validation or database error), the row is gone but the file would stay: each written file is noted here, and
# when the request (or Celery task) ends, every noted file without a row is removed.

logger = logging.getLogger(__name__)
_written = threading.local()


class StorageUnavailable(APIException):
    """The file store refused a write (full disk, unwritable folder): a 503 with a message in the user's language,
    not a 500. Nothing of the request is kept."""

    status_code = 503
    default_code = "storage_unavailable"
    default_detail = _(
        "The portal cannot store files at the moment (its file store is full or not writable). Nothing was saved: "
        "please try again later, or tell the bureau's administrator."
    )


class UploadStorage(FileSystemStorage):
    """The media folder, removing what it had written of a file when the write fails half-way (a full disk)."""

    def _save(self, name, content):
        self._attempts = attempts = []
        try:
            return super()._save(name, content)
        except OSError:
            for full_path, existed in attempts[-1:]:
                if not existed and os.path.exists(full_path):
                    os.remove(full_path)
            raise
        finally:
            self._attempts = None

    def path(self, name):
        full_path = super().path(name)
        attempts = getattr(self, "_attempts", None)
        if attempts is not None:
            attempts.append((full_path, os.path.exists(full_path)))
        return full_path


def _pending() -> list:
    if not hasattr(_written, "files"):
        _written.files = []
    return _written.files


def _request_started(**_kwargs) -> None:
    """A request begins: requests never nest, so whatever is still noted was left by a unit that never ended."""
    _written.files, _written.depth = [], 1


def _task_started(**_kwargs) -> None:
    """A task begins; an eager task may run inside a request, and only the outermost unit cleans up."""
    depth = getattr(_written, "depth", 0)
    if depth == 0:
        _written.files = []  # files written outside any request or task (a shell, a test's set-up) are not tracked
    _written.depth = depth + 1


def _unit_finished(**_kwargs) -> None:
    _written.depth = max(0, getattr(_written, "depth", 0) - 1)
    if _written.depth == 0:
        remove_orphan_files()


def stored_file_create(model, upload: UploadedFile, **owner):
    """Write `upload` and insert its row (a StoredFile model); the file is removed again if the row is not kept."""
    record = model(original_name=upload.name[:255], sha256=sha256_of(upload), **owner)
    try:
        record.file.save(upload.name, upload, save=False)
    except OSError as exc:
        logger.error("Could not store %s for %s: %s", upload.name, model._meta.label, exc)
        raise StorageUnavailable() from exc
    name, storage = record.file.name, record.file.storage
    try:
        record.save(force_insert=True)
    except BaseException:
        storage.delete(name)
        raise
    _pending().append((model, name, storage))
    return record


def remove_orphan_files() -> int:
    """Remove the files written in this request or task whose rows were not committed (the transaction that wrote
    them rolled back). Run when the outermost request or Celery task ends; returns how many were removed."""
    pending, _written.files = _pending(), []
    removed = 0
    for model, name, storage in pending:
        try:
            if not model._default_manager.filter(file=name).exists():
                storage.delete(name)
                removed += 1
        except Exception:  # the database or the disk gone too: the nightly check of hashes will show the file
            logger.exception("Could not check or remove the uploaded file %s", name)
    if removed:
        logger.warning("Removed %d uploaded file(s) whose records were not saved", removed)
    return removed


request_started.connect(_request_started, dispatch_uid="core.files.request_started")
task_prerun.connect(_task_started, dispatch_uid="core.files.task_started")
request_finished.connect(_unit_finished, dispatch_uid="core.files.unit_finished")
task_postrun.connect(_unit_finished, dispatch_uid="core.files.unit_finished")


UPLOAD_POLICY = "default-src 'none'; sandbox"


class UploadsMiddleware:
    """Uploaded files are served sandboxed: any file response (a photo, HEIC or not, an attachment) gets a policy
    under which it can never run as a page of the portal, unless its view set a stricter one. A page whose upload
    the file store refused answers a friendly 503 in the user's language (the API answers its own JSON 503)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, FileResponse) and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = UPLOAD_POLICY
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, StorageUnavailable):
            return render(request, "storage_unavailable.html", {"message": exception.detail}, status=503)
        return None
