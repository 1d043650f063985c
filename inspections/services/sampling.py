"""On site: the inspectors file the sampling record (抽样单), or record the enterprise's refusal."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.transitions import require_perm, require_state
from inspections.choices import CampaignStatus, SamplingOutcome, TaskKind, TaskStatus, Verdict
from inspections.models import SamplingPhoto, SamplingRecord, Task
from inspections.models.tasks import SAMPLING_FIELDS
from inspections.services.followups import refusal_penalty_propose
from inspections.services.testing import lab_test_create
from inspections.services.verdicts import task_finalise

REQUIRED_WHEN_SAMPLED = (
    "product_name",
    "batch_number",
    "quantity",
    "sampling_place",
    "seal_numbers",
    "enterprise_signatory",
    "inspector_signatories",
)


@transaction.atomic
def sampling_file(
    *,
    actor,
    task: Task,
    values: dict,
    photos: list[UploadedFile],
    refused: bool = False,
    refusal_reason: str = "",
    now: datetime.datetime | None = None,
) -> SamplingRecord:
    """File the sampling record of a task assigned to the actor. A sample goes to the campaign's laboratory under
    a blind code. A refusal is recorded with its reason and counts as nonconforming at once; it is a violation of
    its own, so a penalty is proposed to a leader (Product Quality Law Art 56), not a rectification order."""
    now = now or timezone.now()
    require_perm(actor, "inspections.file_sampling", task)
    task = Task.objects.select_for_update().select_related("campaign", "enterprise").get(pk=task.pk)
    require_state(task, [TaskStatus.ASSIGNED])
    _require_sampling_window(task, timezone.localdate(now))
    values = {name: value for name, value in values.items() if name in SAMPLING_FIELDS}
    product = values.get("product")
    if product is not None:
        if product.enterprise_id != task.enterprise_id or product.discontinued_on is not None:
            raise ValidationError({"product": _("This product is not among the enterprise's current products.")})
        for name in ("product_name", "specification", "trademark"):
            values[name] = values.get(name) or getattr(product, name.removeprefix("product_"))
    record = SamplingRecord(
        task=task,
        outcome=SamplingOutcome.REFUSED if refused else SamplingOutcome.SAMPLED,
        refusal_reason=refusal_reason.strip(),
        sampled_at=now,
        filed_by=actor,
        **values,
    )
    errors = {}
    if refused and not record.refusal_reason:
        errors["refusal_reason"] = _("Record the reason the enterprise gave for refusing.")
    if not refused:
        for name in REQUIRED_WHEN_SAMPLED:
            if not str(getattr(record, name) or "").strip():
                errors[name] = _("This is required on a sampling record.")
        if not photos:
            errors["photos"] = _("Add at least one photo of the sample and its seals.")
    if errors:
        raise ValidationError(errors)
    record.full_clean()
    record.save()
    for upload in photos:
        SamplingPhoto.store(upload, record=record)
    audit(
        actor=actor,
        action="sampling.refused" if refused else "sampling.file",
        target=record,
        trail=task.campaign,
        summary=f"{task.enterprise}: {record.refusal_reason or record.product_name}",
        task=task.pk,
        photos=[photo.sha256 for photo in record.photos.all()],
    )
    if refused:
        task_finalise(task=task, verdict=Verdict.REFUSED, actor=actor, source="refusal", now=now)
        refusal_penalty_propose(task=task, actor=actor, now=now)
    else:
        task.status = TaskStatus.SAMPLED
        task._history_user = actor
        task.save()
        lab_test_create(task=task, lab=task.campaign.lab, actor=actor)
    return record


def _require_sampling_window(task: Task, today: datetime.date) -> None:
    if task.kind == TaskKind.ROUTINE and task.campaign.status != CampaignStatus.IN_PROGRESS:
        raise ValidationError(_("Sampling opens when the bureau starts the campaign."))
    if task.sample_from and today < task.sample_from:
        raise ValidationError(
            _("This task may not be sampled before %(date)s.") % {"date": task.sample_from.isoformat()}
        )
