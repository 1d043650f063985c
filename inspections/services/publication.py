"""Publishing final results (质量信息公告), within 20 working days of the result, and the enterprise's reply."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit, audit_append
from core.hygiene import text_within
from core.models import AuditEntry
from core.transitions import require_perm
from inspections.choices import LabTestStatus, TaskStatus, Verdict
from inspections.models import Campaign, ItemResult, LabTest, PublishedResult, Task


def publishable_tasks(campaign: Campaign) -> QuerySet[Task]:
    """Tasks of the campaign with a final result that has not been published yet."""
    return campaign.tasks.filter(status=TaskStatus.FINAL, publication__isnull=True)


@transaction.atomic
def results_publish(*, actor, campaign: Campaign, task_ids: list[int] | None = None) -> int:
    """Publish final results of a campaign (all unpublished ones, or those listed): a snapshot of what the public
    may read. Set-based: a fixed number of queries however many results are published."""
    require_perm(actor, "inspections.publish_results", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)  # one publication run at a time
    tasks = publishable_tasks(campaign).select_for_update(of=("self",))
    if task_ids is not None:
        tasks = tasks.filter(pk__in=task_ids)
        if tasks.count() != len(set(task_ids)):
            raise ValidationError(_("Only final results not yet published can be published."))
    notified = LabTest.objects.filter(status=LabTestStatus.NOTIFIED).order_by("-kind").select_related("lab")
    tasks = tasks.select_related("enterprise__district", "sampling", "campaign").prefetch_related(
        Prefetch(
            "lab_tests",
            queryset=notified.prefetch_related(
                Prefetch("item_results", queryset=ItemResult.objects.select_related("item"))
            ),
        )
    )
    now = timezone.now()
    rows = [_snapshot(task, actor, now) for task in tasks]
    published = PublishedResult.objects.bulk_create(rows)
    audit_append(
        AuditEntry(
            actor=actor,
            action="result.publish",
            object_type=PublishedResult._meta.label_lower,
            object_id=row.pk,
            trail=f"{Campaign._meta.label_lower}:{campaign.pk}",
            summary=f"{row.enterprise_name} {row.get_verdict_display()}",
            at=now,
        )
        for row in published
    )
    return len(published)


def _snapshot(task: Task, actor, now) -> PublishedResult:
    sampling = getattr(task, "sampling", None)
    final_test = next(iter(task.lab_tests.all()), None)  # the re-test when there was one ("retest" > "initial")
    failed = []
    if final_test is not None and task.verdict == Verdict.NONCONFORMING:
        failed = [
            f"{result.item.name} ({result.shown()}; {result.item.limit_text()})"
            for result in final_test.item_results.all()
            if not result.passed
        ]
    return PublishedResult(
        task=task,
        campaign=task.campaign,
        enterprise=task.enterprise,
        year=task.campaign.year,
        enterprise_name=task.enterprise.name,
        credit_code=task.enterprise.credit_code,
        district_name=task.enterprise.district.name,
        product_name=(sampling.product_name if sampling else "") or "、".join(task.campaign.categories()),
        specification=sampling.specification if sampling else "",
        trademark=sampling.trademark if sampling else "",
        batch_number=sampling.batch_number if sampling else "",
        verdict=task.verdict,
        failed_items="; ".join(failed),
        lab_name=final_test.lab.name if final_test else "",
        published_at=now,
        published_by=actor,
    )


@transaction.atomic
def publication_withdraw(*, actor, publication: PublishedResult, reason: str) -> PublishedResult:
    """Take a published result off the public pages, with the reason; it stays on record."""
    require_perm(actor, "inspections.publish_results", publication.campaign)
    publication = PublishedResult.objects.select_for_update().get(pk=publication.pk)
    if publication.withdrawn_at:
        raise ValidationError(_("This result is already withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for withdrawing.")})
    publication.withdrawn_at = timezone.now()
    publication.withdraw_reason = text_within(reason, field="reason")
    publication.save(update_fields=["withdrawn_at", "withdraw_reason"])
    audit(actor=actor, action="result.withdraw", target=publication, trail=publication.campaign, summary=reason)
    return publication


@transaction.atomic
def publication_reply(*, actor, publication: PublishedResult, reply: str) -> PublishedResult:
    """The enterprise's reply, shown beside its published result (it may revise it; the audit log keeps each)."""
    require_perm(actor, "inspections.reply_to_publication", publication)
    publication = PublishedResult.objects.select_for_update().get(pk=publication.pk)
    if publication.withdrawn_at:
        raise ValidationError(_("This result has been withdrawn."))
    if not reply.strip():
        raise ValidationError({"reply": _("Write your reply.")})
    publication.reply = text_within(reply, field="reply")
    publication.replied_at = timezone.now()
    publication.save(update_fields=["reply", "replied_at"])
    audit(actor=actor, action="result.reply", target=publication, trail=publication.campaign, summary=reply[:200])
    return publication
