from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.predicates import is_enterprise_user
from core.access import RestrictedQuerySet, access_rule
from core.models import Decided, ServedNotice, StoredFile
from inspections.choices import FollowUpOutcome, FollowUpStage, ProposalKind, ProposalStatus
from inspections.models.tasks import Task


def report_overdue(today) -> models.Q:
    """The rectification report not filed by its due date: one definition for the credit grade, the deadline
    worklist and the dashboard."""
    return models.Q(report_submitted_at__isnull=True, rectification_due_on__lt=today)


def recheck_overdue(today) -> models.Q:
    """The first re-check past its due date, or the second re-check past its window."""
    return models.Q(
        stage__in=[FollowUpStage.RECTIFYING, FollowUpStage.FIRST_RECHECK], first_recheck_due_on__lt=today
    ) | models.Q(stage=FollowUpStage.SECOND_RECHECK, second_recheck_by__lt=today)


class FollowUpQuerySet(RestrictedQuerySet):
    def open(self) -> "FollowUpQuerySet":
        return self.exclude(stage=FollowUpStage.CLOSED)


class ProvinceReport(models.Model):
    """A report to the provincial bureau of the follow-ups whose first re-check failed (Order 18 Art 47): the
    province publishes the notice. One report may cover several follow-ups; staff record when it was sent."""

    created_at = models.DateTimeField(_("prepared at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_reference = models.CharField(_("dispatch reference"), max_length=100, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("sent recorded by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report to the provincial bureau")
        verbose_name_plural = _("reports to the provincial bureau")

    def __str__(self) -> str:
        return _("Report to the provincial bureau no. %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("inspections:province_report", args=[self.pk])

    @property
    def number(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y}-{self.pk:04d}"


class FollowUp(ServedNotice, models.Model):
    """The follow-up (后处理) of a nonconforming result, with each step's due date:

    stop-sale at once → rectification order, report due 60 days after the enterprise received it (core.notices:
    empty until served) → first re-check within 75 days of the order (free) → if it fails, a report to the
    provincial bureau, whose notice opens a second re-check 60–90 days after it → if that fails, a proposal to
    order suspension and rectification, which a leader decides → a re-check after the period: passed, a decision
    lifts the suspension; failed, a referral to revoke the business licence. The portal never changes the
    enterprise's status by itself. A re-test that overturns the result closes it."""

    task = models.OneToOneField(
        Task, on_delete=models.PROTECT, related_name="follow_up_of", verbose_name=_("nonconforming task")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("enterprise")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=FollowUpStage.choices, default=FollowUpStage.RECTIFYING)
    outcome = models.CharField(_("outcome"), max_length=16, choices=FollowUpOutcome.choices, blank=True)
    stop_sale_at = models.DateTimeField(_("stop-sale ordered at"))
    stop_sale_lifted_at = models.DateTimeField(_("stop-sale lifted at"), null=True, blank=True)
    ordered_on = models.DateField(_("rectification ordered on"))
    rectification_due_on = models.DateField(_("rectification report due"), null=True, blank=True)
    first_recheck_due_on = models.DateField(_("first re-check due"))
    report = models.TextField(_("rectification report"), blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    report_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("report submitted by"),
    )
    first_recheck_failed_on = models.DateField(_("first re-check failed on"), null=True, blank=True)
    province_report = models.ForeignKey(
        ProvinceReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("report to the provincial bureau"),
    )
    notice_on = models.DateField(_("public notice on"), null=True, blank=True)
    notice_reference = models.CharField(_("provincial notice reference"), max_length=200, blank=True)
    notice_url = models.URLField(_("provincial notice address"), max_length=500, blank=True)
    notice_text = models.TextField(_("public notice"), blank=True)
    second_recheck_from = models.DateField(_("second re-check from"), null=True, blank=True)
    second_recheck_by = models.DateField(_("second re-check by"), null=True, blank=True)
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    referral_authority = models.CharField(_("receiving authority"), max_length=200, blank=True)
    referral_reference = models.CharField(_("referral reference"), max_length=100, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    notice_issued_field = "stop_sale_at"  # the rectification order is issued with the stop-sale

    class Meta:
        ordering = ["-ordered_on", "-pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.task.campaign.title}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:follow_up", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage != FollowUpStage.CLOSED

    @property
    def awaiting_report(self) -> bool:
        """Failed its first re-check and not yet in a report to the provincial bureau."""
        return self.stage == FollowUpStage.PROVINCE and self.province_report_id is None

    def suspension(self) -> "DecisionProposal | None":
        """The recorded decision ordering suspension and rectification, if any."""
        return self.proposals.filter(kind=ProposalKind.SUSPEND, status=ProposalStatus.APPROVED).first()


@access_rule(FollowUp, actions=("view", "submit_rectification"))
def follow_up_access(user, action: str) -> models.Q | bool:
    """Staff read every follow-up; an enterprise reads its own and reports its rectification; nobody else any."""
    if action == "view" and user.has_perm("inspections.view_follow_ups"):
        return True
    if is_enterprise_user.test(user) and user.enterprise_id:
        return models.Q(enterprise_id=user.enterprise_id)
    return False


class DecisionProposalQuerySet(RestrictedQuerySet):
    def pending(self) -> "DecisionProposalQuerySet":
        return self.filter(status=ProposalStatus.PENDING)


class DecisionProposal(Decided):
    """A decision the bureau takes on an enterprise, proposed to a leader, who approves it (with the decision's
    number and date, and its period or penalty) or rejects it with a reason: ordering suspension and rectification
    after a failed second re-check, lifting it after a passed re-check, or the penalty for refusing sampling. The
    enterprise's right to a hearing is recorded. Only an approved decision changes the enterprise's status."""

    kind = models.CharField(_("kind"), max_length=16, choices=ProposalKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("task it rests on")
    )
    follow_up = models.ForeignKey(
        FollowUp,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("follow-up"),
    )
    grounds = models.TextField(_("facts and grounds"))
    proposed_at = models.DateTimeField(_("proposed at"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
        help_text=_("Empty when the portal proposed it from a verdict."),
    )
    hearing_notified_on = models.DateField(_("right to a hearing notified on"), null=True, blank=True)
    hearing_requested = models.BooleanField(_("hearing requested"), default=False)
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_on = models.DateField(_("decision date"), null=True, blank=True)
    period_end = models.DateField(_("rectification period ends"), null=True, blank=True)
    amount = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    measures = models.TextField(_("measures"), blank=True)

    objects = DecisionProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("proposed decision")
        verbose_name_plural = _("proposed decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind"],
                condition=models.Q(status=ProposalStatus.PENDING),
                name="one_pending_proposal_per_task_and_kind",
                violation_error_message=_("A proposal of this kind already awaits the leader's decision."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:proposal", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING


@access_rule(DecisionProposal, actions=("view",))
def proposal_access(user, action: str) -> models.Q | bool:
    """Staff read every proposal; an enterprise reads the decisions taken on it; nobody else any."""
    if user.has_perm("inspections.view_follow_ups"):
        return True
    if is_enterprise_user.test(user) and user.enterprise_id:
        return models.Q(enterprise_id=user.enterprise_id, status=ProposalStatus.APPROVED)
    return False


class RectificationAttachment(StoredFile):
    """A file attached to a rectification report, with its SHA-256."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="rectification/%Y/%m/")

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
