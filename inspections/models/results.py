from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.predicates import is_enterprise_user, is_lab_technician
from core.access import RestrictedQuerySet, access_rule
from core.models import ServedNotice
from inspections.choices import LabTestKind, LabTestStatus, TaskStatus, Verdict
from inspections.models.campaigns import Laboratory, TestItem
from inspections.models.tasks import Task


class LabTestQuerySet(RestrictedQuerySet):
    """Who reads which test is `lab_test_access`, below."""


class LabTest(ServedNotice, models.Model):
    """A laboratory's test of a sample, known to the laboratory only by its blind code. The verdict is computed
    from the item results when the laboratory submits them; a staff reviewer approves it before it is notified.
    A re-test, after an objection, is done blind again by another laboratory under a new code. The result notice
    is served (core.notices) when the enterprise first opens it or staff record its paper delivery: the objection
    window runs from that day and stays empty until then."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="lab_tests", verbose_name=_("task"))
    kind = models.CharField(_("kind"), max_length=16, choices=LabTestKind.choices, default=LabTestKind.INITIAL)
    lab = models.ForeignKey(Laboratory, on_delete=models.PROTECT, related_name="tests", verbose_name=_("laboratory"))
    blind_code = models.CharField(_("sample code"), max_length=16, unique=True)
    category = models.CharField(
        _("product category"),
        max_length=128,
        blank=True,
        help_text=_("The campaign's category of this sample: the test items of that category apply."),
    )
    status = models.CharField(_("status"), max_length=16, choices=LabTestStatus.choices, default=LabTestStatus.PENDING)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("tested by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("reviewed by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    objection_due_on = models.DateField(_("objections accepted until"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    objects = LabTestQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["received_at"])

    notice_issued_field = "notified_at"

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("laboratory test")
        verbose_name_plural = _("laboratory tests")
        constraints = [
            models.UniqueConstraint(fields=["task", "kind"], name="one_test_of_each_kind_per_task"),
            models.CheckConstraint(
                name="lab_test_verdict_once_submitted",
                condition=Q(status=LabTestStatus.PENDING, verdict="")
                | (~Q(status=LabTestStatus.PENDING) & ~Q(verdict="")),
                violation_error_message=_("A verdict exists exactly when the results have been submitted."),
            ),
        ]

    def __str__(self) -> str:
        return self.blind_code

    def get_absolute_url(self) -> str:
        return reverse("inspections:result", args=[self.pk])

    @property
    def notice_enterprise_id(self) -> int:
        return self.task.enterprise_id

    @property
    def has_objection_clock(self) -> bool:
        """A nonconforming first result: its notice opens the objection window."""
        return not self.is_retest and self.verdict == Verdict.NONCONFORMING

    @property
    def is_retest(self) -> bool:
        return self.kind == LabTestKind.RETEST

    @property
    def is_open_to_answer(self) -> bool:
        """Whether the enterprise may still accept or object: a notified nonconforming first result that is not
        final yet and has no objection (the deadline itself is checked when the objection is filed; it is
        served by the enterprise opening it, so an unserved one is served first)."""
        return (
            self.status == LabTestStatus.NOTIFIED
            and not self.is_retest
            and self.verdict == Verdict.NONCONFORMING
            and self.accepted_at is None
            and self.task.status != TaskStatus.FINAL
            and not hasattr(self, "objection")
        )

    def failed_items(self) -> list[TestItem]:
        return [result.item for result in self.item_results.all() if not result.passed]


@access_rule(LabTest, actions=("view", "enter_results", "respond"))
def lab_test_access(user, action: str) -> Q | bool:
    """Staff read every test; a technician reads, and enters the results of, their own laboratory's tests (by code,
    never the enterprise); an enterprise reads, and answers, only the results notified to it; nobody else any."""
    if action == "view" and user.has_perm("inspections.view_all_tasks"):
        return True
    if action in ("view", "enter_results") and is_lab_technician.test(user):
        return Q(lab__technicians=user)
    if action in ("view", "respond") and is_enterprise_user.test(user) and user.enterprise_id:
        return Q(task__enterprise_id=user.enterprise_id, status=LabTestStatus.NOTIFIED)
    return False


class ItemResult(models.Model):
    """The laboratory's finding for one test item: a measured value, or for a qualitative item whether the
    sample meets the requirement. Whether the item passed is computed, never typed."""

    lab_test = models.ForeignKey(LabTest, on_delete=models.PROTECT, related_name="item_results")
    item = models.ForeignKey(TestItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("test item"))
    value = models.DecimalField(_("measured value"), max_digits=16, decimal_places=6, null=True, blank=True)
    conforms = models.BooleanField(_("meets the requirement"), null=True, blank=True)
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    not_applicable = models.BooleanField(
        _("not applicable"), default=False, help_text=_("Only for an item that is not mandatory; the note says why.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["item__position", "item_id"]
        verbose_name = _("item result")
        verbose_name_plural = _("item results")
        constraints = [models.UniqueConstraint(fields=["lab_test", "item"], name="one_result_per_item")]

    def __str__(self) -> str:
        return f"{self.lab_test} {self.item}"

    def shown(self) -> str:
        if self.not_applicable:
            return str(_("not applicable"))
        if self.item.is_qualitative:
            return str(_("meets the requirement") if self.conforms else _("does not meet the requirement"))
        value = "" if self.value is None else f"{self.value.normalize():f}"
        return f"{value} {self.item.unit}".strip()


class Objection(models.Model):
    """An enterprise's objection to a nonconforming result, filed within the deadline. It leads to a re-test by
    a laboratory drawn at random among the approved ones other than the original; the re-test result is final.
    The lab draw is recorded (seed and candidates) so it can be checked like the spot-check draw."""

    lab_test = models.OneToOneField(
        LabTest, on_delete=models.PROTECT, related_name="objection", verbose_name=_("result objected to")
    )
    reasons = models.TextField(_("reasons"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    filed_at = models.DateTimeField(_("filed at"))
    retest_lab = models.ForeignKey(
        Laboratory, on_delete=models.PROTECT, related_name="+", verbose_name=_("re-test laboratory")
    )
    lab_draw_seed = models.CharField(_("lab draw seed"), max_length=64)
    lab_draw_candidates = models.JSONField(_("laboratories drawn from"))

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.lab_test} ({self.filed_at:%Y-%m-%d})"
