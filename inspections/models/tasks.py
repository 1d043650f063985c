from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.predicates import is_enterprise_user, is_inspector
from core.access import RestrictedQuerySet, access_grant, access_rule
from core.models import StoredFile
from inspections.choices import SamplingOutcome, TaskKind, TaskStatus, Verdict
from inspections.models.campaigns import Campaign
from inspections.models.draws import Draw


class TaskQuerySet(RestrictedQuerySet):
    def live(self) -> "TaskQuerySet":
        return self.exclude(status=TaskStatus.CANCELLED)


class Task(models.Model):
    """An on-site task: sample one batch at one enterprise, by at least two inspectors. A routine task comes from
    a draw; a re-check task from the follow-up of a nonconforming result (free of charge)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("campaign"))
    draw = models.ForeignKey(
        Draw, on_delete=models.PROTECT, related_name="tasks", null=True, blank=True, verbose_name=_("draw")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="spot_check_tasks",
        verbose_name=_("enterprise"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices, default=TaskKind.ROUTINE)
    follow_up = models.ForeignKey(
        "inspections.FollowUp",
        on_delete=models.PROTECT,
        related_name="rechecks",
        null=True,
        blank=True,
        verbose_name=_("follow-up"),
    )
    recheck_round = models.PositiveSmallIntegerField(_("re-check round"), null=True, blank=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspection_tasks", verbose_name=_("inspectors")
    )
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    sample_from = models.DateField(_("sample from"), null=True, blank=True)
    due_on = models.DateField(_("sample by"))
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    verdict = models.CharField(_("final verdict"), max_length=16, choices=Verdict.choices, blank=True)
    finalised_at = models.DateTimeField(_("verdict final at"), null=True, blank=True)
    publish_due_on = models.DateField(_("publish by"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("spot-check task")
        verbose_name_plural = _("spot-check tasks")
        indexes = [models.Index(fields=["enterprise", "campaign"], name="task_enterprise_campaign")]
        constraints = [
            models.CheckConstraint(
                name="task_recheck_has_follow_up",
                condition=Q(kind=TaskKind.ROUTINE, follow_up__isnull=True)
                | Q(kind=TaskKind.RECHECK, follow_up__isnull=False, recheck_round__isnull=False),
                violation_error_message=_("A re-check task belongs to a follow-up, a routine task to none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.title} · {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:task", args=[self.pk])


@access_rule(Task, actions=("view", "file_sampling", "view_on_file"))
def task_access(user, action: str) -> Q | bool:
    """Bureau staff and administrators read every task; an inspector reads, and files the sampling record of, only
    the tasks assigned to them; nobody else any. On an enterprise's file ("view_on_file") the enterprise also
    reads its own finished checks (never an upcoming visit)."""
    if action != "file_sampling" and user.has_perm("inspections.view_all_tasks"):
        return True
    if action == "view_on_file" and is_enterprise_user.test(user) and user.enterprise_id:
        return Q(enterprise_id=user.enterprise_id, status=TaskStatus.FINAL)
    return Q(inspectors=user) if is_inspector.test(user) else False


@access_grant("enterprises.Enterprise", "view")
def enterprises_of_my_tasks(user) -> Q | bool:
    """An inspector reads the files of the enterprises of the live spot-check tasks assigned to them."""
    if not is_inspector.test(user):
        return False
    return Q(Exists(Task.objects.visible_to(user).live().filter(enterprise=OuterRef("pk"))))


SAMPLING_FIELDS = (
    "product",
    "product_name",
    "specification",
    "trademark",
    "batch_number",
    "production_date",
    "quantity",
    "sampling_place",
    "seal_numbers",
    "enterprise_signatory",
    "inspector_signatories",
)


class SamplingRecord(models.Model):
    """The sampling record (抽样单) filed on site: what was sampled, sealed and signed, or the refusal."""

    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="sampling", verbose_name=_("task"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=SamplingOutcome.choices)
    product = models.ForeignKey(
        "enterprises.Product",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("product on file"),
    )
    product_name = models.CharField(_("product"), max_length=128, blank=True)
    specification = models.CharField(_("model or specification"), max_length=128, blank=True)
    trademark = models.CharField(_("trademark"), max_length=64, blank=True)
    batch_number = models.CharField(_("batch number or production date code"), max_length=64, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    quantity = models.CharField(
        _("quantity sampled"), max_length=64, blank=True, help_text=_("e.g. 6 bottles: 3 for testing, 3 in reserve")
    )
    sampling_place = models.CharField(_("sampling place"), max_length=128, blank=True)
    seal_numbers = models.CharField(_("seal numbers"), max_length=128, blank=True)
    enterprise_signatory = models.CharField(_("signed for the enterprise by"), max_length=64, blank=True)
    inspector_signatories = models.CharField(_("signed by the inspectors"), max_length=128)
    refusal_reason = models.TextField(_("reason given for refusing"), blank=True)
    refusal_witness = models.CharField(_("witness of the refusal"), max_length=64, blank=True)
    client_key = models.UUIDField(
        _("idempotency key"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("Given by the device that filed the record: a resend with the same key files nothing new."),
    )
    sampled_at = models.DateTimeField(_("sampled at"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sampling record")
        verbose_name_plural = _("sampling records")

    def __str__(self) -> str:
        return f"{self.task} {self.get_outcome_display()}"

    @property
    def refused(self) -> bool:
        return self.outcome == SamplingOutcome.REFUSED


class SamplingPhoto(StoredFile):
    """A photo taken on site, stored with its SHA-256 and the time it was received, so it can be verified."""

    record = models.ForeignKey(SamplingRecord, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("photo"), upload_to="sampling/%Y/%m/")
    uploaded_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("sampling photo")
        verbose_name_plural = _("sampling photos")
