"""Reads over the enterprise register. Callers pass the user so every read goes through `visible_to`."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.credit_code import normalise_credit_code
from enterprises.choices import ABOLISHED_LICENCE_KINDS, EnterpriseStatus, Scale
from enterprises.filtersets import EnterpriseFilterSet
from enterprises.models import (
    District,
    Enterprise,
    Licence,
    Penalty,
    Product,
    ResponsibilityArea,
    SelfReport,
    Standard,
    expired_condition,
    expiring_condition,
)
from enterprises.services import self_report_due_on


def register_queryset(user) -> QuerySet[Enterprise]:
    """The register as this user may see it, with what the list shows: names of related rows and the date the
    enterprise's next licence expires (a correlated subquery, so only the rows of the page pay for it)."""
    next_expiry = (
        Licence.objects.filter(enterprise=OuterRef("pk"))
        .exclude(kind__in=ABOLISHED_LICENCE_KINDS)  # an abolished licence does not expire: it is no longer issued
        .order_by("expires_on")
        .values("expires_on")[:1]
    )
    return (
        Enterprise.objects.visible_to(user)
        .select_related("district", "area", "industry")
        .annotate(next_expiry=Subquery(next_expiry))
    )


def licence_expiry_counts(*, enterprises: QuerySet[Enterprise], today: datetime.date) -> dict[str, int]:
    """How many licences of these enterprises have expired, or expire within 30 and 90 days."""
    licences = Licence.objects.filter(enterprise__in=enterprises)
    return licences.aggregate(
        expired=Count("pk", filter=expired_condition(today=today)),
        within_30=Count("pk", filter=expiring_condition(30, today=today)),
        within_90=Count("pk", filter=expiring_condition(90, today=today)),
    )


def licences_expiring(*, enterprises: QuerySet[Enterprise], today: datetime.date, days: int = 90):
    return (
        Licence.objects.filter(enterprise__in=enterprises)
        .expiring_within(days, today=today)
        .select_related("enterprise")
        .order_by("expires_on", "pk")
    )


def district_summary() -> QuerySet[District]:
    return District.objects.annotate(
        enterprise_count=Count("enterprises", distinct=True),
        above_scale_count=Count("enterprises", filter=Q(enterprises__scale=Scale.ABOVE), distinct=True),
    ).order_by("code")


def areas_of_officer(user) -> QuerySet[ResponsibilityArea]:
    return (
        ResponsibilityArea.objects.filter(officer=user)
        .select_related("district")
        .annotate(enterprise_count=Count("enterprises"))
    )


def licence_worklist(*, officer=None, today: datetime.date | None = None) -> QuerySet[Licence]:
    """Licences that have expired or expire within 90 days, of enterprises still on file; optionally only those
    in the responsibility areas of one officer. Soonest first."""
    today = today or timezone.localdate()
    licences = (
        Licence.objects.filter(expires_on__lte=today + datetime.timedelta(days=90))
        .exclude(enterprise__status=EnterpriseStatus.CLOSED)
        .exclude(kind__in=ABOLISHED_LICENCE_KINDS)
        .select_related("enterprise__area__officer", "enterprise__district")
        .order_by("expires_on", "pk")
    )
    return licences.filter(enterprise__area__officer=officer) if officer else licences


def pending_self_report(enterprise: Enterprise, *, today: datetime.date) -> tuple[int, int, datetime.date] | None:
    """The last finished quarter, if the enterprise has not yet filed its report: (year, quarter, due date)."""
    year, quarter = last_finished_quarter(today)
    if SelfReport.objects.filter(enterprise=enterprise, year=year, quarter=quarter).exists():
        return None
    return year, quarter, self_report_due_on(year, quarter)


