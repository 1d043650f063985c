"""Legal metrology (计量): the instruments under compulsory verification that the city's users hold (强制检定,
Metrology Law Art 9), their verifications, and the reminders sent before and after a due date.

An instrument's owner is an enterprise file when the owner has one (a petrol station, a hospital, a market operator,
and a stall holder registered as an individual business, 个体工商户, with a file of its own), and otherwise a plain
owner name (a market stall holder without a file): such an instrument is filed by staff and has no owner account.
Nothing here is deleted: an instrument is retired with a reason, a verification is a record kept for good."""

import calendar
import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import RestrictedQuerySet, access_rule
from metrology.choices import (
    DueState,
    FilingStatus,
    InstrumentStatus,
    ReminderKind,
    UsePurpose,
    VerificationResult,
    VerificationSource,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole calendar months, kept within the target month (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def valid_until(verified_on: datetime.date, interval_months: int) -> datetime.date:
    """The last day a verification is valid: the day before the same date `interval_months` later (a one-year
    certificate issued on 2026-03-15 is valid to 2027-03-14), as the institutions write it."""
    return add_months(verified_on, interval_months) - datetime.timedelta(days=1)


class InstrumentCategory(models.Model):
    """A category of the national catalogue of instruments under compulsory control, with its verification
    regulation and interval (data: loaded from metrology/data/categories.json, edited by the bureau)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    purpose = models.CharField(_("use"), max_length=16, choices=UsePurpose.choices)
    regulation = models.CharField(_("verification regulation (JJG)"), max_length=64, blank=True)
    interval_months = models.PositiveSmallIntegerField(
        _("verification interval (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("instrument category")
        verbose_name_plural = _("instrument categories")

    def __str__(self) -> str:
        return self.name


def not_for_trade_condition(today: datetime.date, prefix: str = "") -> Q:
    """Instruments that must not be used (for trade settlement, or at all for the other uses): the last
    verification failed, the certificate has run out, or the instrument was never verified."""
    return (
        Q(**{f"{prefix}last_result": VerificationResult.FAILED})
        | Q(**{f"{prefix}next_due_on__lt": today})
        | Q(**{f"{prefix}next_due_on__isnull": True})
    )


def due_state_condition(state: str, today: datetime.date, soon_days: int) -> Q:
    """The instruments in one DueState on `today`, reminding `soon_days` ahead."""
    soon = today + datetime.timedelta(days=soon_days)
    failed = Q(last_result=VerificationResult.FAILED)
    return {
        DueState.FAILED: failed,
        DueState.NEVER: Q(next_due_on__isnull=True) & ~failed,
        DueState.OVERDUE: Q(next_due_on__lt=today) & ~failed,
        DueState.DUE_SOON: Q(next_due_on__gte=today, next_due_on__lte=soon) & ~failed,
        DueState.VALID: Q(next_due_on__gt=soon) & ~failed,
    }[state]


class InstrumentQuerySet(RestrictedQuerySet):
    def supervised(self) -> "InstrumentQuerySet":
        """Accepted and in use: the instruments the due lists, reminders and rates count."""
        return self.filter(status=InstrumentStatus.IN_USE, filing_status=FilingStatus.ACCEPTED)

    def not_for_trade(self, today: datetime.date) -> "InstrumentQuerySet":
        return self.filter(not_for_trade_condition(today))


class Instrument(models.Model):
    """One measuring instrument under compulsory verification (a fuel dispenser's nozzle, a trade scale, a taxi
    meter, a sphygmomanometer...): who holds it, where, what it is, and its last verification."""

    category = models.ForeignKey(
        InstrumentCategory, on_delete=models.PROTECT, related_name="instruments", verbose_name=_("category")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="metrology_instruments",
        verbose_name=_("owner (enterprise file)"),
    )
    owner_name = models.CharField(
        _("owner"),
        max_length=128,
        help_text=_("The enterprise's name, or a market stall holder's name when the owner has no file."),
    )
    district = models.ForeignKey(
        "enterprises.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    location = models.CharField(_("location"), max_length=255)
    maker = models.CharField(_("maker"), max_length=128)
    model_name = models.CharField(_("model"), max_length=64)
    serial = models.CharField(_("serial number"), max_length=64)
    institution = models.CharField(_("verification institution"), max_length=128, blank=True)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    last_result = models.CharField(
        _("last result"), max_length=8, choices=VerificationResult.choices, blank=True, db_index=False
    )
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    next_due_on = models.DateField(_("next verification due"), null=True, blank=True)
    filing_status = models.CharField(
        _("filing"), max_length=12, choices=FilingStatus.choices, default=FilingStatus.FILED
    )
    filing_comment = models.CharField(_("comment on the filing"), max_length=500, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=InstrumentStatus.choices, default=InstrumentStatus.IN_USE
    )
    retired_reason = models.CharField(_("reason for retiring"), max_length=500, blank=True)
    used_after_failure = models.BooleanField(
        _("found in use after a failed verification"),
        default=False,
        help_text=_("Recorded by staff on an inspection: a credit indicator."),
    )

    objects = InstrumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["next_due_on", "pk"]
        verbose_name = _("instrument under compulsory verification")
        verbose_name_plural = _("instruments under compulsory verification")
        indexes = [
            models.Index(fields=["next_due_on"], name="instrument_due"),
            models.Index(fields=["district", "category", "next_due_on"], name="instrument_district_due"),
            models.Index(fields=["category", "next_due_on"], name="instrument_category_due"),
            models.Index(fields=["enterprise", "next_due_on"], name="instrument_enterprise_due"),
            models.Index(fields=["certificate_number"], name="instrument_certificate"),
            models.Index(fields=["serial"], name="instrument_serial"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "maker", "serial"],
                condition=Q(status="in_use"),
                name="instrument_unique_serial_in_use",
                violation_error_message=_(
                    "An instrument of this category, maker and serial number is already on file."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.name} {self.serial}"

    def get_absolute_url(self) -> str:
        return reverse("metrology:instrument", args=[self.pk])

    def not_for_trade_on(self, today: datetime.date) -> bool:
        """Must not be used for trade settlement: failed, run out, or never verified."""
        return self.last_result == VerificationResult.FAILED or self.next_due_on is None or self.next_due_on < today

    def due_state_on(self, today: datetime.date, soon_days: int) -> str:
        if self.last_result == VerificationResult.FAILED:
            return DueState.FAILED
        if self.next_due_on is None:
            return DueState.NEVER
        if self.next_due_on < today:
            return DueState.OVERDUE
        if self.next_due_on <= today + datetime.timedelta(days=soon_days):
            return DueState.DUE_SOON
        return DueState.VALID


def _is_staff_reader(user) -> bool:
    return user.has_perm("metrology.view_all")


def _own(user, prefix: str = "") -> Q | bool:
    enterprise_id = getattr(user, "enterprise_id", None)
    if getattr(user, "is_active", False) and user.has_perm("metrology.file") and enterprise_id:
        return Q(**{f"{prefix}enterprise_id": enterprise_id})
    return False


@access_rule(Instrument, actions=("view", "change"))
def instrument_access(user, action: str) -> Q | bool:
    """Bureau staff read every instrument; the metrology section (and leaders) change any; an owner reads its own
    and changes them while its filing waits for acceptance or was returned; nobody else any (the public checks a
    certificate on the status page, which shows no more than the sticker does)."""
    if action == "view":
        return True if _is_staff_reader(user) else _own(user)
    if user.has_perm("metrology.manage"):
        return True
    own = _own(user)
    if own is False:
        return False
    return own & Q(filing_status__in=[FilingStatus.FILED, FilingStatus.RETURNED], status=InstrumentStatus.IN_USE)


class Verification(models.Model):
    """One verification of an instrument by a legal verification institution: when, the result, the certificate
    (or the notice of failure), and how long it is valid. Entered by staff or imported from the institution."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="verifications", verbose_name=_("instrument")
    )
    verified_on = models.DateField(_("verified on"))
    result = models.CharField(_("result"), max_length=8, choices=VerificationResult.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=64)
    institution = models.CharField(_("verification institution"), max_length=128)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=VerificationSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-verified_on", "-pk"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        indexes = [models.Index(fields=["instrument", "-verified_on"], name="verification_instrument")]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "certificate_number"],
                name="verification_unique_certificate",
                violation_error_message=_("This certificate is already recorded for this instrument."),
            ),
            models.CheckConstraint(
                name="verification_passed_has_validity",
                condition=~Q(result="passed") | Q(valid_until__isnull=False),
                violation_error_message=_("A passed verification is valid until a date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_number} ({self.get_result_display()})"


@access_rule(Verification, actions=("view",))
def verification_access(user, action: str) -> Q | bool:
    """As the instrument: staff all, an owner its own instruments' verifications."""
    return True if _is_staff_reader(user) else _own(user, "instrument__")


class Reminder(models.Model):
    """A reminder recorded once for an instrument and the due date it concerns: before it (due soon) and after it
    (overdue). The daily task adds the missing ones in one set-based pass; the unique key makes a re-run a no-op."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("instrument")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReminderKind.choices)
    due_on = models.DateField(_("due date concerned"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verification reminder")
        verbose_name_plural = _("verification reminders")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "kind", "due_on"], name="reminder_once_per_due_date")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.kind} {self.due_on}"


@access_rule(Reminder, actions=("view",))
def reminder_access(user, action: str) -> Q | bool:
    return True if _is_staff_reader(user) else _own(user, "instrument__")


class NetContentTest(models.Model):
    """The net-content test of a sampled lot of prepackaged goods (JJF 1070): the lab step of a spot check of kind
    net_content, keyed to the inspections sample (LabTest, by string FK). The laboratory enters the lot size, the
    nominal quantity and each unit's actual content; the verdict is computed (metrology.netcontent) and recorded
    as the sample's result through inspections.services, so a failed lot follows the ordinary follow-up."""

    lab_test = models.ForeignKey(
        "inspections.LabTest", on_delete=models.PROTECT, related_name="net_content_tests", verbose_name=_("sample")
    )  # several when a returned result is tested again: the latest stands, the earlier are kept
    quantity_kind = models.CharField(
        _("kind of quantity"),
        max_length=12,
        choices=[
            ("mass_volume", _("Mass or volume (g, ml)")),
            ("length", _("Length (m)")),
            ("area", _("Area")),
            ("count", _("Count")),
        ],
        default="mass_volume",
    )
    lot_size = models.PositiveIntegerField(_("lot size"))
    nominal = models.DecimalField(_("nominal quantity"), max_digits=12, decimal_places=3)
    contents = models.JSONField(_("actual contents"), default=list)
    sample_size = models.PositiveIntegerField(_("sample size"))
    tolerance = models.DecimalField(_("tolerable shortfall T"), max_digits=12, decimal_places=3)
    mean = models.DecimalField(_("mean actual content"), max_digits=14, decimal_places=4)
    std_dev = models.DecimalField(_("sample standard deviation"), max_digits=14, decimal_places=4)
    mean_limit = models.DecimalField(_("lowest allowed mean"), max_digits=14, decimal_places=4)
    short_count = models.PositiveIntegerField(_("units short by more than T"))
    gross_short_count = models.PositiveIntegerField(_("units short by more than 2T"))
    allowed_short = models.PositiveIntegerField(_("units allowed short by more than T"))
    passed = models.BooleanField(_("passed"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    tested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("tested by")
    )
    tested_at = models.DateTimeField(_("tested at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-tested_at", "-pk"]
        verbose_name = _("net-content test")
        verbose_name_plural = _("net-content tests")

    def __str__(self) -> str:
        return f"{self.lab_test_id} {'passed' if self.passed else 'failed'}"


@access_rule(NetContentTest, actions=("view",))
def net_content_access(user, action: str) -> Q | bool:
    """Bureau staff read every test; the laboratory that tested it reads its own (blind: by sample); nobody else
    (the enterprise reads its result on the spot check's result page)."""
    if _is_staff_reader(user):
        return True
    if getattr(user, "is_active", False) and getattr(user, "role", None) == "lab_technician":
        return Q(tested_by=user)
    return False
