"""The demo city's chain of custody: each sample's receipt at the laboratory before its findings, one sample that
arrived with a broken seal (blocked, in the supervisors' inbox), and retained samples stored and disposed of."""

from django.utils import timezone

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
