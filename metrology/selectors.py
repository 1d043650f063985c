"""Reads in metrology, public: the pages, the API and other apps (analysis) ask through these."""

import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from metrology.choices import FilingStatus, VerificationResult
from metrology.models import Instrument, InstrumentCategory, NetContentTest, Verification, not_for_trade_condition


def categories() -> QuerySet[InstrumentCategory]:
    return InstrumentCategory.objects.all()


def instruments_visible(user) -> QuerySet[Instrument]:
    """The instruments `user` may read, with what every list shows."""
    return Instrument.objects.visible_to(user).select_related("category", "district", "enterprise")


def instrument_by_certificate(number: str) -> Instrument | None:
    """The instrument whose current certificate has this number (the public status page): the one in use first."""
    number = str(number or "").strip().upper()
    if not number or len(number) > 64:
        return None
    return (
        Instrument.objects.filter(certificate_number__iexact=number, filing_status=FilingStatus.ACCEPTED)
        .select_related("category", "district")
        .order_by("status", "-last_verified_on", "-pk")
        .first()
    )


def verifications_of(instrument: Instrument, user) -> QuerySet[Verification]:
    return Verification.objects.visible_to(user).filter(instrument=instrument).select_related("recorded_by")


def due_counts(*, instruments: QuerySet[Instrument], today: datetime.date | None = None) -> dict[str, int]:
    """How many of `instruments` (supervised) are due within the reminder period, overdue, failed: one query."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.METROLOGY_DUE_SOON_DAYS)
    failed = Q(last_result=VerificationResult.FAILED)
    return instruments.supervised().aggregate(
        due_soon=Count("pk", filter=Q(next_due_on__gte=today, next_due_on__lte=soon) & ~failed),
        overdue=Count("pk", filter=Q(next_due_on__lt=today) & ~failed),
        failed=Count("pk", filter=failed),
    )


def verification_rates(
    *,
    today: datetime.date | None = None,
    by: tuple[str, ...] = ("category", "district"),
    category_code: str | None = None,
    district_id: int | None = None,
) -> list[dict]:
    """The verification rate of the supervised instruments grouped `by` category and/or district: how many there
    are, how many hold a valid passed verification on `today`, and the rate in per cent (one grouped query). Fuel
    dispensers first, then the catalogue's order."""
    today = today or timezone.localdate()
    instruments = Instrument.objects.supervised()
    if category_code:
        instruments = instruments.filter(category__code=category_code)
    if district_id is not None:
        instruments = instruments.filter(district_id=district_id)
    fields = []
    if "category" in by:
        fields += ["category_id", "category__name", "category__order"]
    if "district" in by:
        fields += ["district_id", "district__name"]
    rows = (
        instruments.values(*fields)
        .annotate(total=Count("pk"), valid=Count("pk", filter=~not_for_trade_condition(today)))
        .order_by(*[name for name in ("category__order", "category_id", "district__name") if name in fields])
    )
    result = []
    for row in rows:
        row["rate"] = round(100 * row["valid"] / row["total"], 1) if row["total"] else None
        result.append(row)
    return result


def instruments_of_enterprise(enterprise_id: int) -> QuerySet[Instrument]:
    """An enterprise's instruments, for its file."""
    return Instrument.objects.filter(enterprise_id=enterprise_id).select_related("category")


def due_by_district_and_category(*, today: datetime.date | None = None) -> list[dict]:
    """For each district and category with supervised instruments: how many are due within the reminder period,
    overdue and failed (one grouped query); the staff's due overview."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.METROLOGY_DUE_SOON_DAYS)
    failed = Q(last_result=VerificationResult.FAILED)
    return list(
        Instrument.objects.supervised()
        .values("district_id", "district__name", "category__code", "category__name", "category__order")
        .annotate(
            total=Count("pk"),
            due_soon=Count("pk", filter=Q(next_due_on__gte=today, next_due_on__lte=soon) & ~failed),
            overdue=Count("pk", filter=Q(next_due_on__lt=today) & ~failed),
            failed=Count("pk", filter=failed),
        )
        .order_by("district__name", "category__order", "category__code")
    )


def lab_samples(user):
    """The samples waiting at this technician's laboratories of net-content campaigns (blind: by code)."""
    from inspections.choices import CampaignKind
    from inspections.selectors import lab_queue

    return lab_queue(user).filter(task__campaign__kind=CampaignKind.NET_CONTENT)


def net_content_plans() -> list[dict]:
    """JJF 1070's sampling plans, as the entry page shows them."""
    from metrology.netcontent import tables

    return tables()["sampling_plans"]


def failed_net_content_tests():
    """Every failed net-content lot (the credit indicator and the report count them)."""
    return NetContentTest.objects.filter(passed=False)
