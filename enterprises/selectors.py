"""Reads over the enterprise register. Callers pass the user so every read goes through `visible_to`."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from enterprises.choices import EnterpriseStatus, Scale
from enterprises.models import (
    District,
    Enterprise,
    Licence,
    Product,
    ResponsibilityArea,
    SelfReport,
    expired_condition,
    expiring_condition,
)
from enterprises.services import self_report_due_on


def register_queryset(user) -> QuerySet[Enterprise]:
    """The register as this user may see it, with what the list shows: names of related rows and the date the
    enterprise's next licence expires (a correlated subquery, so only the rows of the page pay for it)."""
    next_expiry = Licence.objects.filter(enterprise=OuterRef("pk")).order_by("expires_on").values("expires_on")[:1]
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


# Read by credit, brands, complaints, inspections and analysis (their forms and filters)
def districts() -> QuerySet[District]:
    """Every district, in the register's order (lazy: safe to name in a form or filter class)."""
    return District.objects.all()


def enterprises_by_code(user=None) -> QuerySet[Enterprise]:
    """The enterprises a credit code may name: every one on file, or those this user may see when given."""
    return Enterprise.objects.all() if user is None else Enterprise.objects.visible_to(user)


def products() -> QuerySet[Product]:
    """Every product on file; forms narrow it to an enterprise's."""
    return Product.objects.all()


def register_filterset(data: dict | None = None):
    """The register list's FilterSet over no rows: its form offers and checks the register filters (a campaign's
    eligible pool is stored as these filters)."""
    from enterprises.filtersets import EnterpriseFilterSet  # the filterset reads this module's models

    return EnterpriseFilterSet(data, queryset=Enterprise.objects.none())
