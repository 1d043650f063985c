"""Standardization records above the catalogue (enterprises.Standard): an enterprise's self-declaration and
publication of the standards it executes (自我声明公开, Standardization Law Art 27) with its declared indicators and
the staff's check of them against the national standard claimed (Art 21), standard-setting projects led or joined
by local enterprises, and the yearly targets they count towards. Nothing is deleted: a declaration is withdrawn
with a reason, a project's stages are kept in its history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import RestrictedQuerySet, access_rule
from standards.choices import CheckOutcome, DeclarationPlatform, ProjectLevel, ProjectRole, ProjectStage, TargetMeasure
from standards.roles import is_enterprise, is_standards_staff, reads_standards


class DeclarationQuerySet(RestrictedQuerySet):
    def active(self) -> "DeclarationQuerySet":
        return self.filter(withdrawn_on__isnull=True)

    def to_check(self) -> "DeclarationQuerySet":
        """Active declarations with a key indicator below the national standard claimed, not yet checked."""
        return self.active().filter(below_national=True, check_outcome="")


class Declaration(models.Model):
    """An enterprise's self-declaration and publication (自我声明公开) of an enterprise or group standard it executes:
    when and where it was published and, for its own enterprise standard, the functional and performance
    indicators it declared. A food-safety enterprise standard is filed (备案) instead and has none."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="standard_declarations",
        verbose_name=_("enterprise"),
    )
    standard = models.ForeignKey(
        "enterprises.Standard", on_delete=models.PROTECT, related_name="declarations", verbose_name=_("standard")
    )
    declared_on = models.DateField(_("declared and published on"))
    platform = models.CharField(_("published on"), max_length=16, choices=DeclarationPlatform.choices)
    url = models.URLField(_("address of the publication"), max_length=500, blank=True)
    claimed_standard = models.ForeignKey(
        "enterprises.Standard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_by_declarations",
        verbose_name=_("national standard it follows"),
        help_text=_("No enterprise standard may be below a mandatory national standard (Standardization Law Art 21)."),
    )
    below_national = models.BooleanField(
        _("a key indicator is below the national standard"), default=False, editable=False
    )
    check_outcome = models.CharField(_("check"), max_length=16, choices=CheckOutcome.choices, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    check_note = models.TextField(_("check note"), max_length=2000, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=255, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("declared by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_on", "-pk"]
        verbose_name = _("self-declaration")
        verbose_name_plural = _("self-declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "standard"],
                condition=Q(withdrawn_on__isnull=True),
                name="declaration_one_active_per_standard",
                violation_error_message=_("The enterprise has already declared this standard."),
            ),
            models.CheckConstraint(
                name="declaration_withdrawn_with_reason",
                condition=Q(withdrawn_on__isnull=True) | ~Q(withdrawal_reason=""),
                violation_error_message=_("A withdrawal needs its reason."),
            ),
        ]
        indexes = [models.Index(fields=["below_national", "check_outcome"], name="declaration_to_check")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.standard.code}"


class DeclaredIndicator(models.Model):
    """One functional or performance indicator an enterprise declared for its standard, beside the value of the
    national standard it claims to follow. A key indicator worse than the national value flags the declaration."""

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("self-declaration")
    )
    name = models.CharField(_("indicator"), max_length=128)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    declared_value = models.DecimalField(_("declared value"), max_digits=14, decimal_places=4)
    national_value = models.DecimalField(
        _("national standard's value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    higher_is_better = models.BooleanField(
        _("higher is better"), default=True, help_text=_("Untick for a limit such as a contaminant's maximum.")
    )
    key = models.BooleanField(_("key indicator"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("declared indicator")
        verbose_name_plural = _("declared indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def below_national(self) -> bool:
        if not self.key or self.national_value is None:
            return False
        if self.higher_is_better:
            return self.declared_value < self.national_value
        return self.declared_value > self.national_value


class StandardProject(models.Model):
    """A standard-setting project (制修订) a local enterprise or body leads or joins, from proposal to publication."""

    title = models.CharField(_("standard's title"), max_length=255)
    number = models.CharField(_("standard number"), max_length=64, blank=True, help_text=_("Once published."))
    level = models.CharField(_("level"), max_length=16, choices=ProjectLevel.choices)
    role = models.CharField(_("role"), max_length=16, choices=ProjectRole.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standard_projects",
        verbose_name=_("enterprise"),
    )
    body = models.CharField(_("other local body"), max_length=128, blank=True, help_text=_("When not an enterprise."))
    district = models.ForeignKey(
        "enterprises.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    industry = models.ForeignKey(
        "enterprises.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry"),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices, default=ProjectStage.PROPOSAL)
    proposed_on = models.DateField(_("proposed on"))
    published_on = models.DateField(_("published on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        verbose_name = _("standard-setting project")
        verbose_name_plural = _("standard-setting projects")
        constraints = [
            models.CheckConstraint(
                name="project_enterprise_or_body",
                condition=Q(enterprise__isnull=False) | ~Q(body=""),
                violation_error_message=_("Name the enterprise or the body that takes part."),
            ),
            models.CheckConstraint(
                name="project_published_has_date_and_number",
                condition=~Q(stage=ProjectStage.PUBLISHED) | (Q(published_on__isnull=False) & ~Q(number="")),
                violation_error_message=_("A published standard needs its number and date of publication."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class YearTarget(models.Model):
    """The bureau's target for a year: how many of a measure (standards led, declarations, ...) in the city, a
    district or an industry."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    measure = models.CharField(_("measure"), max_length=16, choices=TargetMeasure.choices)
    district = models.ForeignKey(
        "enterprises.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("Blank for the whole city."),
    )
    target = models.PositiveIntegerField(_("target"), validators=[MaxValueValidator(100_000)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "measure", "district"]
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "measure", "district"],
                name="target_one_per_year_measure_district",
                violation_error_message=_("This target is already set."),
            ),
            models.UniqueConstraint(
                fields=["year", "measure"],
                condition=Q(district__isnull=True),
                name="target_one_per_year_measure_city",
                violation_error_message=_("This target is already set."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_measure_display()}"


@access_rule(Declaration, actions=("view", "change", "check"))
def declaration_access(user, action: str) -> Q | bool:
    """Standards staff see and change every declaration and check it; other bureau staff read them; an enterprise
    sees and keeps its own; the public reads active ones (public pages use `public_declarations`)."""
    if is_standards_staff.test(user):
        return True
    if action == "check":
        return False
    own = Q(enterprise_id=user.enterprise_id) if is_enterprise.test(user) and user.enterprise_id else False
    if action == "change":
        return own
    if reads_standards.test(user):
        return True
    return own


@access_rule(StandardProject, actions=("view", "change"))
def project_access(user, action: str) -> Q | bool:
    """Standards staff keep the projects; other bureau staff read them; an enterprise reads its own."""
    if is_standards_staff.test(user):
        return True
    if action == "change":
        return False
    if reads_standards.test(user):
        return True
    return Q(enterprise_id=user.enterprise_id) if is_enterprise.test(user) and user.enterprise_id else False


class CatalogueLoad(models.Model):
    """One load of the catalogue from the bureau's file: who loaded what, and how many standards it added or
    changed (and how many of those it marked abolished or replaced)."""

    filename = models.CharField(_("file"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"))
    created = models.PositiveIntegerField(_("added"))
    updated = models.PositiveIntegerField(_("changed"))
    outdated = models.PositiveIntegerField(_("newly abolished or replaced"))
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("loaded by")
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        verbose_name = _("catalogue load")
        verbose_name_plural = _("catalogue loads")

    def __str__(self) -> str:
        return self.filename
