"""Complaints and tips from the public (投诉, 举报; SAMR Order 20) with their tracking numbers and their clocks, and
the public's nominations of products to test (你点我检). Nothing here is ever deleted: a complaint is closed with an
outcome or not accepted with a reason, and its history stays readable."""

import datetime
import hashlib
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

from complaints.choices import ComplaintKind, ComplaintStatus, NominationStatus, Outcome, RefusalReason
from core.access import RestrictedQuerySet, access_rule
from core.models import StoredFile

# Tracking numbers are shown to the public and open a complaint's status page: long enough not to be guessed.
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def new_tracking_number() -> str:
    random_part = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))
    return f"TS{timezone.localdate():%Y%m%d}{random_part}"


def new_reward_code() -> str:
    """A code an anonymous tipster keeps to claim a reward later: 16 characters of TRACKING_ALPHABET (80 bits)."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(16))


def reward_code_hash(code: str) -> str:
    """What is stored of a reward code: its SHA-256 (the code is random and long, so no salt or stretching is
    needed), over the code as people type it (spaces and dashes dropped, capitals)."""
    normalised = "".join(char for char in str(code).upper() if char.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def overdue_condition(today: datetime.date) -> Q:
    """The records whose running clock has passed its last day: a complaint not accepted or refused in time, a
    mediation not ended in time, a tip not decided in time, a named tipster not told the decision in time."""
    complaint, tip = Q(kind=ComplaintKind.COMPLAINT), Q(kind=ComplaintKind.TIP)
    return (
        (complaint & Q(status=ComplaintStatus.RECEIVED, accept_due__lt=today))
        | (complaint & Q(status=ComplaintStatus.IN_PROGRESS, mediation_due__lt=today))
        | (tip & Q(status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS], decision_due__lt=today))
        | (tip & Q(notice_due__lt=today, tipster_notified_at__isnull=True))
    )


class ComplaintQuerySet(RestrictedQuerySet):
    def open(self) -> "ComplaintQuerySet":
        return self.filter(status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS])

    def overdue(self, today: datetime.date) -> "ComplaintQuerySet":
        return self.filter(overdue_condition(today))


class Clock:
    """The step a complaint or tip waits for now and its last day (a working-day deadline)."""

    def __init__(self, key: str, label, due: datetime.date | None):
        self.key, self.label, self.due = key, label, due

    def overdue(self, today: datetime.date) -> bool:
        return self.due is not None and today > self.due


class Complaint(models.Model):
    """A complaint (投诉: a named consumer's dispute with a business, accepted or refused, then mediated) or a tip
    (举报: a suspected violation, perhaps anonymous, verified and decided whether to open a case): what, where, by
    whom; linked to an enterprise and product, assigned, and closed with an outcome; each with its working-day
    clocks (SAMR Order 20). A tip about a major violation that led to a case may earn its named tipster a reward;
    an anonymous tipster claims it with the reward code given once at filing (only its hash is kept)."""

    tracking_number = models.CharField(_("tracking number"), max_length=24, unique=True, default=new_tracking_number)
    kind = models.CharField(_("kind"), max_length=16, choices=ComplaintKind.choices)
    product_name = models.CharField(_("product"), max_length=128)
    brand = models.CharField(_("brand or trademark"), max_length=64, blank=True)
    enterprise_name = models.CharField(
        _("maker or seller, as reported"),
        max_length=128,
        blank=True,
        help_text=_("For a complaint: the business complained about (the respondent)."),
    )
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
    contact_address = models.CharField(_("your address"), max_length=255, blank=True)
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
    refusal_reason = models.CharField(
        _("ground for not accepting"), max_length=24, choices=RefusalReason.choices, blank=True
    )
    # The clocks, in working days (settings COMPLAINT_*/TIP_*_WORKING_DAYS), set when their step starts.
    accept_due = models.DateField(_("accept or refuse by"), null=True, blank=True)
    mediation_due = models.DateField(_("mediation ends by"), null=True, blank=True)
    decision_due = models.DateField(_("decision on a case by"), null=True, blank=True)
    extended_at = models.DateTimeField(_("decision period extended at"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("extension approved by"),
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    notice_due = models.DateField(_("tipster told by"), null=True, blank=True)
    tipster_notified_at = models.DateTimeField(_("tipster told at"), null=True, blank=True)
    tipster_notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tipster told by"),
    )
    tipster_notice = models.CharField(_("how the tipster was told"), max_length=255, blank=True)
    major_violation = models.BooleanField(_("a major violation (重大违法行为)"), default=False)
    reward_code_hash = models.CharField(_("reward code (hash)"), max_length=64, blank=True, editable=False)
    reward_claimed_at = models.DateTimeField(_("reward claimed at"), null=True, blank=True)
    claimant_name = models.CharField(_("claimant's name"), max_length=64, blank=True)
    claimant_phone = models.CharField(_("claimant's phone"), max_length=32, blank=True)
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

    @property
    def is_tip(self) -> bool:
        return self.kind == ComplaintKind.TIP

    @property
    def extended(self) -> bool:
        return self.extended_at is not None

    @property
    def reward_reachable(self) -> bool:
        """A named tipster who can be reached, or an anonymous one who has claimed with the reward code."""
        if self.reward_claimed_at is not None:
            return bool(self.claimant_name and self.claimant_phone)
        return not self.anonymous and bool(self.contact_name and self.contact_phone)

    def clocks(self) -> list[Clock]:
        """The clocks still running, the step they wait for and its last day."""
        running = []
        if self.kind == ComplaintKind.COMPLAINT:
            if self.status == ComplaintStatus.RECEIVED:
                running.append(Clock("accept", _("Accepted or refused by"), self.accept_due))
            elif self.status == ComplaintStatus.IN_PROGRESS:
                running.append(Clock("mediation", _("Mediation ends by"), self.mediation_due))
        else:
            if self.status in (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS):
                running.append(Clock("decision", _("Decision whether to open a case by"), self.decision_due))
            if self.notice_due is not None and self.tipster_notified_at is None:
                running.append(Clock("notice", _("Tipster told the decision by"), self.notice_due))
        return running


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
