"""The demo city's chain of custody: each sample's receipt at the laboratory before its findings, one sample that
arrived with a broken seal (blocked, in the supervisors' inbox), and retained samples stored and disposed of."""

import datetime

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from inspections import custody
from inspections.choices import CustodyKind


def receive(lab_test, *, seal_intact: bool = True, photo=None, when=None) -> None:
    """The laboratory scans the sample's seal label on receipt (its findings wait for it)."""
    if lab_test.custody_events.filter(kind=CustodyKind.RECEIVED).exists():
        return
    custody.custody_scan(
        actor=lab_test.lab.technicians.order_by("pk").first(),
        code=custody.qr_content(lab_test),
        kind=CustodyKind.RECEIVED,
        seal_intact=seal_intact,
        place=lab_test.lab.name[:128],
        photo=photo,
        now=when or timezone.now(),
    )


def seed_custody(*, as_of) -> None:
    """Show each custody state: a hand-over to the courier, a sample received with its seal broken (blocked, in the
    supervisors' inbox), retained samples stored, and one disposed of once its hold was over."""
    from django.core.files.base import ContentFile

    from inspections.choices import LabTestStatus, TaskStatus
    from inspections.models import LabTest, RetainedSample

    now = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time(16)))
    waiting = list(
        LabTest.objects.filter(status=LabTestStatus.PENDING)
        .exclude(custody_events__kind=CustodyKind.RECEIVED)
        .select_related("task", "lab")
        .order_by("pk")
    )
    for lab_test in waiting[:1]:
        inspector = lab_test.task.inspectors.order_by("pk").first()
        custody.custody_scan(
            actor=inspector, code=custody.qr_content(lab_test), kind=CustodyKind.DISPATCHED, place="顺丰速运", now=now
        )
    for lab_test in waiting[1:2]:
        photo = ContentFile(_seal_photo(), name="封条破损.png")
        receive(lab_test, seal_intact=False, photo=photo, when=now)
    supervisor = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    retained = list(RetainedSample.objects.filter(task__status=TaskStatus.FINAL).select_related("task").order_by("pk"))
    for n, sample in enumerate(retained[:3]):
        custody.retained_store(actor=supervisor, retained=sample, storage_place=f"备样库 A-{n + 1:02d} 柜", now=now)
    for sample in retained[:3]:
        due = custody.retained_disposal_date(sample)
        if due is not None and due <= as_of:
            custody.retained_dispose(actor=supervisor, retained=sample, note="异议期及复检期满，高温销毁", now=now)
            break


def _seal_photo() -> bytes:
    """A small photo of the broken seal: the demo has no camera."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()
