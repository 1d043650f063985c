import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.predicates import is_enterprise_user
from accounts.roles import Role
from core.access import RestrictedQuerySet, access_rule
from core.models import StoredFile
from core.search import ContainsText
from enterprises.choices import (
    ABOLISHED_LICENCE_KINDS,
    OUTDATED_STANDARD_STATUSES,
    SUPERVISED_LICENCE_KINDS,
    CheckRating,
    EnterpriseStatus,
    ExpiryLevel,
    LicenceKind,
    ReportStatus,
    Scale,
    StandardKind,
    StandardStatus,
)
from enterprises.credit_code import validate_credit_code


class District(models.Model):
    """A county-level district (区县) of the city, identified by its administrative division code."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class ResponsibilityArea(models.Model):
    """A responsibility area (责任区) inside a district, with the officer answerable for its enterprises."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="areas", verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=64)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsibility_areas",
        verbose_name=_("responsible officer"),
        limit_choices_to={"role__in": [Role.LEADER, Role.SUPERVISOR]},
    )

    class Meta:
        ordering = ["district__code", "name"]
        verbose_name = _("responsibility area")
        verbose_name_plural = _("responsibility areas")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="area_unique_name_per_district")]

    def __str__(self) -> str:
        return f"{self.district.name} · {self.name}"


