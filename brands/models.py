"""Famous-brand cultivation (名牌培育) and the government quality award (政府质量奖): the bureau's cultivation
targets, the yearly calls with their rules, applications with their explained eligibility, the expert review by
stage, the public notice with objections, the honours awarded, their yearly review and revocation."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.predicates import has_role
from accounts.roles import BUREAU_STAFF_ROLES, Role
from brands.choices import (
    ApplicationStatus,
    HelpKind,
    HonourStatus,
    ObjectionStatus,
    ProgrammeKind,
    ProgrammeStatus,
    ProposalStatus,
    ReviewStatus,
    RevocationCause,
    Stage,
    TargetCategory,
    TargetStatus,
)
from core.access import RestrictedQuerySet, access_rule
from core.models import Decided, StoredFile

STAFF_ONLY = {"role__in": sorted(BUREAU_STAFF_ROLES)}
is_expert = has_role(Role.EXPERT)


def _is_staff(user) -> bool:
    return getattr(user, "is_active", False) and user.has_perm("brands.view_all")


def _own_enterprise(user) -> int | None:
    if getattr(user, "is_active", False) and user.role == Role.ENTERPRISE:
        return user.enterprise_id
    return None


# Cultivation targets.


class CultivationTargetQuerySet(RestrictedQuerySet):
    """Who reads which target is `cultivation_target_access`, below."""


class CultivationTarget(models.Model):
    """An enterprise on the bureau's list of key cultivation targets (重点培育对象) for a year: its category, the
    officer responsible, and the cultivation plan, whose milestones, help given and progress notes hang off it."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="cultivation", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    category = models.CharField(_("category"), max_length=24, choices=TargetCategory.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible officer"),
        limit_choices_to=STAFF_ONLY,
    )
    goal = models.CharField(_("goal"), max_length=255, help_text=_("e.g. the honour or standing aimed at"))
    plan = models.TextField(_("cultivation plan"))
    status = models.CharField(_("status"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.ACTIVE)
    closed_note = models.TextField(_("why it was closed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CultivationTargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "enterprise__name", "pk"]
        verbose_name = _("cultivation target")
        verbose_name_plural = _("cultivation targets")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="one_target_per_enterprise_and_year",
                violation_error_message=_("This enterprise is already a cultivation target for that year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("brands:target", args=[self.pk])


@access_rule(CultivationTarget, actions=("view",))
def cultivation_target_access(user, action: str) -> Q | bool:
    """Staff read every target; an enterprise its own plans; nobody else any."""
    if _is_staff(user):
        return True
    enterprise_id = _own_enterprise(user)
    return Q(enterprise_id=enterprise_id) if enterprise_id else False


class Milestone(models.Model):
    target = models.ForeignKey(
        CultivationTarget, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("target")
    )
    title = models.CharField(_("milestone"), max_length=255)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())


class HelpRecord(models.Model):
    """Help the bureau gave a target: standards, metrology, certification, training."""

    target = models.ForeignKey(
        CultivationTarget, on_delete=models.PROTECT, related_name="help", verbose_name=_("target")
    )
    kind = models.CharField(_("kind of help"), max_length=16, choices=HelpKind.choices)
    given_on = models.DateField(_("given on"))
    description = models.TextField(_("what was done"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("help given")
        verbose_name_plural = _("help given")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_on}"


class ProgressNote(models.Model):
    target = models.ForeignKey(
        CultivationTarget, on_delete=models.PROTECT, related_name="notes", verbose_name=_("target")
    )
    text = models.TextField(_("progress"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return self.text[:40]


# Programmes (the yearly calls) and their rules.


def default_stages() -> list[str]:
    return [Stage.PAPER, Stage.PRESENTATION, Stage.SITE, Stage.COMMITTEE]


def default_eligibility() -> dict:
    return {
        "grades": ["A", "B"],
        "clean_years": settings.BRAND_CLEAN_YEARS,
        "trading_years": settings.BRAND_TRADING_YEARS,
        "valid_licences": True,
    }


class ProgrammeQuerySet(RestrictedQuerySet):
    """Who reads the calls is `programme_access`, below."""


class Programme(models.Model):
    """A yearly call: famous-brand products, or the government quality award. Its rules are data: who is
    eligible, how many awards, the review stages, how many reviewers, how long the notice and the honour last."""

    kind = models.CharField(_("programme"), max_length=16, choices=ProgrammeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=128)
    description = models.TextField(_("the call"), blank=True)
    closes_on = models.DateField(_("applications close on"))
    award_count = models.PositiveSmallIntegerField(_("number of awards"), validators=[MinValueValidator(1)])
    validity_years = models.PositiveSmallIntegerField(
        _("honour valid for (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    stages = models.JSONField(_("review stages"), default=default_stages)
    min_reviewers = models.PositiveSmallIntegerField(
        _("reviewers per stage (at least)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    trim_from = models.PositiveSmallIntegerField(
        _("drop highest and lowest from (reviewers)"),
        default=5,
        validators=[MinValueValidator(3)],
        help_text=_("With at least this many scores, the highest and the lowest are dropped before the mean."),
    )
    eligibility = models.JSONField(_("eligibility rules"), default=default_eligibility)
    notice_working_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    status = models.CharField(_("status"), max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"],
                name="one_call_per_programme_and_year",
                violation_error_message=_("There is already a call for this programme in that year."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("brands:programme", args=[self.pk])

    @property
    def needs_product(self) -> bool:
        """A famous-brand call honours a product; the quality award an enterprise."""
        return self.kind == ProgrammeKind.FAMOUS_BRAND

    def next_stage(self, stage: str) -> str | None:
        stages = list(self.stages)
        index = stages.index(stage)
        return stages[index + 1] if index + 1 < len(stages) else None


@access_rule(Programme, actions=("view",))
def programme_access(user, action: str) -> Q | bool:
    """Calls are public once made: everyone signed in reads them (the application rules are part of the call)."""
    return bool(getattr(user, "is_active", False))


# Applications and their review.


class ApplicationQuerySet(RestrictedQuerySet):
    def on_notice(self) -> "ApplicationQuerySet":
        """What a public notice names: the proposed winners, and once awarded those whose honour still stands
        (one whose objection was upheld, or whose honour was revoked since, is no longer shown)."""
        return self.filter(
            Q(status=ApplicationStatus.PROPOSED)
            | Q(status=ApplicationStatus.AWARDED, honour__status=HonourStatus.CURRENT)
        )


class Application(models.Model):
    """An enterprise's application to a call, with its self-assessment on GB/T 19580 and the eligibility check
    made from its record when it applied (each rule, passed or not, and why)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="applications", verbose_name=_("programme")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="brand_applications",
        verbose_name=_("enterprise"),
    )
    product = models.ForeignKey(
        "enterprises.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    summary = models.TextField(_("application statement"))
    self_assessment = models.JSONField(_("self-assessment"), default=dict)
    self_total = models.FloatField(_("self-assessed total"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    eligibility = models.JSONField(_("eligibility checks"), default=list)
    eligible = models.BooleanField(_("eligible"), default=False)
    checked_at = models.DateTimeField(_("eligibility checked at"))
    bypass_reason = models.TextField(_("why admitted despite a failed check"), blank=True)
    bypassed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("admitted by"),
    )
    bypassed_at = models.DateTimeField(_("admitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    closed_note = models.TextField(_("outcome note"), blank=True)

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "enterprise"],
                condition=~Q(status=ApplicationStatus.WITHDRAWN),
                name="one_application_per_call",
                violation_error_message=_("This enterprise has already applied to this call."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("brands:application", args=[self.pk])

    @property
    def failed_checks(self) -> list[dict]:
        return [check for check in self.eligibility if not check["passed"]]


@access_rule(Application, actions=("view", "withdraw"))
def application_access(user, action: str) -> Q | bool:
    """Staff read every application; an enterprise reads, and withdraws, its own; a reviewer reads those assigned
    to them, unless they recused; nobody else any."""
    enterprise_id = _own_enterprise(user)
    if action == "withdraw":
        return Q(enterprise_id=enterprise_id) if enterprise_id else False
    if _is_staff(user):
        return True
    if enterprise_id:
        return Q(enterprise_id=enterprise_id)
    if is_expert.test(user):
        # A reviewer who recused for a conflict of interest no longer reads the file.
        assigned = ReviewAssignment.objects.filter(reviewer=user).exclude(status=ReviewStatus.RECUSED)
        return Q(pk__in=assigned.values("application_id"))
    return False


class ApplicationAttachment(StoredFile):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="brand-applications/%Y/%m/")

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class ReviewAssignmentQuerySet(RestrictedQuerySet):
    """Who reads and fills in which assignment is `review_assignment_access`, below."""


class ReviewAssignment(models.Model):
    """One reviewer on one application at one stage: their scores per category, given independently (no
    reviewer sees another's until they have submitted their own), or their recusal for a conflict of interest."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("application")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="brand_reviews",
        verbose_name=_("reviewer"),
        limit_choices_to={"role": Role.EXPERT},
    )
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.FloatField(_("total"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    recusal_reason = models.TextField(_("conflict of interest"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("submitted or recused at"), null=True, blank=True)

    objects = ReviewAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["application_id", "stage", "pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage", "reviewer"],
                name="one_assignment_per_reviewer_and_stage",
                violation_error_message=_("This reviewer is already assigned to this application at this stage."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.application} · {self.get_stage_display()}"

    def get_absolute_url(self) -> str:
        return reverse("brands:review", args=[self.pk])


@access_rule(ReviewAssignment, actions=("view", "review"))
def review_assignment_access(user, action: str) -> Q | bool:
    """Staff read every assignment; a reviewer reads, and fills in, their own; nobody else any (the enterprise
    sees the outcome)."""
    if action == "view" and _is_staff(user):
        return True
    return Q(reviewer=user) if is_expert.test(user) else False


class StageResult(models.Model):
    """The outcome of one stage for one application: the aggregated score (none for the committee), how many
    scores it was made of, and whether the application went on, decided by staff with a note."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="stage_results", verbose_name=_("application")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    score = models.FloatField(_("score"), null=True, blank=True)
    scores_counted = models.PositiveSmallIntegerField(_("scores counted"), default=0)
    scores_dropped = models.PositiveSmallIntegerField(_("scores dropped"), default=0)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    advanced = models.BooleanField(_("went on"))
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["application_id", "decided_at", "pk"]
        verbose_name = _("stage result")
        verbose_name_plural = _("stage results")
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="one_result_per_application_and_stage")
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_stage_display()}"


# The public notice and objections.


class NoticeQuerySet(models.QuerySet):
    def published(self, today: datetime.date | None = None) -> "NoticeQuerySet":
        """A notice is public from its publication day (one dated ahead, never made by the portal, is not yet)."""
        return self.filter(published_on__lte=today or timezone.localdate())


class Notice(models.Model):
    """The public notice (公示) of a call's proposed winners: published for a number of working days, during which
    anyone may file a signed objection."""

    programme = models.OneToOneField(
        Programme, on_delete=models.PROTECT, related_name="notice", verbose_name=_("programme")
    )
    text = models.TextField(_("notice text"))
    published_on = models.DateField(_("published on"))
    ends_on = models.DateField(_("objections until"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self) -> str:
        return str(self.programme)

    def get_absolute_url(self) -> str:
        return reverse("brands_public:notice", args=[self.pk])

    def is_open(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) <= self.ends_on


class ObjectionQuerySet(RestrictedQuerySet):
    """Who reads the objections is `objection_access`, below."""


class Objection(models.Model):
    """A signed objection (实名异议) to a proposed winner during the notice; staff resolve each before the award."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections", verbose_name=_("notice"))
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections", verbose_name=_("objection to")
    )
    name = models.CharField(_("your name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32)
    organisation = models.CharField(_("organisation"), max_length=128, blank=True)
    text = models.TextField(_("objection and its grounds"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    status = models.CharField(_("status"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution_note = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["filed_at", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.name} → {self.application.enterprise}"


@access_rule(Objection, actions=("view",))
def objection_access(user, action: str) -> Q | bool:
    """Objections name the people who filed them: the bureau staff who resolve them read them, nobody else (not
    even the administrators)."""
    return bool(getattr(user, "is_active", False) and user.has_perm("brands.resolve_objection"))


# The conferring body's decision.


def conferring_body_for(kind: str) -> str:
    """Who confers a programme's honours (a setting per programme kind): the city government the quality award,
    the promotion committee the famous-brand titles. The bureau only prepares and submits."""
    if kind == ProgrammeKind.QUALITY_AWARD:
        return settings.BRANDS_CONFERRING_BODY_AWARD
    return settings.BRANDS_CONFERRING_BODY_BRAND


class Conferral(models.Model):
    """The bureau's submission of a call's proposed winners to the conferring body after the public notice, and
    the body's decision once recorded: its name, document number (文号) and date, and which winners it conferred
    (a decision not to confer, for one winner or all, is recorded with the reason). `conferred` is None while the
    submission awaits the decision."""

    programme = models.OneToOneField(
        Programme, on_delete=models.PROTECT, related_name="conferral", verbose_name=_("programme")
    )
    conferring_body = models.CharField(_("conferring body"), max_length=128)
    submitted_on = models.DateField(_("submitted on"))
    submission_note = models.TextField(
        _("submission"), blank=True, help_text=_("e.g. the bureau's letter and its number")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    conferred = models.BooleanField(_("conferred"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decision_note = models.TextField(_("reason not conferred"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision recorded by"),
    )
    decided_at = models.DateTimeField(_("decision recorded at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("submission to the conferring body")
        verbose_name_plural = _("submissions to the conferring body")
        constraints = [
            models.CheckConstraint(
                name="conferral_decision_is_complete",
                # The document number is required of every decision recorded here (brands.services); a legacy
                # honour's decision, migrated from before, has none.
                condition=Q(conferred__isnull=True, decided_on__isnull=True)
                | Q(conferred=True, decided_on__isnull=False)
                | Q(conferred=False, decided_on__isnull=False) & ~Q(decision_note=""),
                violation_error_message=_("A decision has its date, and the reason when it does not confer."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} → {self.conferring_body}"

    @property
    def awaiting(self) -> bool:
        return self.conferred is None


# Honours, their yearly review and revocation.


def _honour_in_force(today: datetime.date | None = None) -> Q:
    return Q(status=HonourStatus.CURRENT, valid_until__gte=today or timezone.localdate())


class HonourQuerySet(RestrictedQuerySet):
    def current(self, today: datetime.date | None = None) -> "HonourQuerySet":
        """Honours in force: not revoked and not past their validity."""
        return self.filter(_honour_in_force(today))

    def search(self, text: str) -> "HonourQuerySet":
        """By enterprise name, product name or certificate number; blank text matches everything."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(enterprise__name__icontains=text)
            | Q(product__name__icontains=text)
            | Q(certificate_number__icontains=text)
        )


class Honour(models.Model):
    """An award: a famous-brand product or the quality award, conferred by the conferring body's decision (its
    name and document number kept here), valid for a number of years from that decision, reviewed yearly and
    revoked when quality fails. Revoked honours stay on file; the public list shows only current ones."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="honour", verbose_name=_("application")
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="honours", verbose_name=_("call"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="honours", verbose_name=_("enterprise")
    )
    product = models.ForeignKey(
        "enterprises.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=32, unique=True)
    title = models.CharField(_("honour"), max_length=255)
    conferring_body = models.CharField(_("conferring body"), max_length=128)
    decision_number = models.CharField(
        _("document number"),
        max_length=64,
        blank=True,
        help_text=_("Blank only for an honour on file from before the decisions were recorded."),
    )
    awarded_on = models.DateField(_("awarded on"), help_text=_("The date of the conferring body's decision."))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=16, choices=HonourStatus.choices, default=HonourStatus.CURRENT)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.TextField(_("why it was revoked"), blank=True)

    objects = HonourQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-awarded_on", "certificate_number"]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("brands:honour", args=[self.pk])

    def is_current(self, today: datetime.date | None = None) -> bool:
        return self.status == HonourStatus.CURRENT and self.valid_until >= (today or timezone.localdate())

    @staticmethod
    def validity_end(awarded_on: datetime.date, years: int) -> datetime.date:
        """Valid for `years` whole years: to the day before the anniversary."""
        return awarded_on + relativedelta(years=years) - datetime.timedelta(days=1)


@access_rule(Honour, actions=("view", "view_record"))
def honour_access(user, action: str) -> Q | bool:
    """Staff read every honour; an enterprise its own and the current ones; everyone else the current ones. The
    honour's record (its page with reviews, its certificate: the holder's documents) is staff's and the holder's
    only ("view_record")."""
    if _is_staff(user):
        return True
    enterprise_id = _own_enterprise(user)
    if action == "view_record":
        return Q(enterprise_id=enterprise_id) if enterprise_id else False
    return (_honour_in_force() | Q(enterprise_id=enterprise_id)) if enterprise_id else _honour_in_force()


class HonourReview(models.Model):
    """The yearly check of a current honour: did the holder still meet the rules? A failed review proposes
    revocation."""

    honour = models.ForeignKey(Honour, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("honour"))
    year = models.PositiveSmallIntegerField(_("year"))
    passed = models.BooleanField(_("still meets the rules"))
    note = models.TextField(_("findings"))
    checks = models.JSONField(_("record checked"), default=list)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("yearly review")
        verbose_name_plural = _("yearly reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["honour", "year"],
                name="one_review_per_honour_and_year",
                violation_error_message=_("This honour has already been reviewed for that year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.honour} {self.year}"


class RevocationProposalQuerySet(RestrictedQuerySet):
    def open(self) -> "RevocationProposalQuerySet":
        return self.filter(status=ProposalStatus.OPEN)


class RevocationProposal(Decided):
    """A proposal to revoke an honour, raised automatically by what happened in the holder's record (a failed
    spot check, grade C, a listing) or by a failed yearly review. Staff confirm (the honour is revoked) or dismiss
    it. `trigger` names what raised it, so the same event never raises it twice."""

    honour = models.ForeignKey(
        Honour, on_delete=models.PROTECT, related_name="revocation_proposals", verbose_name=_("honour")
    )
    cause = models.CharField(_("cause"), max_length=16, choices=RevocationCause.choices)
    trigger = models.CharField(_("raised by"), max_length=64)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)

    objects = RevocationProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("revocation proposal")
        verbose_name_plural = _("revocation proposals")
        constraints = [
            models.UniqueConstraint(fields=["honour", "trigger"], name="one_proposal_per_trigger"),
        ]

    def __str__(self) -> str:
        return f"{self.honour} · {self.get_cause_display()}"

    def get_absolute_url(self) -> str:
        return reverse("brands:proposal", args=[self.pk])


@access_rule(RevocationProposal, actions=("view",))
def revocation_proposal_access(user, action: str) -> Q | bool:
    """Staff only: a proposal is internal until it is confirmed (then the honour shows revoked)."""
    return bool(_is_staff(user))
