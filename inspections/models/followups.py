from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.predicates import is_enterprise_user
from core.access import RestrictedQuerySet, access_rule
from core.models import ServedNotice, StoredFile
from inspections.choices import FollowUpOutcome, FollowUpStage
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


class FollowUp(ServedNotice, models.Model):
    """The follow-up (后处理) of a nonconforming or refused result, with each step's due date:

    stop-sale at once → rectification order, report due 60 days after the enterprise received it (core.notices:
    empty until served) → first re-check within 75 days of the order
    (free) → if it fails, a public notice and a second re-check 60–90 days after it → if that fails, suspension
    and a licence-revocation referral. A re-test that overturns the result closes the follow-up."""

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
    notice_on = models.DateField(_("public notice on"), null=True, blank=True)
    notice_text = models.TextField(_("public notice"), blank=True)
    second_recheck_from = models.DateField(_("second re-check from"), null=True, blank=True)
    second_recheck_by = models.DateField(_("second re-check by"), null=True, blank=True)
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
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


@access_rule(FollowUp, actions=("view", "submit_rectification"))
def follow_up_access(user, action: str) -> models.Q | bool:
    """Staff read every follow-up; an enterprise reads its own and reports its rectification; nobody else any."""
    if action == "view" and user.has_perm("inspections.view_follow_ups"):
        return True
    if is_enterprise_user.test(user) and user.enterprise_id:
        return models.Q(enterprise_id=user.enterprise_id)
    return False


class RectificationAttachment(StoredFile):
    """A file attached to a rectification report, with its SHA-256."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="rectification/%Y/%m/")

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
