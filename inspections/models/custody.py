"""Field sampling that works offline, and the sealed sample's chain of custody.

A phone uploads each photo first (`SamplingUpload`, by its own key) and files the record later with the photos'
keys, so a photo survives a validation error or a lost connection; the record carries the device's idempotency
key (`SamplingRecord.client_key`). Signatures are images with the time of signing and the SHA-256 of the record
they signed. Every hand-over of a sealed sample is a `CustodyEvent` recorded by scanning its seal label; the
retained half (备样) is a `RetainedSample` kept until its disposal date."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile
from inspections.choices import CustodyKind, SignatureRole
from inspections.models.results import LabTest
from inspections.models.tasks import SamplingRecord, Task


class SamplingUpload(StoredFile):
    """A photo sent ahead of its sampling record, under the key the phone gave it (a resend stores nothing new).
    Filing the record attaches it by that key."""

    key = models.UUIDField(_("upload key"), unique=True)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+", verbose_name=_("task"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("photo"), upload_to="sampling/%Y/%m/")
    record = models.ForeignKey(
        SamplingRecord,
        on_delete=models.PROTECT,
        related_name="uploads",
        null=True,
        blank=True,
        verbose_name=_("attached to"),
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("sampling upload")
        verbose_name_plural = _("sampling uploads")


class SamplingSignature(models.Model):
    """A signature drawn on the screen (PNG), with the time it was drawn and the SHA-256 of the record it signed
    (the canonical JSON of the record's fields, `inspections.signatures.record_digest`)."""

    record = models.ForeignKey(SamplingRecord, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(_("signed as"), max_length=16, choices=SignatureRole.choices)
    signer_name = models.CharField(_("signer"), max_length=64)
    image = models.FileField(_("signature"), upload_to="signatures/%Y/%m/")
    image_sha256 = models.CharField(_("SHA-256 of the image"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    record_sha256 = models.CharField(_("SHA-256 of the record signed"), max_length=64)

    class Meta:
        ordering = ["record", "role"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [models.UniqueConstraint(fields=["record", "role"], name="one_signature_per_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.signer_name}"


class CustodyEvent(models.Model):
    """One scan of a sealed sample's label: who, when, where (the phone's position if the user allowed it), and at
    the laboratory whether the seal arrived intact (with a photo). Never edited or deleted: the trail is evidence."""

    lab_test = models.ForeignKey(
        LabTest, on_delete=models.PROTECT, related_name="custody_events", verbose_name=_("sample")
    )
    kind = models.CharField(_("event"), max_length=16, choices=CustodyKind.choices)
    key = models.UUIDField(_("scan key"), unique=True, null=True, blank=True)
    seal_number = models.CharField(_("seal number"), max_length=64, blank=True)
    seal_intact = models.BooleanField(_("seal intact"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=128, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    photo = models.FileField(_("photo"), upload_to="custody/%Y/%m/", blank=True)
    photo_sha256 = models.CharField(_("SHA-256 of the photo"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        indexes = [models.Index(fields=["lab_test", "kind"], name="custody_sample_kind")]
        constraints = [
            models.CheckConstraint(
                name="custody_receipt_says_seal_state",
                condition=~Q(kind=CustodyKind.RECEIVED) | Q(seal_intact__isnull=False),
                violation_error_message=_("A receipt says whether the seal is intact."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lab_test} {self.get_kind_display()}"


class RetainedSample(models.Model):
    """The retained half of a sample (备样): where it is kept, from when it may be disposed of (after the objection
    window and any re-test), and its disposal once recorded."""

    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="retained", verbose_name=_("task"))
    storage_place = models.CharField(_("storage place"), max_length=128, blank=True)
    stored_at = models.DateTimeField(_("stored at"), null=True, blank=True)
    used_for_retest_at = models.DateTimeField(_("used for a re-test at"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("disposed of at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("disposed of by"),
    )
    disposal_note = models.CharField(_("how it was disposed of"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("retained sample")
        verbose_name_plural = _("retained samples")

    def __str__(self) -> str:
        return f"{self.task} ({self.storage_place})"
