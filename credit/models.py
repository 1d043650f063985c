"""Credit grading (质量信用分类监管): the versioned scoring model, each enterprise's grade with its explanation,
the grade history, overrides, the serious-dishonesty list (严重违法失信名单) with its notice, decision and
removal, and risk warnings."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.predicates import is_enterprise_user, is_leader
from core.access import RestrictedQuerySet, access_rule
from core.models import Decided, ServedNotice, StoredFile
from credit.choices import (
    BlacklistStatus,
    Grade,
    GradeCause,
    OverrideStatus,
    RemovalKind,
    RepairStatus,
    WarningKind,
    WarningStatus,
)

DEFAULT_DRAW_WEIGHTS = {"A": 1, "B": 3, "C": 9}  # DOMAIN.md "draw proportion by class": about 1 : 3 : 9


def default_draw_weights() -> dict[str, int]:
    return dict(DEFAULT_DRAW_WEIGHTS)


def validate_draw_weights(value) -> None:
    """Every grade is drawn (免检 was abolished): one whole weight above zero for each of A, B and C."""
    if not isinstance(value, dict) or set(value) != set(DEFAULT_DRAW_WEIGHTS):
        raise ValidationError(_("Give a draw weight for each of the grades A, B and C."))
    if any(isinstance(weight, bool) or not isinstance(weight, int) or weight < 1 for weight in value.values()):
        raise ValidationError(_("Every grade is drawn: each draw weight is a whole number above zero."))


class ScoringModelQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date) -> "ScoringModel | None":
        """The version in force on a day: the latest whose effective date has come."""
        return self.filter(effective_from__lte=on).order_by("-effective_from", "-version").first()


class ScoringModel(models.Model):
    """One version of the grading rules. Never edited: a change is a new version, effective from a date, and each
    grade records the version that produced it.

    Score = base + Σ (indicator value × points), each indicator's contribution capped where a cap is set, kept
    within 0–100. Grade A from `grade_a_min`, B from `grade_b_min`, C below; a veto indicator puts the enterprise in
    C whatever its score. Spot-check verdicts count by recency: a verdict in its first year of age counts
    `recency_factors[0]`, in its second `recency_factors[1]`, and so on over the look-back window. `draw_weights`
    sets how heavily each grade's stratum is drawn in spot checks (inspections.draw): above zero for every grade.

    With `a_needs_conforming_check` (the default), a score in A's range gives A only to an enterprise with at
    least one conforming spot check in the look-back window (a conforming value above 0); without one the grade
    is B at most, so honours and a clean file alone never make an enterprise A. Part of the version, like the
    weights: a grade's history and explanation always follow the rule that produced it."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("effective from"))
    lookback_years = models.PositiveSmallIntegerField(
        _("look-back window (years)"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    recency_factors = models.JSONField(_("recency factors by year of age"))
    base_score = models.FloatField(_("base score"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    grade_a_min = models.FloatField(_("grade A from"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    grade_b_min = models.FloatField(_("grade B from"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    a_needs_conforming_check = models.BooleanField(
        _("grade A needs a conforming spot check"),
        default=True,
        db_default=True,
        help_text=_(
            "Without a conforming spot check in the look-back window the grade is B at most: honours alone never "
            "make an enterprise A."
        ),
    )
    weights = models.JSONField(_("indicator weights"), help_text=_("Points per occurrence and cap, by indicator."))
    risk_weights = models.JSONField(_("risk weights"), help_text=_("Risk points per occurrence, by risk factor."))
    draw_weights = models.JSONField(
        _("draw weights by grade"),
        default=default_draw_weights,
        validators=[validate_draw_weights],
        help_text=_(
            "How many batches each grade's stratum gets in a spot-check draw, relative to its size (A lowered, "
            "never exempt; C raised): whole numbers above zero."
        ),
    )
    note = models.TextField(_("what changed and why"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScoringModelQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")
        constraints = [
            models.CheckConstraint(
                name="scoring_thresholds_ordered",
                condition=Q(grade_a_min__gt=models.F("grade_b_min")),
                violation_error_message=_("Grade A must start above grade B."),
            )
        ]

    def __str__(self) -> str:
        return _("Scoring model v%(version)s") % {"version": self.version}

    def get_absolute_url(self) -> str:
        return reverse("credit:model", args=[self.version])


class CreditGradeQuerySet(RestrictedQuerySet):
    """Who reads which grade is `credit_grade_access`, below."""


class CreditGrade(models.Model):
    """An enterprise's current grade and short-term risk, with the indicator values that produced them.

    Written only by the recalculation (credit.recalculation), set-based; a row changes only when something in it
    changed, and every change of the grade adds a GradeChange."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="credit",
        verbose_name=_("enterprise"),
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    computed_grade = models.CharField(_("computed grade"), max_length=1, choices=Grade.choices)
    score = models.FloatField(_("score"))
    indicator_values = models.JSONField(_("indicator values"), default=dict)
    override = models.ForeignKey(
        "credit.GradeOverride",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("override in force"),
    )
    model = models.ForeignKey(ScoringModel, on_delete=models.PROTECT, related_name="+", verbose_name=_("model"))
    risk_score = models.FloatField(_("risk score"), default=0)
    risk_values = models.JSONField(_("risk factor values"), default=dict)
    changed_at = models.DateTimeField(_("last changed at"))

    objects = CreditGradeQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise_id"]
        verbose_name = _("credit grade")
        verbose_name_plural = _("credit grades")
        indexes = [
            models.Index(fields=["grade"], name="credit_grade_grade"),
            models.Index(fields=["-risk_score"], name="credit_grade_risk"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.grade}"

    @property
    def is_overridden(self) -> bool:
        return self.override_id is not None


def _own_enterprise_id(user) -> int | None:
    """The enterprise an enterprise user acts for (None for every other user)."""
    return user.enterprise_id if is_enterprise_user.test(user) else None


@access_rule(CreditGrade, actions=("view",))
def credit_grade_access(user, action: str) -> Q | bool:
    """Staff read every grade; an enterprise its own; nobody else any. The rule `credit.view_grade` checks this on
    the enterprise itself, so an enterprise not graded yet is still its own."""
    if user.has_perm("credit.view_grades"):
        return True
    enterprise_id = _own_enterprise_id(user)
    return Q(enterprise_id=enterprise_id) if enterprise_id else False


class GradeChange(models.Model):
    """One change of an enterprise's grade: when, why, by which model version. Never edited or deleted."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="grade_changes", verbose_name=_("enterprise")
    )
    at = models.DateTimeField(_("at"))
    previous_grade = models.CharField(_("previous grade"), max_length=1, choices=Grade.choices, blank=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    computed_grade = models.CharField(_("computed grade"), max_length=1, choices=Grade.choices)
    score = models.FloatField(_("score"))
    cause = models.CharField(_("cause"), max_length=16, choices=GradeCause.choices)
    detail = models.CharField(_("detail"), max_length=64, blank=True)
    override = models.ForeignKey(
        "credit.GradeOverride",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("override"),
    )
    model = models.ForeignKey(ScoringModel, on_delete=models.PROTECT, related_name="+", verbose_name=_("model"))
    run = models.ForeignKey(
        "core.JobRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("run")
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        indexes = [models.Index(fields=["enterprise", "-at"], name="grade_change_enterprise")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.previous_grade or '–'} → {self.grade}"


class GradeOverrideQuerySet(RestrictedQuerySet):
    def in_force(self, on: datetime.date) -> "GradeOverrideQuerySet":
        return self.filter(status=OverrideStatus.APPROVED, expires_on__gte=on)


class GradeOverride(Decided):
    """A grade set by staff instead of the computed one, with a written reason and an expiry date. A supervisor
    requests it, a leader (not the requester) approves it; it ends on its expiry date or when revoked."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="grade_overrides", verbose_name=_("enterprise")
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    reason = models.TextField(_("reason"))
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(
        _("status"), max_length=16, choices=OverrideStatus.choices, default=OverrideStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)

    objects = GradeOverrideQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("grade override")
        verbose_name_plural = _("grade overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status__in=[OverrideStatus.PENDING, OverrideStatus.APPROVED]),
                name="one_live_override_per_enterprise",
                violation_error_message=_("This enterprise already has an override requested or in force."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.grade}"

    def get_absolute_url(self) -> str:
        return reverse("credit:override", args=[self.pk])


@access_rule(GradeOverride, actions=("view", "approve"))
def grade_override_access(user, action: str) -> Q | bool:
    """Staff read every override; an enterprise those that applied to it. A leader approves or rejects any
    request but their own (another leader decides that one)."""
    if action == "approve":
        return ~Q(requested_by=user) if is_leader.test(user) else False
    if user.has_perm("credit.view_grades"):
        return True
    enterprise_id = _own_enterprise_id(user)
    if not enterprise_id:
        return False
    # What applied to it: overrides put in force (then perhaps ended), not requests withdrawn or refused.
    return Q(enterprise_id=enterprise_id, decided_at__isnull=False) & ~Q(status=OverrideStatus.REJECTED)


class ListingGround(models.Model):
    """A ground on which an enterprise may be put on the serious-dishonesty list (严重违法失信名单): one of those SAMR
    Order 44 (2021) enumerates, with its legal basis. Data that a leader edits (a ground no longer in use is made
    inactive, never deleted: the listings on it keep it)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    active = models.BooleanField(_("active"), default=True, help_text=_("Only an active ground can be proposed."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("listing ground")
        verbose_name_plural = _("listing grounds")

    def __str__(self) -> str:
        return self.title


STATEMENT_MAX = 10_000  # characters of a statement and defence or of an early-removal account: pages, not a dump


class BlacklistEntryQuerySet(RestrictedQuerySet):
    def listed(self) -> "BlacklistEntryQuerySet":
        return self.filter(status=BlacklistStatus.LISTED)

    def search(self, text: str) -> "BlacklistEntryQuerySet":
        """By enterprise name, exact credit code, or decision number; blank text matches everything."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(enterprise__name__icontains=text)
            | Q(enterprise__credit_code=text.upper())
            | Q(decision_number__icontains=text)
        )


class BlacklistEntry(ServedNotice, models.Model):
    """A listing on the serious-dishonesty list (严重违法失信名单), from the proposal to the removal (SAMR Order 44).

    A supervisor proposes it on an enumerated ground, resting on a heavier administrative penalty of the enterprise;
    staff issue the notice (告知) with the period for a statement and defence (陈述、申辩), which runs from the day
    the enterprise received it (core.notices: opened in the portal, or a paper delivery); the enterprise answers in
    the portal, or staff record its paper answer, or the period lapses; where the province requires it, the upper
    level's consent is recorded; then a leader decides to list (published under a listing decision number) or not,
    with reasons. A listing ends by early removal on application (no earlier than a year after publication) or
    automatically three years after publication. Every step is kept in the history."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="blacklist_entries",
        verbose_name=_("enterprise"),
    )
    ground = models.ForeignKey(ListingGround, on_delete=models.PROTECT, related_name="+", verbose_name=_("ground"))
    penalty = models.ForeignKey(
        "enterprises.Penalty",
        on_delete=models.PROTECT,
        null=True,  # listings entered before the penalty was linked
        blank=True,
        related_name="+",
        verbose_name=_("heavier administrative penalty"),
    )
    facts = models.TextField(_("facts"))
    status = models.CharField(
        _("status"), max_length=16, choices=BlacklistStatus.choices, default=BlacklistStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    # The notice (告知) and the enterprise's statement and defence (陈述、申辩).
    notice_number = models.CharField(_("notice number"), max_length=64, blank=True)
    notified_at = models.DateTimeField(_("notice issued at"), null=True, blank=True)
    statement_due = models.DateField(_("statement due by"), null=True, blank=True)
    statement = models.TextField(_("statement and defence"), blank=True)
    statement_at = models.DateTimeField(_("statement received at"), null=True, blank=True)
    statement_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statement recorded by"),
    )
    statement_on_paper = models.BooleanField(_("answered on paper"), default=False)
    # Upper-level consent, where the province requires it (DISHONESTY_LIST_UPPER_CONSENT).
    consent_reference = models.CharField(_("upper-level consent reference"), max_length=64, blank=True)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    # The leader's decision.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reasons for the decision"), blank=True)
    decision_number = models.CharField(_("listing decision number"), max_length=64, unique=True, null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # The removal.
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_kind = models.CharField(_("removal"), max_length=16, choices=RemovalKind.choices, blank=True)

    objects = BlacklistEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("serious-dishonesty list entry")
        verbose_name_plural = _("serious-dishonesty list")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status=BlacklistStatus.LISTED),
                name="one_listing_per_enterprise",
                violation_error_message=_("This enterprise is already on the serious-dishonesty list."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.decision_number or self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("credit:blacklist_entry", args=[self.pk])

    def statement_period_over(self, today: datetime.date) -> bool:
        """A notice served whose period for a statement and defence has ended with none filed."""
        return self.status == BlacklistStatus.NOTIFIED and self.statement_due is not None and today > self.statement_due

    notice_issued_field = "notified_at"

    @property
    def early_removal_from(self) -> datetime.date | None:
        """The first day the enterprise may apply for early removal (a year after publication by default)."""
        if self.published_on is None:
            return None
        return self.published_on + relativedelta(months=settings.DISHONESTY_LIST_EARLY_REMOVAL_MONTHS)

    @property
    def expires_on(self) -> datetime.date | None:
        """The day the listing ends by itself (three years after publication by default)."""
        if self.published_on is None:
            return None
        return self.published_on + relativedelta(years=settings.DISHONESTY_LIST_YEARS)


@access_rule(BlacklistEntry, actions=("view", "apply_repair", "state"))
def blacklist_entry_access(user, action: str) -> Q | bool:
    """The list is public: everyone reads the listed entries; staff every entry, an enterprise its own once the
    notice has been served (a proposal is internal until then). Only the enterprise files its statement on its
    own notice and applies for the early removal of its own listing."""
    enterprise_id = _own_enterprise_id(user)
    if action in ("apply_repair", "state"):
        return Q(enterprise_id=enterprise_id) if enterprise_id else False
    if user.has_perm("credit.view_grades"):
        return True
    listed = Q(status=BlacklistStatus.LISTED)
    if not enterprise_id:
        return listed
    return listed | (Q(enterprise_id=enterprise_id) & ~Q(status=BlacklistStatus.PROPOSED))


class CreditRepairQuerySet(RestrictedQuerySet):
    """Who reads which application is `credit_repair_access`, below."""


class CreditRepair(Decided):
    """An enterprise's application for early removal (提前移出) from the serious-dishonesty list, and the leader's
    decision on it. Each condition is shown: the penalty fulfilled and the harm removed (the record does not hold
    them: staff attest each with a note), and no new heavier penalty since the one listed (read from the record at
    the decision). Applications made under the earlier credit-repair rules keep their fields empty."""

    entry = models.ForeignKey(
        BlacklistEntry, on_delete=models.PROTECT, related_name="repairs", verbose_name=_("list entry")
    )
    statement = models.TextField(_("measures taken"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("applied by")
    )
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=RepairStatus.choices, default=RepairStatus.PENDING)
    penalty_fulfilled = models.BooleanField(_("penalty obligations fulfilled"), null=True, blank=True)
    penalty_fulfilled_note = models.TextField(_("how the fulfilment was checked"), blank=True)
    harm_removed = models.BooleanField(_("harm removed"), null=True, blank=True)
    harm_removed_note = models.TextField(_("how the removal of the harm was checked"), blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("conditions attested by"),
    )
    attested_at = models.DateTimeField(_("conditions attested at"), null=True, blank=True)
    new_heavier_penalties = models.JSONField(
        _("new heavier penalties found at the decision"), null=True, blank=True, default=None
    )

    objects = CreditRepairQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-applied_at", "-pk"]
        verbose_name = _("early removal application")
        verbose_name_plural = _("early removal applications")
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status=RepairStatus.PENDING),
                name="one_pending_repair_per_entry",
                violation_error_message=_("An application for this entry is already awaiting a decision."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_status_display()}"


@access_rule(CreditRepair, actions=("view",))
def credit_repair_access(user, action: str) -> Q | bool:
    """Staff read every application; an enterprise its own (the list is public, the applications are not)."""
    if user.has_perm("credit.view_grades"):
        return True
    enterprise_id = _own_enterprise_id(user)
    return Q(entry__enterprise_id=enterprise_id) if enterprise_id else False


class RepairAttachment(StoredFile):
    repair = models.ForeignKey(CreditRepair, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="credit-repair/%Y/%m/")

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class AreaRate(models.Model):
    """Spot-check failure counts of one industry (product category) in one district: the recent period and the
    baseline before it. Rebuilt by each full recalculation; the risk score and the area warnings read it."""

    industry = models.ForeignKey("enterprises.Industry", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("enterprises.District", on_delete=models.CASCADE, related_name="+")
    recent_tests = models.PositiveIntegerField(default=0)
    recent_failed = models.PositiveIntegerField(default=0)
    baseline_tests = models.PositiveIntegerField(default=0)
    baseline_failed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("failure rate by industry and district")
        verbose_name_plural = _("failure rates by industry and district")
        constraints = [models.UniqueConstraint(fields=["industry", "district"], name="one_rate_per_area")]

    def __str__(self) -> str:
        return f"{self.industry_id}/{self.district_id}: {self.recent_failed}/{self.recent_tests}"


class DeferredRecalculation(models.Model):
    """An enterprise's recalculation asked for while a full run held the recalculation lock: rather than wait
    behind it, the request is recorded here, and the full run recalculates it (with this cause and detail) as
    soon as it has committed. Done ones keep their time."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    cause = models.CharField(_("cause"), max_length=16, choices=GradeCause.choices)
    detail = models.CharField(_("detail"), max_length=64, blank=True)
    as_of = models.DateTimeField(_("as of"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("deferred recalculation")
        verbose_name_plural = _("deferred recalculations")
        indexes = [
            models.Index(fields=["requested_at"], condition=models.Q(done_at__isnull=True), name="recalc_deferred")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.cause} {self.detail}"


class RiskWarningQuerySet(models.QuerySet):
    def open(self) -> "RiskWarningQuerySet":
        return self.filter(status=WarningStatus.OPEN)


class RiskWarning(models.Model):
    """An early warning (预警): an enterprise whose risk jumped, or an industry whose failure rate in a district
    rose clearly above its baseline. Staff acknowledge it with a note. One open warning per subject at a time."""

    kind = models.CharField(_("kind"), max_length=16, choices=WarningKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_warnings",
        verbose_name=_("enterprise"),
    )
    industry = models.ForeignKey(
        "enterprises.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry"),
    )
    district = models.ForeignKey(
        "enterprises.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    raised_at = models.DateTimeField(_("raised at"))
    value = models.FloatField(_("value"))
    previous_value = models.FloatField(_("previous or baseline value"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = RiskWarningQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("risk warning")
        verbose_name_plural = _("risk warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status=WarningStatus.OPEN, kind=WarningKind.RISK_JUMP),
                name="one_open_risk_warning_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["industry", "district"],
                condition=Q(status=WarningStatus.OPEN, kind=WarningKind.AREA_RATE),
                name="one_open_area_warning",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
