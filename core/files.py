"""Uploaded files: checked for type and size on the way in, stored with their SHA-256 so a copy can be verified."""

import hashlib

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

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


def is_photo(upload: UploadedFile) -> bool:
    """Whether a file named as a photo really is one: Pillow reads JPEG, PNG and WebP; HEIC (phones) is checked by
    its file-type box. Anything else with a photo's name (a script, a page) is refused."""
    try:
        if upload.name.lower().endswith(".heic"):
            head = upload.read(12)
            return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc")
        with Image.open(upload) as image:
            image.verify()
        return True
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)
