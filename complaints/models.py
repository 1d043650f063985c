"""Complaints and tips from the public (投诉举报, 打假举报) with their tracking numbers, and the public's nominations
of products to test (你点我检). Nothing here is ever deleted: a complaint is closed with an outcome or not accepted
with a reason, and its history stays readable."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from complaints.choices import ComplaintKind, ComplaintStatus, NominationStatus, Outcome
from core.access import RestrictedQuerySet, access_rule
from core.models import StoredFile

# Tracking numbers are shown to the public and open a complaint's status page: long enough not to be guessed.
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def new_tracking_number() -> str:
    random_part = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))
    return f"TS{timezone.localdate():%Y%m%d}{random_part}"


class ComplaintQuerySet(RestrictedQuerySet):
    def open(self) -> "ComplaintQuerySet":
        return self.filter(status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS])


class Complaint(models.Model):
    """A quality complaint or counterfeit tip: what, where, by whom (unless anonymous); triaged by staff, linked to
    an enterprise and product, assigned, and resolved with an outcome; a tip that led to a case may earn a reward."""

    tracking_number = models.CharField(_("tracking number"), max_length=24, unique=True, default=new_tracking_number)
    kind = models.CharField(_("kind"), max_length=16, choices=ComplaintKind.choices)
    product_name = models.CharField(_("product"), max_length=128)
    brand = models.CharField(_("brand or trademark"), max_length=64, blank=True)
    enterprise_name = models.CharField(_("maker or seller, as reported"), max_length=128, blank=True)
    place = models.CharField(_("where (shop, market, address)"), max_length=255)
    district = models.ForeignKey(
        "enterprises.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    description = models.TextField(_("what happened"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    contact_name = models.CharField(_("your name"), max_length=64, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=32, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("enterprise concerned"),
    )
    product = models.ForeignKey(
        "enterprises.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product concerned"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("handled by"),
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    triaged_at = models.DateTimeField(pgettext_lazy("complaint", "accepted at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    public_reply = models.TextField(
        _("reply to the complainant"), blank=True, help_text=_("Shown on the tracking page.")
    )
    internal_note = models.TextField(_("internal note"), blank=True)
    led_to_case = models.BooleanField(_("led to a case (立案)"), default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reward_amount = models.DecimalField(
        _("reward (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    reward_note = models.CharField(_("reward decision"), max_length=255, blank=True)
    reward_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reward recorded by"),
    )

    objects = ComplaintQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("complaint or tip")
        verbose_name_plural = _("complaints and tips")
        indexes = [
            models.Index(fields=["status", "-received_at"], name="complaint_status"),
            models.Index(fields=["enterprise", "-received_at"], name="complaint_enterprise"),
        ]
        constraints = [
            models.CheckConstraint(
                name="complaint_contact_unless_anonymous",
                condition=Q(anonymous=True) | ~Q(contact_phone=""),
                violation_error_message=_("Give a phone number, or file anonymously."),
            )
        ]

    def __str__(self) -> str:
        return self.tracking_number

    def get_absolute_url(self) -> str:
        return reverse("complaints:complaint", args=[self.pk])


@access_rule(Complaint, actions=("view", "resolve"))
def complaint_access(user, action: str) -> Q | bool:
    """Staff read and resolve every complaint; an inspector those assigned to them; nobody else any (the public
    follows its own by tracking number, which shows the status, never the complainant's details)."""
    if user.has_perm("complaints.view_all"):
        return True
    return Q(assigned_to=user) if user.has_perm("complaints.view_assigned") else False


class ComplaintPhoto(StoredFile):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")

    class Meta(StoredFile.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class Nomination(models.Model):
    """A product the public asks the bureau to test (你点我检). Staff take popular ones into a campaign's products."""

    product_name = models.CharField(_("product"), max_length=128)
    reason = models.TextField(_("why test it"), blank=True)
    place = models.CharField(_("where it is sold"), max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=NominationStatus.choices, default=NominationStatus.OPEN
    )
    campaign = models.ForeignKey(
        "inspections.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("campaign"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [models.Index(fields=["status", "product_name"], name="nomination_open_product")]

    def __str__(self) -> str:
        return self.product_name
