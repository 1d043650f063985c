from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.predicates import is_bureau_staff, is_inspector
from accounts.roles import Role
from core.access import RestrictedQuerySet, access_rule
from inspections.choices import CampaignKind, CampaignStatus, LimitKind, ReferralSource


class Laboratory(models.Model):
    """A testing laboratory (承检机构). Only approved laboratories test samples or are drawn for re-tests."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    accreditation = models.CharField(_("CMA accreditation number"), max_length=64, blank=True)
    is_approved = models.BooleanField(_("approved"), default=True)
    technicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="laboratories",
        blank=True,
        verbose_name=_("technicians"),
        limit_choices_to={"role": Role.LAB_TECHNICIAN},
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("laboratory")
        verbose_name_plural = _("laboratories")

    def __str__(self) -> str:
        return self.name


def default_inspectors_per_task() -> int:
    return settings.INSPECTORS_PER_TASK


# What bureau staff fill in when they plan a campaign (the roster, pool and test items are kept apart).
CAMPAIGN_FIELDS = (
    "year",
    "title",
    "legal_basis",
    "product_categories",
    "is_food",
    "batches",
    "period_start",
    "period_end",
    "lab",
    "inspectors_per_task",
)


class Campaign(models.Model):
    """A spot-check campaign (抽查计划): what is checked against which standards, how many batches, when, in
    which pool of enterprises, and by which inspectors. Moves draft → approved → drawn → in progress → closed."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CampaignKind.choices, default=CampaignKind.PRODUCT)
    legal_basis = models.TextField(_("legal basis"))
    product_categories = models.TextField(_("product categories"), help_text=_("One per line."))
    is_food = models.BooleanField(
        _("food products"),
        default=False,
        help_text=_("Food-safety rules apply: objections within working days rather than calendar days."),
    )
    batches = models.PositiveIntegerField(_("batches to draw"), validators=[MinValueValidator(1)])
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    lab = models.ForeignKey(
        Laboratory,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("testing laboratory"),
        limit_choices_to={"is_approved": True},
    )
    inspectors_per_task = models.PositiveSmallIntegerField(
        _("inspectors per task"), default=default_inspectors_per_task, validators=[MinValueValidator(2)]
    )
    pool_filters = models.JSONField(_("eligible pool"), default=dict, blank=True)
    roster = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="campaign_rosters",
        blank=True,
        verbose_name=_("inspector roster"),
        limit_choices_to={"role": Role.INSPECTOR, "is_active": True},
    )
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.TextField(_("closing note"), blank=True)
    approval_opinion = models.TextField(_("leader's opinion on approval"), blank=True)

    history = HistoricalRecords(m2m_fields=[roster])

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("spot-check campaign")
        verbose_name_plural = _("spot-check campaigns")
        constraints = [
            models.CheckConstraint(
                name="campaign_period_in_order",
                condition=Q(period_end__gte=models.F("period_start")),
                violation_error_message=_("The period must end on or after the day it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:campaign", args=[self.pk])

    def categories(self) -> list[str]:
        return [line.strip() for line in self.product_categories.splitlines() if line.strip()]


class TestItem(models.Model):
    """A test item of a campaign with its requirement: a numeric limit with its unit, or a qualitative one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="items", verbose_name=_("campaign"))
    name = models.CharField(_("test item"), max_length=128)
    standard = models.ForeignKey(
        "enterprises.Standard", on_delete=models.PROTECT, related_name="+", verbose_name=_("standard")
    )
    clause = models.CharField(_("clause"), max_length=32, blank=True)
    limit_kind = models.CharField(_("limit"), max_length=16, choices=LimitKind.choices)
    lower = models.DecimalField(_("lower limit"), max_digits=16, decimal_places=6, null=True, blank=True)
    upper = models.DecimalField(_("upper limit"), max_digits=16, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    requirement = models.CharField(_("qualitative requirement"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    product_categories = models.TextField(
        _("applies to product categories"),
        blank=True,
        help_text=_("One per line, among the campaign's categories. Empty: every category of the campaign."),
    )
    mandatory = models.BooleanField(
        _("mandatory"),
        default=True,
        help_text=_(
            "A mandatory item is tested on every sample it applies to; only another may be marked not "
            "applicable, with the reason."
        ),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("test item")
        verbose_name_plural = _("test items")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="test_item_unique_name",
                violation_error_message=_("The campaign already has a test item of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        kind, lower, upper = self.limit_kind, self.lower, self.upper
        errors = {}
        if kind in (LimitKind.MINIMUM, LimitKind.RANGE) and lower is None:
            errors["lower"] = _("Give the lower limit.")
        if kind in (LimitKind.MAXIMUM, LimitKind.RANGE) and upper is None:
            errors["upper"] = _("Give the upper limit.")
        if kind == LimitKind.RANGE and lower is not None and upper is not None and lower > upper:
            errors["upper"] = _("The upper limit must not be below the lower limit.")
        if kind == LimitKind.QUALITATIVE and not self.requirement.strip():
            errors["requirement"] = _("Describe the qualitative requirement.")
        if kind != LimitKind.QUALITATIVE and not self.unit.strip():
            errors["unit"] = _("Give the unit of the limit.")
        if self.campaign_id and (unknown := set(self.categories) - set(self.campaign.categories())):
            errors["product_categories"] = _("Not a category of the campaign: %(names)s.") % {
                "names": "、".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)

    @property
    def is_qualitative(self) -> bool:
        return self.limit_kind == LimitKind.QUALITATIVE

    @property
    def categories(self) -> list[str]:
        return [line.strip() for line in self.product_categories.splitlines() if line.strip()]

    def applies_to(self, category: str) -> bool:
        """Whether a sample of `category` is tested for this item: every category when the item names none, and
        every item when the sample's category is not known."""
        return not category or not self.categories or category in self.categories

    def limit_text(self) -> str:
        """The requirement as printed on a test report, e.g. "≤ 0.2 mg/kg"."""
        unit = f" {self.unit}" if self.unit else ""
        if self.limit_kind == LimitKind.MAXIMUM:
            return f"≤ {_number(self.upper)}{unit}"
        if self.limit_kind == LimitKind.MINIMUM:
            return f"≥ {_number(self.lower)}{unit}"
        if self.limit_kind == LimitKind.RANGE:
            return f"{_number(self.lower)} ~ {_number(self.upper)}{unit}"
        return self.requirement

    def judge(self, *, value: Decimal | None, conforms: bool | None) -> bool:
        """Whether a measured value (or, for a qualitative item, the technician's finding) meets the item."""
        if self.limit_kind == LimitKind.QUALITATIVE:
            return conforms is True
        if value is None:
            return False
        if self.limit_kind == LimitKind.MAXIMUM:
            return value <= self.upper
        if self.limit_kind == LimitKind.MINIMUM:
            return value >= self.lower
        return self.lower <= value <= self.upper


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


class CampaignReferral(models.Model):
    """An enterprise flagged into a campaign's draw by a complaint, a referral or a risk alert: a grade-A
    enterprise, otherwise drawn at the lowered rate of stratum A, is then drawn in stratum B at B's rate."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="referrals")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=ReferralSource.choices)
    note = models.CharField(_("note"), max_length=255)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("draw referral")
        verbose_name_plural = _("draw referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "enterprise"],
                name="one_referral_per_campaign_enterprise",
                violation_error_message=_("This enterprise is already flagged for this campaign."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.get_source_display()})"


class ConflictDeclarationQuerySet(RestrictedQuerySet):
    """Who may act on which declaration is `conflict_declaration_access`, below."""


class ConflictDeclaration(models.Model):
    """An inspector's declared conflict of interest with an enterprise: the draw never sends them there.
    Withdrawn with a reason, never deleted."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conflicts",
        verbose_name=_("inspector"),
        limit_choices_to={"role": Role.INSPECTOR},
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    reason = models.CharField(_("reason"), max_length=255)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=255, blank=True)

    objects = ConflictDeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "enterprise"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_conflict_per_pair",
                violation_error_message=_("You have already declared a conflict with this enterprise."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.enterprise}"


@access_rule(ConflictDeclaration, actions=("view", "withdraw"))
def conflict_declaration_access(user, action: str) -> Q | bool:
    """Bureau staff (and, to read, administrators) see and withdraw any declaration; an inspector only their
    own."""
    if is_bureau_staff.test(user) or (action == "view" and user.has_perm("inspections.view_campaigns")):
        return True
    return Q(inspector=user) if is_inspector.test(user) else False