def last_finished_quarter(today: datetime.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3  # 0 means the fourth quarter of last year
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def missing_self_reports(*, today: datetime.date) -> tuple[int, int, datetime.date, QuerySet[Enterprise]]:
    """Active enterprises that have not filed the report of the last finished quarter, once it is overdue."""
    year, quarter = last_finished_quarter(today)
    due_on = self_report_due_on(year, quarter)
    if today <= due_on:
        return year, quarter, due_on, Enterprise.objects.none()
    filed = SelfReport.objects.filter(enterprise=OuterRef("pk"), year=year, quarter=quarter)
    missing = (
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
        .exclude(Exists(filed))
        .select_related("district", "area__officer")
        .order_by("district__code", "name", "pk")
    )
    return year, quarter, due_on, missing


# Read by inspections, portal and analysis


def enterprises_on_file() -> QuerySet[Enterprise]:
    """Every enterprise on file, for a caller that narrows the set itself (the public portal to what is published)
    or declares a field over enterprises and narrows it per request."""
    return Enterprise.objects.all()


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """The enterprises this user may see (Enterprise.objects.visible_to), without what the register list adds."""
    return Enterprise.objects.visible_to(user)


def enterprise_by_credit_code(code: str) -> Enterprise | None:
    """The enterprise with this unified social credit code (read through normalise_credit_code), or None."""
    return Enterprise.objects.filter(credit_code=normalise_credit_code(code)).first()


def register_filter_form(data: dict | None = None) -> forms.Form:
    """The register's filter form (EnterpriseFilterSet's), bound to `data` when given: its fields let a campaign
    choose its eligible pool with the register's own filters, and its validation checks stored pool filters."""
    return EnterpriseFilterSet(data, queryset=Enterprise.objects.none()).form


def enterprise_pool(filters: dict) -> QuerySet[Enterprise]:
    """A campaign's eligible pool: the active enterprises matching the register filters `filters` (as the filter
    form reads them back), unordered. ValidationError with the filters' errors when they are not valid."""
    filterset = EnterpriseFilterSet(filters, queryset=Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs.order_by()


def current_products(*, enterprises: QuerySet[Enterprise] | Enterprise) -> QuerySet[Product]:
    """The products on file, not discontinued, of one enterprise or of a set of them (such as those a user may
    see): what a sampling record may name."""
    if isinstance(enterprises, Enterprise):
        return Product.objects.filter(enterprise=enterprises, discontinued_on__isnull=True)
    return Product.objects.filter(enterprise__in=enterprises, discontinued_on__isnull=True)


def standards() -> QuerySet[Standard]:
    """Every standard on file (test items name theirs by code)."""
    return Standard.objects.all()


def districts() -> QuerySet[District]:
    """Every district, in the model's order (the dashboard and the report narrow to one)."""
    return District.objects.all()


# Read by credit, brands and complaints


def enterprise_visible_or_404(user, pk: int) -> Enterprise:
    """The enterprise (with its district) if this user may see it; else 404, as if it did not exist."""
    return get_object_or_404(enterprises_visible_to(user).select_related("district"), pk=pk)


def products() -> QuerySet[Product]:
    """Every product on file: the choices a field starts from before it is narrowed (to an enterprise's, say)."""
    return Product.objects.all()


def products_visible(user) -> QuerySet[Product]:
    """The products of the enterprises this user may see."""
    return Product.objects.filter(enterprise__in=enterprises_visible_to(user))


def licence_kinds(enterprise_id: int, *, valid_on: datetime.date | None = None) -> set[str]:
    """The kinds of licence the enterprise holds; with `valid_on`, only those valid that day (neither expired nor
    revoked). A licence of an abolished kind is neither held nor lacking. One query."""
    licences = Licence.objects.filter(enterprise_id=enterprise_id).exclude(kind__in=ABOLISHED_LICENCE_KINDS)
    if valid_on is not None:
        licences = licences.filter(revoked_on__isnull=True, expires_on__gte=valid_on)
    return set(licences.values_list("kind", flat=True))


# Read by credit (the serious-dishonesty list rests on a heavier administrative penalty)


def heavier_penalties(enterprise_id: int) -> QuerySet[Penalty]:
    """The enterprise's heavier administrative penalties (较重行政处罚), newest first."""
    return Penalty.objects.filter(enterprise_id=enterprise_id, is_heavier=True).order_by("-decided_on", "-pk")


def penalty_by_decision_number(enterprise_id: int, decision_number: str) -> Penalty | None:
    """The enterprise's penalty with this decision number (surrounding spaces ignored), or None."""
    return Penalty.objects.filter(enterprise_id=enterprise_id, decision_number=decision_number.strip()).first()
