"""On site: the inspectors file the sampling record (抽样单), or record the enterprise's refusal."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.transitions import require_perm, require_state
from inspections import signatures as signing
from inspections.choices import CampaignStatus, SamplingOutcome, SignatureRole, TaskKind, TaskStatus, Verdict
from inspections.custody import custody_sealed_on_site
from inspections.models import SamplingPhoto, SamplingRecord, SamplingUpload, Task
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


class SamplingConflict(Exception):
    """The record cannot be filed because the task changed while the phone was offline: it was cancelled (a re-draw
    re-assigns the enterprise to a new task) or another record was filed. The phone keeps its copy."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def sampling_file(
    *,
    actor,
    task: Task,
    values: dict,
    photos: list[UploadedFile],
    refused: bool = False,
    refusal_reason: str = "",
    refusal_witness: str = "",
    client_key: uuid.UUID | None = None,
    photo_keys: list[uuid.UUID] = (),
    signatures: list[dict] = (),
    now: datetime.datetime | None = None,
) -> SamplingRecord:
    """File the sampling record of a task assigned to the actor. A sample goes to the campaign's laboratory under
    a blind code. A refusal is recorded with its reason and counts as nonconforming at once; it is a violation of
    its own, so a penalty is proposed to a leader (Product Quality Law Art 56), not a rectification order."""
    now = now or timezone.now()
    require_perm(actor, "inspections.file_sampling", task)
    task = Task.objects.select_for_update().select_related("campaign", "enterprise").get(pk=task.pk)
    if client_key is not None:
        # The phone's idempotency key: a resend after a lost answer gets the record it filed, and nothing new.
        earlier = SamplingRecord.objects.filter(client_key=client_key).first()
        if earlier is not None:
            if earlier.task_id != task.pk:
                raise SamplingConflict("key_reused", _("This record key was already used for another task."))
            earlier.replayed = True
            return earlier
    _require_no_conflict(task)
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
        refusal_witness=refusal_witness.strip(),
        client_key=client_key,
        sampled_at=now,
        filed_by=actor,
        **values,
    )
    uploads = _uploads(task, photo_keys)
    errors = {}
    if refused and not record.refusal_reason:
        errors["refusal_reason"] = _("Record the reason the enterprise gave for refusing.")
    if refused and not (photos or uploads or record.refusal_witness):
        errors["refusal_witness"] = _("A refusal needs evidence: a photo, or the name of a witness.")
    if not refused:
        for name in REQUIRED_WHEN_SAMPLED:
            if not str(getattr(record, name) or "").strip():
                errors[name] = _("This is required on a sampling record.")
        if not (photos or uploads):
            errors["photos"] = _("Add at least one photo of the sample and its seals.")
    if client_key is not None:
        # The field tool: signed on the screen by both inspectors, and by the enterprise unless it refused.
        signed = {signature["role"] for signature in signatures}
        if missing := [role for role in signing.required_roles(refused=refused) if role not in signed]:
            errors["signatures"] = _("Missing signatures: %s.") % "、".join(
                str(SignatureRole(role).label) for role in missing
            )
    if errors:
        raise ValidationError(errors)
    record.full_clean()
    record.save()
    for upload in photos:
        SamplingPhoto.store(upload, record=record)
    for upload in uploads:
        SamplingPhoto.objects.create(
            record=record, file=upload.file.name, original_name=upload.original_name, sha256=upload.sha256
        )
    SamplingUpload.objects.filter(pk__in=[upload.pk for upload in uploads]).update(record=record)
    if signatures:
        signing.signatures_store(record=record, signatures=list(signatures), now=now)
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
        lab_test = lab_test_create(task=task, lab=task.campaign.lab, actor=actor)
        custody_sealed_on_site(lab_test=lab_test, record=record, actor=actor, now=now)
    record.replayed = False
    return record


def _require_no_conflict(task: Task) -> None:
    if task.status == TaskStatus.CANCELLED:
        raise SamplingConflict(
            "task_cancelled",
            _("This task was cancelled on %(date)s: %(reason)s")
            % {
                "date": timezone.localtime(task.cancelled_at).strftime("%Y-%m-%d %H:%M") if task.cancelled_at else "",
                "reason": task.cancel_reason or _("no reason given"),
            },
        )
    if hasattr(task, "sampling"):
        raise SamplingConflict("already_filed", _("A sampling record of this task was already filed."))


def _uploads(task: Task, keys) -> list[SamplingUpload]:
    """The photos sent ahead for this task, by their keys; a key that is not one of them is a field error."""
    keys = list(dict.fromkeys(keys))
    uploads = list(SamplingUpload.objects.filter(task=task, key__in=keys, record__isnull=True))
    if len(uploads) != len(keys):
        raise ValidationError({"photo_keys": _("Some photos were not received: send them again.")})
    return uploads


@transaction.atomic
def sampling_upload(*, actor, task: Task, key: uuid.UUID, upload: UploadedFile) -> SamplingUpload:
    """Receive a photo ahead of its record, under the phone's key: a resend of the same key stores nothing new."""
    require_perm(actor, "inspections.file_sampling", task)
    existing = SamplingUpload.objects.filter(key=key).first()
    if existing is not None:
        if existing.task_id != task.pk:
            raise ValidationError({"key": _("This upload key was already used for another task.")})
        existing.replayed = True
        return existing
    if task.status != TaskStatus.ASSIGNED:
        raise SamplingConflict("task_not_open", _("This task no longer takes a sampling record."))
    stored = SamplingUpload.store(upload, key=key, task=task, uploaded_by=actor)
    stored.replayed = False
    return stored


def _require_sampling_window(task: Task, today: datetime.date) -> None:
    if task.kind == TaskKind.ROUTINE and task.campaign.status != CampaignStatus.IN_PROGRESS:
        raise ValidationError(_("Sampling opens when the bureau starts the campaign."))
    if task.sample_from and today < task.sample_from:
        raise ValidationError(
            _("This task may not be sampled before %(date)s.") % {"date": task.sample_from.isoformat()}
        )
