"""Reads of the standardization app: the worklists (products executing an abolished or replaced standard, products
without a declared standard, declarations to check), the public's search, and the yearly achievement the leaders'
dashboard and the quality report show (analysis reads these)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from enterprises import selectors as enterprise_selectors
from enterprises.choices import OUTDATED_STANDARD_STATUSES, EnterpriseStatus, StandardKind
from standards.choices import ProjectRole, ProjectStage, TargetMeasure
from standards.models import CatalogueLoad, Declaration, StandardProject, YearTarget

DECLARED_KINDS = (StandardKind.ENTERPRISE, StandardKind.GROUP)


def standard_model():
    return enterprise_selectors.standards().model


def product_standards():
    """The through table of Product.standards: one row per product and standard it executes."""
    return enterprise_selectors.products().model.standards.through.objects


def catalogue() -> QuerySet:
    return enterprise_selectors.standards().select_related("successor", "owner")


def outdated_executions(*, enterprise_id: int | None = None) -> QuerySet:
    """(product, standard) rows where a product on file executes an abolished or replaced standard: the staff's
    worklist, and an enterprise's own warnings. Starts from the few outdated standards, so it stays fast over
    hundreds of thousands of products (bench/standards.py)."""
    rows = product_standards().filter(
        standard__status__in=OUTDATED_STANDARD_STATUSES, product__discontinued_on__isnull=True
    )
    if enterprise_id is not None:
        rows = rows.filter(product__enterprise_id=enterprise_id)
    return rows.select_related("product__enterprise", "standard__successor").order_by("standard_id", "product_id")


def _undeclared_condition() -> Q:
    """A product with no standard at all, or one executing an enterprise or group standard its enterprise has not
    self-declared (an active declaration)."""
    executes = product_standards().filter(product_id=OuterRef("pk"))
    declared = Declaration.objects.filter(
        enterprise_id=OuterRef("product__enterprise_id"), standard_id=OuterRef("standard_id"), withdrawn_on__isnull=True
    )
    undeclared = executes.filter(standard__kind__in=DECLARED_KINDS).exclude(Exists(declared))
    return ~Exists(executes) | Exists(undeclared)


def undeclared_products(*, enterprise_id: int | None = None) -> QuerySet:
    products = enterprise_selectors.products().filter(discontinued_on__isnull=True).filter(_undeclared_condition())
    if enterprise_id is not None:
        products = products.filter(enterprise_id=enterprise_id)
    return products.select_related("enterprise").order_by("enterprise_id", "pk")


def declarations_to_check() -> QuerySet[Declaration]:
    return Declaration.objects.to_check().select_related("enterprise", "standard", "claimed_standard")


def declarations_visible(user) -> QuerySet[Declaration]:
    return Declaration.objects.visible_to(user).select_related("enterprise", "standard", "claimed_standard")


def public_declarations() -> QuerySet[Declaration]:
    """The city's self-declared enterprise and group standards, as the public searches them."""
    return (
        Declaration.objects.active()
        .filter(enterprise__status=EnterpriseStatus.ACTIVE)
        .select_related("enterprise", "standard")
        .order_by("-declared_on", "-pk")
    )


def public_led_projects() -> QuerySet[StandardProject]:
    """Published standards led by local enterprises and bodies."""
    return StandardProject.objects.filter(role=ProjectRole.LEAD, stage=ProjectStage.PUBLISHED).select_related(
        "enterprise", "district"
    )


def enterprise_warning_counts(enterprise_id: int) -> dict[str, int]:
    """An enterprise's own warnings: products executing an outdated standard, products without a declared
    standard, declarations staff found below the national standard. Three queries."""
    return {
        "outdated": outdated_executions(enterprise_id=enterprise_id).count(),
        "undeclared": undeclared_products(enterprise_id=enterprise_id).count(),
        "below": Declaration.objects.active().filter(enterprise_id=enterprise_id, check_outcome="below").count(),
    }


def last_loads(limit: int = 5) -> list[CatalogueLoad]:
    return list(CatalogueLoad.objects.select_related("loaded_by")[:limit])


# Read by analysis


def achievement(year: int) -> list[dict]:
    """For each measure: the city's target and achievement in `year`, and by district ([{measure, label, target,
    achieved, districts: [{district, target, achieved}]}]). A handful of queries whatever the data."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    published = (
        StandardProject.objects.filter(stage=ProjectStage.PUBLISHED, published_on__range=(start, end))
        .values_list("district")
        .annotate(
            led=Count("pk", filter=Q(role=ProjectRole.LEAD)), joined=Count("pk", filter=Q(role=ProjectRole.PARTICIPANT))
        )
        .order_by()
    )
    by_district: dict[str, dict[int, int]] = {TargetMeasure.LED: {}, TargetMeasure.JOINED: {}}
    for district_id, led, joined in published:
        by_district[TargetMeasure.LED][district_id] = led
        by_district[TargetMeasure.JOINED][district_id] = joined
    totals = {measure: sum(by_district[measure].values()) for measure in by_district}
    declarations = (
        Declaration.objects.filter(declared_on__range=(start, end), standard__kind=StandardKind.ENTERPRISE)
        .values_list("enterprise__district")
        .annotate(n=Count("pk"))
    )
    by_district[TargetMeasure.DECLARATIONS] = dict(declarations.order_by())
    totals[TargetMeasure.DECLARATIONS] = sum(by_district[TargetMeasure.DECLARATIONS].values())
    targets = {(t.measure, t.district_id): t.target for t in YearTarget.objects.filter(year=year)}
    districts = list(enterprise_selectors.districts())
    result = []
    for measure, label in TargetMeasure.choices:
        if measure not in totals:
            continue
        result.append(
            {
                "measure": measure,
                "label": label,
                "target": targets.get((measure, None)),
                "achieved": totals[measure],
                "districts": [
                    {
                        "district": district,
                        "target": targets.get((measure, district.pk)),
                        "achieved": by_district[measure].get(district.pk, 0),
                    }
                    for district in districts
                ],
            }
        )
    return result


def achievement_by_industry(year: int) -> list[dict]:
    """Standards led and joined (published in `year`) by industry: [{industry, led, joined}], most first."""
    rows = (
        StandardProject.objects.filter(stage=ProjectStage.PUBLISHED, published_on__year=year, industry__isnull=False)
        .values("industry__code", "industry__name")
        .annotate(
            led=Count("pk", filter=Q(role=ProjectRole.LEAD)), joined=Count("pk", filter=Q(role=ProjectRole.PARTICIPANT))
        )
        .order_by("-led", "-joined", "industry__code")
    )
    return [
        {"industry": f"{r['industry__code']} {r['industry__name']}", "led": r["led"], "joined": r["joined"]}
        for r in rows
    ]


def standards_led_count(enterprise_id: int, *, since: datetime.date | None = None) -> int:
    """Standards an enterprise led to publication (brands' eligibility rule counts them)."""
    rows = StandardProject.objects.filter(
        enterprise_id=enterprise_id, role=ProjectRole.LEAD, stage=ProjectStage.PUBLISHED
    )
    if since is not None:
        rows = rows.filter(published_on__gte=since)
    return rows.count()