class Industry(models.Model):
    """An industry of the national classification GB/T 4754-2017 (reference data loaded from a data file)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    section = models.CharField(_("section"), max_length=1)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.section}{self.code} {self.name}"


class EnterpriseQuerySet(RestrictedQuerySet):
    def with_is_supervised(self) -> "EnterpriseQuerySet":
        """Annotate `is_supervised`: above-scale, or holding one of the five licences. Derived, never typed in."""
        return self.annotate(is_supervised=_supervised_condition())

    def supervised(self) -> "EnterpriseQuerySet":
        return self.filter(_supervised_condition())


def _supervised_condition() -> Q:
    licensed = Licence.objects.filter(enterprise=OuterRef("pk"), kind__in=SUPERVISED_LICENCE_KINDS)
    return Q(scale=Scale.ABOVE) | Exists(licensed)


# The file header kept by bureau staff, and what the enterprise itself may keep current.
IDENTITY_FIELDS = (
    "name",
    "credit_code",
    "legal_representative",
    "address",
    "district",
    "area",
    "industry",
    "scale",
    "established_on",
    "status",
)
CONTACT_FIELDS = ("contact_person", "contact_phone", "contact_email")


class Enterprise(models.Model):
    """An enterprise in the bureau's quality file register."""

    name = models.CharField(_("name"), max_length=128, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("An enterprise with this unified social credit code is already on file.")},
    )
    legal_representative = models.CharField(_("legal representative"), max_length=64)
    address = models.CharField(_("address"), max_length=255)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("district")
    )
    area = models.ForeignKey(
        ResponsibilityArea,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("responsibility area"),
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("industry")
    )
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices)
    established_on = models.DateField(
        _("established on"), null=True, blank=True, help_text=_("The date of establishment on the business licence.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    contact_person = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        # The register's orders with their tie-break, so a page's keys are read from the index alone
        # (core.pages.KeysFirstPaginator), however deep the page.
        indexes = [
            models.Index(fields=["name", "id"], name="enterprise_name_id"),
            models.Index(fields=["credit_code", "id"], name="enterprise_code_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])

    def clean(self) -> None:
        if self.area_id and self.district_id and self.area.district_id != self.district_id:
            raise ValidationError({"area": _("The responsibility area must lie in the enterprise's district.")})


# name__contains_text: the name search every surface uses, served by the GIN index of migration perf_name_grams.
Enterprise._meta.get_field("name").register_lookup(ContainsText)


@access_rule(Enterprise, actions=("view", "change", "submit_self_report"))
def enterprise_access(user, action: str) -> Q | bool:
    """Who reads the whole register is the rule `enterprises.view_register`, who keeps it `edit_identity`. An
    enterprise user reads and keeps its own file (contact data, products, quality staff, standards) and alone
    submits its self-reports; anyone else nothing, unless another app grants it (inspections: an inspector reads
    the files of the enterprises of the live spot-check tasks assigned to them)."""
    own = user.enterprise_id if is_enterprise_user.test(user) else None
    own_file = Q(pk=own) if own else False
    if action == "submit_self_report":
        return own_file
    if action == "change":
        return True if user.has_perm("enterprises.edit_identity") else own_file
    if user.has_perm("enterprises.view_register"):
        return True
    return own_file


def expired_condition(*, today: datetime.date, prefix: str = "") -> Q:
    """Licences past their expiry date (a revoked licence is revoked, and one of an abolished kind abolished: neither
    is expiring or expired). The one definition every list, filter, count and warning uses."""
    return Q(**{f"{prefix}expires_on__lt": today, f"{prefix}revoked_on__isnull": True}) & ~Q(
        **{f"{prefix}kind__in": ABOLISHED_LICENCE_KINDS}
    )


def expiring_condition(days: int, *, today: datetime.date, prefix: str = "") -> Q:
    """Licences still valid today that expire within `days` days (today included)."""
    return Q(
        **{
            f"{prefix}expires_on__gte": today,
            f"{prefix}expires_on__lte": today + datetime.timedelta(days=days),
            f"{prefix}revoked_on__isnull": True,
        }
    ) & ~Q(**{f"{prefix}kind__in": ABOLISHED_LICENCE_KINDS})


class LicenceQuerySet(models.QuerySet):
    def expiring_within(self, days: int, *, today: datetime.date) -> "LicenceQuerySet":
        return self.filter(expiring_condition(days, today=today))

    def expired(self, *, today: datetime.date) -> "LicenceQuerySet":
        return self.filter(expired_condition(today=today))


class Licence(models.Model):
    """A licence or certificate held by an enterprise: one of the five licensed kinds, or ISO 9001."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="licences", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=LicenceKind.choices)
    number = models.CharField(_("number"), max_length=64)
    scope = models.CharField(_("scope"), max_length=255, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), db_index=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = LicenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["expires_on", "pk"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        # "The enterprise's next expiry" is read per row of the register list: one index probe each.
        indexes = [models.Index(fields=["enterprise", "expires_on"], name="licence_enterprise_expiry")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="licence_unique_number_per_kind"),
            models.CheckConstraint(
                name="licence_expires_after_issue",
                condition=Q(expires_on__gt=models.F("issued_on")),
                violation_error_message=_("A licence must expire after it is issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def days_left(self, today: datetime.date) -> int:
        return (self.expires_on - today).days

    @property
    def is_abolished(self) -> bool:
        """Of a kind no longer issued (the measuring-instrument manufacturing licence, abolished in 2017)."""
        return self.kind in ABOLISHED_LICENCE_KINDS


class Standard(models.Model):
    """A standard products are made to: national, industry, local, group, or an enterprise's own standard, which it
    self-declares and publishes (自我声明公开, Standardization Law Art 27) unless it is a food-safety enterprise
    standard, which is filed (备案) with the provincial health authority (Food Safety Law Art 30)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=StandardKind.choices)
    owner = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_standards",
        verbose_name=_("filed by"),
    )
    published_on = models.DateField(
        _("self-declared and published on"), null=True, blank=True, help_text=_("An enterprise standard.")
    )
    filing_number = models.CharField(
        _("filing number"), max_length=64, blank=True, help_text=_("A food-safety enterprise standard.")
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True, help_text=_("A food-safety enterprise standard."))
    # The catalogue record (standards keeps it: loaded from the bureau's file and edited by its staff).
    status = models.CharField(
        _("status"), max_length=16, choices=StandardStatus.choices, default=StandardStatus.CURRENT, db_index=True
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("replaced by"),
        help_text=_("The standard that replaces an abolished or replaced one."),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        constraints = [
            models.CheckConstraint(
                name="standard_enterprise_kind_is_declared",
                condition=~Q(kind=StandardKind.ENTERPRISE) | Q(owner__isnull=False, published_on__isnull=False),
                violation_error_message=_("An enterprise standard needs its enterprise and the date it was published."),
            ),
            models.CheckConstraint(
                name="standard_food_safety_kind_is_filed",
                condition=~Q(kind=StandardKind.FOOD_SAFETY)
                | (Q(owner__isnull=False) & ~Q(filing_number="") & Q(filed_on__isnull=False)),
                violation_error_message=_(
                    "A food-safety enterprise standard needs its enterprise, filing number and date."
                ),
            ),
            models.CheckConstraint(
                name="standard_replaced_names_successor",
                condition=~Q(status=StandardStatus.REPLACED) | Q(successor__isnull=False),
                violation_error_message=_("A replaced standard names the standard that replaces it."),
            ),
            models.CheckConstraint(
                name="standard_successor_only_when_outdated",
                condition=Q(successor__isnull=True) | Q(status__in=OUTDATED_STANDARD_STATUSES),
                violation_error_message=_("Only an abolished or replaced standard has a successor."),
            ),
            models.CheckConstraint(
                name="standard_not_its_own_successor",
                condition=Q(successor__isnull=True) | ~Q(successor=models.F("id")),
                violation_error_message=_("A standard cannot replace itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Product(models.Model):
    """A product an enterprise makes, with the standards it follows. Discontinued, never deleted."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="products", verbose_name=_("enterprise")
    )
    name = models.CharField(_("name"), max_length=128)
    specification = models.CharField(_("model or specification"), max_length=128, blank=True)
    trademark = models.CharField(_("trademark"), max_length=64, blank=True)
    standards = models.ManyToManyField(Standard, related_name="products", blank=True, verbose_name=_("standards"))
    discontinued_on = models.DateField(_("discontinued on"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[standards])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.name} {self.specification}".strip()


class QualityStaff(models.Model):
    """A member of an enterprise's quality staff; one active chief quality officer (首席质量官) at most."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="quality_staff", verbose_name=_("enterprise")
    )
    name = models.CharField(_("name"), max_length=64)
    position = models.CharField(_("position"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    qualification = models.CharField(_("qualification"), max_length=128, blank=True)
    is_chief_quality_officer = models.BooleanField(_("chief quality officer"), default=False)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_chief_quality_officer", "name", "pk"]
        verbose_name = _("quality staff member")
        verbose_name_plural = _("quality staff")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(is_chief_quality_officer=True, left_on__isnull=True),
                name="one_active_chief_quality_officer",
                violation_error_message=_("The enterprise already has a chief quality officer."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RecordedByStaff(models.Model):
    """Who recorded an official record and when; such records are voided with a reason, never deleted."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    class Meta:
        abstract = True


class Penalty(RecordedByStaff):
    """An administrative penalty (行政处罚) decided against the enterprise."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="penalties", verbose_name=_("enterprise")
    )
    decision_number = models.CharField(_("decision number"), max_length=64, unique=True)
    decided_on = models.DateField(_("decided on"))
    grounds = models.TextField(_("grounds"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], default=0
    )
    is_heavier = models.BooleanField(_("heavier penalty"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("administrative penalty")
        verbose_name_plural = _("administrative penalties")

    def __str__(self) -> str:
        return self.decision_number


class Interview(RecordedByStaff):
    """An administrative interview (行政约谈) held with the enterprise's management."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("enterprise")
    )
    held_on = models.DateField(_("held on"))
    reason = models.TextField(_("reason"))
    attendees = models.CharField(_("attendees"), max_length=255)
    outcome = models.TextField(_("outcome"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("administrative interview")
        verbose_name_plural = _("administrative interviews")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.held_on}"


def _rating_field(label):
    return models.CharField(label, max_length=16, choices=CheckRating.choices)


# What the enterprise fills in on a self-inspection report: the period, the five checks (DOMAIN.md) and figures.
SELF_REPORT_FIELDS = (
    "year",
    "quarter",
    "quality_awareness",
    "assurance_system",
    "quality_level",
    "site_management",
    "after_sales",
    "findings",
    "output_value",
    "quality_loss_rate",
    "complaints_received",
)


class SelfReport(models.Model):
    """A quarterly quality self-inspection report (企业质量自查) filed by the enterprise and reviewed by staff."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="self_reports", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    due_on = models.DateField(_("due on"))
    quality_awareness = _rating_field(_("quality awareness"))
    assurance_system = _rating_field(_("quality assurance system"))
    quality_level = _rating_field(_("quality level"))
    site_management = _rating_field(_("site management"))
    after_sales = _rating_field(_("after-sales service"))
    findings = models.TextField(_("findings and measures"), blank=True)
    output_value = models.DecimalField(
        _("output value (10 000 yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    quality_loss_rate = models.DecimalField(
        _("quality-loss rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    complaints_received = models.PositiveIntegerField(_("complaints received"))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("review comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-quarter", "-pk"]
        verbose_name = _("self-inspection report")
        verbose_name_plural = _("self-inspection reports")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "quarter"],
                name="one_self_report_per_quarter",
                violation_error_message=_("A report for this quarter has already been submitted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}Q{self.quarter}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:report", args=[self.enterprise_id, self.pk])

    @property
    def is_late(self) -> bool:
        return timezone.localdate(self.submitted_at) > self.due_on


class SelfReportAttachment(StoredFile):
    """A file attached to a self-inspection report, with its SHA-256 so the stored copy can be verified."""

    report = models.ForeignKey(SelfReport, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="self-reports/%Y/%m/")

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class LicenceWarning(models.Model):
    """A recorded licence-expiry warning: one per licence, level and expiry date, so the daily task is idempotent
    and a licence renewed to a later date is warned again when that date approaches."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="warnings")
    level = models.CharField(_("level"), max_length=16, choices=ExpiryLevel.choices)
    expires_on = models.DateField(_("expires on"))
    recorded_on = models.DateField(_("recorded on"))

    class Meta:
        ordering = ["-recorded_on", "pk"]
        verbose_name = _("licence expiry warning")
        verbose_name_plural = _("licence expiry warnings")
        constraints = [
            models.UniqueConstraint(fields=["licence", "level", "expires_on"], name="one_warning_per_licence_level")
        ]

    def __str__(self) -> str:
        return f"{self.licence} {self.get_level_display()}"
