from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """The record a background job leaves: what ran, when, how it ended, its counts and any error."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        LOST = "lost", _("Worker lost")

    name = models.CharField(_("job"), max_length=100, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(_("worker"), max_length=255, blank=True)
    # While running, the worker writes the time here every JOB_HEARTBEAT_SECONDS; a run silent for
    # JOB_LOST_AFTER_SECONDS lost its worker and is queued again as the task and arguments below say.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    task = models.CharField(_("task"), max_length=200, blank=True)
    task_kwargs = models.JSONField(_("task arguments"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return f"{self.name} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M} {self.status}"


class CalendarYear(models.Model):
    """A year whose holidays and adjusted working weekends are on file; provisional until the official notice."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    is_official = models.BooleanField(_("official arrangement"), default=False)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A date that departs from the Monday-to-Friday week: a holiday, or a weekend day worked in exchange (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Adjusted working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class AuditEntry(models.Model):
    """One audited write: who did what to which record, when, and the details. Never edited or deleted.

    `trail` groups the entries of one case (e.g. everything that happened in a spot-check campaign), so a page can
    show the whole story of a campaign, its draws, tasks and results in one query."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("record type"), max_length=64)
    object_id = models.PositiveBigIntegerField(_("record id"))
    trail = models.CharField(_("case"), max_length=96, db_index=True, blank=True)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # The hash chain (core.audit): the SHA-256 of the entry before this one, and of this entry's content with it.
    prev_hash = models.CharField(_("previous entry's hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class DomainEvent(models.Model):
    """Something that happened which other parts of the portal react to (e.g. credit recalculation after a
    spot-check verdict). Written in the same transaction as the change itself, dispatched once after commit."""

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("enterprise"),
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        indexes = [
            models.Index(fields=["occurred_at"], condition=models.Q(dispatched_at__isnull=True), name="event_pending")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class StoredFile(models.Model):
    """An uploaded file kept with its original name and SHA-256, so a stored copy can be verified later. Concrete
    models add the `file` field (with their own folder) and the record the file belongs to."""

    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def store(cls, upload, **owner):
        """Save `upload` for its owner record(s), e.g. `SamplingPhoto.store(upload, record=record)`."""
        from core.files import stored_file_create

        return stored_file_create(cls, upload, **owner)


class Decided(models.Model):
    """A request that staff decide: who decided, when, and the note they gave. Shared by the apps whose requests
    staff decide (credit's overrides and repairs, brands' revocation proposals), so it lives below them."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        abstract = True

    def record_decision(self, *, actor, status: str, note: str) -> None:
        """Move to `status`, naming who decided, when, and why (in the change history too)."""
        self.status = status
        self.decided_by = actor
        self.decided_at = timezone.now()
        self.decision_note = note.strip()
        self._history_user = actor
        self.save()


class ServedNotice(models.Model):
    """A notice whose clock runs from its receipt (送达): the day an enterprise user first opened it in the portal,
    or the receipt date staff recorded for a paper or in-person delivery, with the signed receipt's scan. Until
    then the notice is "not yet served" and its clock fields stay empty. Concrete models say when the notice was
    issued (`notice_issued_field`, a datetime) and whose it is (`notice_enterprise_id`); core.notices serves it."""

    class ServedHow(models.TextChoices):
        PORTAL = "portal", _("Opened in the portal")
        PAPER = "paper", _("Delivered on paper")

    notice_issued_field = "notified_at"

    served_on = models.DateField(_("notice received on"), null=True, blank=True)
    served_how = models.CharField(_("served"), max_length=8, choices=ServedHow.choices, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by, or receipt recorded by"),
    )
    served_recorded_at = models.DateTimeField(_("receipt recorded at"), null=True, blank=True)
    service_proof = models.FileField(_("signed receipt"), upload_to="notices/%Y/%m/", blank=True)
    service_proof_name = models.CharField(_("signed receipt file name"), max_length=255, blank=True)
    service_proof_sha256 = models.CharField(_("signed receipt SHA-256"), max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def is_served(self) -> bool:
        return self.served_on is not None

    @property
    def notice_enterprise_id(self) -> int | None:
        return getattr(self, "enterprise_id", None)
