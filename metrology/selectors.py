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


def _named(rows: list[dict]) -> list[dict]:
    """Add the category's and district's names (and the category's order) to grouped rows keyed by their ids: two
    small reads, so the grouped scan itself joins nothing."""
    from enterprises.selectors import districts

    category_ids = {row["category_id"] for row in rows if "category_id" in row}
    district_ids = {row["district_id"] for row in rows if "district_id" in row}
    found = InstrumentCategory.objects.filter(pk__in=category_ids).values_list("pk", "code", "name", "order")
    names = {pk: (code, name, order) for pk, code, name, order in found}
    places = dict(districts().filter(pk__in=district_ids).values_list("pk", "name")) if district_ids else {}
    for row in rows:
        if "category_id" in row:
            row["category__code"], row["category__name"], row["category__order"] = names[row["category_id"]]
        if "district_id" in row:
            row["district__name"] = places.get(row["district_id"], "")
    return rows


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(
        rows,
        key=lambda row: (row.get("category__order", 0), row.get("category__code", ""), row.get("district__name", "")),
    )


def verification_rates(
    *,
    today: datetime.date | None = None,
    by: tuple[str, ...] = ("category", "district"),
    category_code: str | None = None,
    district_id: int | None = None,
) -> list[dict]:
    """The verification rate of the supervised instruments grouped `by` category and/or district: how many there
    are, how many hold a valid passed verification on `today`, and the rate in per cent (one grouped query over the
    instruments alone, then the names). Fuel dispensers first, then the catalogue's order."""
    today = today or timezone.localdate()
    instruments = Instrument.objects.supervised()
    if category_code:
        category = InstrumentCategory.objects.filter(code=category_code).first()
        instruments = instruments.filter(category=category) if category else instruments.none()
    if district_id is not None:
        instruments = instruments.filter(district_id=district_id)
    fields = [name for key, name in (("category", "category_id"), ("district", "district_id")) if key in by]
    rows = list(
        instruments.values(*fields)
        .annotate(total=Count("pk"), valid=Count("pk", filter=~not_for_trade_condition(today)))
        .order_by()
    )
    for row in rows:
        row["rate"] = round(100 * row["valid"] / row["total"], 1) if row["total"] else None
    return _sorted(_named(rows))


def instruments_of_enterprise(enterprise_id: int) -> QuerySet[Instrument]:
    """An enterprise's instruments, for its file."""
    return Instrument.objects.filter(enterprise_id=enterprise_id).select_related("category")


def due_by_district_and_category(*, today: datetime.date | None = None) -> list[dict]:
    """For each district and category with supervised instruments: how many are due within the reminder period,
    overdue and failed (one grouped query, then the names); the staff's due overview."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.METROLOGY_DUE_SOON_DAYS)
    failed = Q(last_result=VerificationResult.FAILED)
    rows = list(
        Instrument.objects.supervised()
        .values("district_id", "category_id")
        .annotate(
            total=Count("pk"),
            due_soon=Count("pk", filter=Q(next_due_on__gte=today, next_due_on__lte=soon) & ~failed),
            overdue=Count("pk", filter=Q(next_due_on__lt=today) & ~failed),
            failed=Count("pk", filter=failed),
        )
        .order_by()
    )
    return sorted(_named(rows), key=lambda row: (row["district__name"], row["category__order"], row["category__code"]))


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
