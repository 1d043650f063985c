"""The leaders' dashboard: every figure is a grouped query, so the number of queries does not grow with the data.

Pass rates read the result summary (analysis.ResultSummary, a few thousand rows for a million results); grades,
follow-ups, warnings and complaints are read live from their own small grouped queries. Each section's tables are
shown as HTML tables, drawn as charts and exported to .xlsx (analysis.tables)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from analysis.models import ResultSummary
from analysis.quarters import Quarter, during_quarters, in_quarters, quarters_between
from analysis.services import SUMMARY_JOB
from analysis.tables import COUNT, PERCENT, TEXT, Chart, Column, Series, Table, pass_rate, share
from complaints.choices import ComplaintKind
from complaints.selectors import all_complaints, overdue_complaints
from core.models import JobRun
from credit.choices import Grade, WarningKind
from credit.selectors import grade_changes, grades, open_warnings
from equipment.selectors import equipment_rates, equipment_rates_total
from inspections.choices import FollowUpStage
from inspections.selectors import follow_up_overdue_conditions, open_follow_ups
from metrology.selectors import verification_rates
from standards.selectors import achievement as standards_achievement

DEFAULT_QUARTERS = 8
GRADE_CHANGE_DAYS = 90
HOT_SPOTS = 10  # products named most often in complaints
GRADE_RANK = {Grade.A: 3, Grade.B: 2, Grade.C: 1}
NO_DISTRICT = "—"


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard is narrowed to: a range of quarters (for results and complaints) and a district (for
    everything)."""

    start: Quarter
    end: Quarter
    district: Model | None = None  # an enterprises.District

    @classmethod
    def default(cls, today: datetime.date, district: Model | None = None) -> "DashboardFilters":
        end = Quarter.of(today)
        return cls(start=end.shifted(1 - DEFAULT_QUARTERS), end=end, district=district)

    @property
    def quarters(self) -> list[Quarter]:
        return quarters_between(self.start, self.end)


@dataclass(frozen=True)
class Stat:
    """A headline number above a section."""

    key: str
    label: str | Promise
    value: int | float | None
    kind: str = COUNT
    tone: str = ""  # "", "warn" or "danger"


@dataclass
class Section:
    key: str
    title: str | Promise
    tables: list[Table]
    stats: list[Stat] = field(default_factory=list)
    note: str | Promise = ""


@dataclass
class Dashboard:
    filters: DashboardFilters
    sections: list[Section]
    summary_as_of: datetime.datetime | None  # when the result summary was last rebuilt; None: never
    generated_at: datetime.datetime

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def chart_data(self) -> list[dict]:
        return [data for table in self.tables if (data := table.chart_data()) is not None]


def dashboard(filters: DashboardFilters, *, now: datetime.datetime | None = None) -> Dashboard:
    """Every section of the dashboard: about a dozen queries whatever the number of enterprises and results."""
    now = now or timezone.now()
    return Dashboard(
        filters=filters,
        sections=[
            pass_rate_section(filters),
            credit_section(filters, now=now),
            follow_up_section(filters, today=timezone.localdate(now)),
            warning_section(filters),
            complaint_section(filters, today=timezone.localdate(now)),
            standards_section(filters),
            equipment_section(filters, today=timezone.localdate(now)),
            metrology_section(filters, today=timezone.localdate(now)),
        ],
        summary_as_of=summary_as_of(),
        generated_at=now,
    )


def summary_as_of() -> datetime.datetime | None:
    """When the last successful rebuild of the result summary started: it holds the results final by then."""
    run = JobRun.objects.filter(name=SUMMARY_JOB, status=JobRun.Status.SUCCEEDED).order_by("-started_at").first()
    return run.started_at if run else None


# Pass rates of final spot-check results


RESULT_COLUMNS = [
    Column("tested", _("Tested")),
    Column("nonconforming", _("Nonconforming")),
    Column("refused", _("Refused sampling")),
    Column("failed", pgettext_lazy("dashboard", "Failed")),
    Column("pass_rate", _("Pass rate (%)"), PERCENT),
]
RESULT_SUMS = {"tested": Sum("tested"), "nonconforming": Sum("nonconforming"), "refused": Sum("refused")}
COUNTS_AND_RATE = (Series("tested"), Series("pass_rate", type="line", axis=1))


def _summary(filters: DashboardFilters) -> QuerySet[ResultSummary]:
    rows = ResultSummary.objects.filter(in_quarters(filters.start, filters.end))
    if filters.district is not None:
        rows = rows.filter(district=filters.district)
    return rows.order_by()


def _rated(row: dict) -> dict:
    tested, nonconforming, refused = row.get("tested") or 0, row.get("nonconforming") or 0, row.get("refused") or 0
    failed = nonconforming + refused
    return {
        **row,
        "tested": tested,
        "nonconforming": nonconforming,
        "refused": refused,
        "failed": failed,
        "pass_rate": pass_rate(tested, failed),
    }


def _total(rows: list[dict], label: str | Promise, keys: list[str]) -> dict:
    """The totals row of a few grouped rows (one per district or industry)."""
    return {"label": label, **{key: sum(row.get(key) or 0 for row in rows) for key in keys}}


def pass_rate_section(filters: DashboardFilters) -> Section:
    """Pass rates of final routine results by industry (the product category), by district and by quarter: three
    grouped reads of the summary."""
    summary = _summary(filters)
    by_industry = [
        _rated({"label": f"{row['industry__code']} {row['industry__name']}", **row})
        for row in summary.values("industry__code", "industry__name").annotate(**RESULT_SUMS)
    ]
    by_industry.sort(key=lambda row: (row["pass_rate"], -row["tested"], row["label"]))  # the weakest first; all tested
    by_district = [
        _rated({"label": row["district__name"], **row})
        for row in summary.values("district__code", "district__name").annotate(**RESULT_SUMS).order_by("district__code")
    ]
    counted = {
        Quarter(row["year"], row["quarter"]): row for row in summary.values("year", "quarter").annotate(**RESULT_SUMS)
    }
    by_quarter = [_rated({"label": quarter.label, **counted.get(quarter, {})}) for quarter in filters.quarters]
    total = _rated(_total(by_quarter, pgettext_lazy("dashboard", "Total"), ["tested", "nonconforming", "refused"]))
    tables = [
        Table(
            key="pass_by_quarter",
            title=_("Pass rate by quarter"),
            columns=[Column("label", _("Quarter"), TEXT), *RESULT_COLUMNS],
            rows=by_quarter,
            total=total,
            chart=Chart("cartesian", COUNTS_AND_RATE),
        ),
        Table(
            key="pass_by_district",
            title=_("Pass rate by district"),
            columns=[Column("label", _("District"), TEXT), *RESULT_COLUMNS],
            rows=by_district,
            total=total,
            chart=Chart("cartesian", COUNTS_AND_RATE),
            empty=_("No final result in these quarters."),
        ),
        Table(
            key="pass_by_industry",
            title=_("Pass rate by industry (product category)"),
            columns=[Column("label", _("Industry"), TEXT), *RESULT_COLUMNS],
            rows=by_industry,
            total=total,
            chart=Chart("cartesian", (Series("pass_rate", axis=1),), horizontal=True),
            note=_("Weakest first."),
            empty=_("No final result in these quarters."),
        ),
    ]
    stats = [
        Stat("tested", _("Results tested"), total["tested"]),
        Stat("failed", pgettext_lazy("dashboard", "Failed"), total["failed"], tone="danger" if total["failed"] else ""),
        Stat("pass_rate", _("Pass rate"), total["pass_rate"], PERCENT),
    ]
    note = _(
        "Final results of routine spot checks (re-checks left out), by the quarter the result became final. "
        "Nonconforming and refused sampling both count as failed."
    )
    return Section("results", _("Spot-check pass rates"), tables, stats, note)


# Credit grades and their change

RAISED, LOWERED, FIRST_GRADED = 0, 1, 2


def _direction(move: dict) -> dict:
    before, after = move["previous_grade"], move["grade"]
    if not before:
        return {"rank": FIRST_GRADED, "direction": _("First graded")}
    if GRADE_RANK[after] > GRADE_RANK[before]:
        return {"rank": RAISED, "direction": pgettext_lazy("dashboard", "Raised")}
    return {"rank": LOWERED, "direction": _("Lowered")}


def credit_section(filters: DashboardFilters, *, now: datetime.datetime) -> Section:
    """The grade distribution now and GRADE_CHANGE_DAYS ago, and the changes in between: two grouped queries.
    The distribution then is the one now with each change in the period undone."""
    graded = grades().order_by()
    changes = (
        grade_changes()
        .filter(at__gte=now - datetime.timedelta(days=GRADE_CHANGE_DAYS))
        .exclude(previous_grade=F("grade"))
    )
    if filters.district is not None:
        graded = graded.filter(enterprise__district=filters.district)
        changes = changes.filter(enterprise__district=filters.district)
    current = {row["grade"]: row["n"] for row in graded.values("grade").annotate(n=Count("pk"))}
    moves = list(changes.order_by().values("previous_grade", "grade").annotate(n=Count("pk")))
    labels = dict(Grade.choices)
    distribution = []
    for grade in Grade.values:
        arrived = sum(move["n"] for move in moves if move["grade"] == grade)
        left = sum(move["n"] for move in moves if move["previous_grade"] == grade)
        now_count = current.get(grade, 0)
        distribution.append(
            {"label": labels[grade], "grade": grade, "then": now_count - arrived + left, "now": now_count}
        )
    graded = sum(row["now"] for row in distribution)
    for row in distribution:
        row["change"] = row["now"] - row["then"]
        row["share"] = share(row["now"], graded)
    total = _total(distribution, pgettext_lazy("dashboard", "Total"), ["then", "now", "change"]) | {
        "share": 100.0 if graded else None
    }

    transitions = sorted(
        (
            {"label": f"{move['previous_grade'] or '–'} → {move['grade']}", "n": move["n"], **_direction(move)}
            for move in moves
        ),
        key=lambda row: (row["rank"], row["label"]),
    )
    raised = sum(row["n"] for row in transitions if row["rank"] == RAISED)
    lowered = sum(row["n"] for row in transitions if row["rank"] == LOWERED)
    days = GRADE_CHANGE_DAYS
    tables = [
        Table(
            key="grades",
            title=_("Credit grade distribution"),
            columns=[
                Column("label", _("Grade"), TEXT),
                Column("then", _("%(days)d days ago") % {"days": days}),
                Column("now", _("Now")),
                Column("change", _("Change")),
                Column("share", _("Share now (%)"), PERCENT),
            ],
            rows=distribution,
            total=total,
            chart=Chart("cartesian", (Series("then"), Series("now"))),
        ),
        Table(
            key="grade_changes",
            title=_("Grade changes in the last %(days)d days") % {"days": days},
            columns=[
                Column("label", _("Change"), TEXT),
                Column("direction", _("Direction"), TEXT),
                Column("n", _("Changes")),
            ],
            rows=transitions,
            total={
                "label": pgettext_lazy("dashboard", "Total"),
                "direction": "",
                "n": sum(row["n"] for row in transitions),
            },
            chart=Chart("cartesian", (Series("n"),), horizontal=True),
            empty=_("No grade changed in this period."),
        ),
    ]
    stats = [
        Stat("graded", _("Graded enterprises"), graded),
        Stat("grade_c", _("Grade C"), current.get(Grade.C, 0), tone="danger" if current.get(Grade.C) else ""),
        Stat("raised", _("Grades raised (%(days)d days)") % {"days": days}, raised),
        Stat("lowered", _("Grades lowered (%(days)d days)") % {"days": days}, lowered, tone="warn" if lowered else ""),
    ]
    note = _("Current grades; the distribution %(days)d days ago is the current one with the changes since undone.")
    return Section("credit", _("Credit grades"), tables, stats, note % {"days": days})


# Follow-ups and their deadlines


def follow_up_section(filters: DashboardFilters, *, today: datetime.date) -> Section:
    """Open follow-ups by district and stage, with the overdue steps: one grouped query."""
    follow_ups = open_follow_ups()
    if filters.district is not None:
        follow_ups = follow_ups.filter(enterprise__district=filters.district)
    report_late, recheck_late = follow_up_overdue_conditions(today)
    stages = [FollowUpStage.RECTIFYING, FollowUpStage.FIRST_RECHECK, FollowUpStage.SECOND_RECHECK]
    rows = [
        {"label": row.pop("enterprise__district__name"), **row}
        for row in follow_ups.values("enterprise__district__code", "enterprise__district__name")
        .annotate(
            open=Count("pk"),
            report_overdue=Count("pk", filter=report_late),
            recheck_overdue=Count("pk", filter=recheck_late),
            **{stage: Count("pk", filter=Q(stage=stage)) for stage in stages},
        )
        .order_by("enterprise__district__code")
    ]
    keys = ["open", *stages, "report_overdue", "recheck_overdue"]
    total = _total(rows, pgettext_lazy("dashboard", "Total"), keys)
    table = Table(
        key="follow_ups",
        title=_("Open follow-ups by district"),
        columns=[
            Column("label", _("District"), TEXT),
            Column("open", _("Open")),
            *[Column(stage, FollowUpStage(stage).label) for stage in stages],
            Column("report_overdue", _("Rectification report overdue")),
            Column("recheck_overdue", _("Re-check overdue")),
        ],
        rows=rows,
        total=total,
        chart=Chart(
            "cartesian",
            (
                *[Series(stage, stack="stage") for stage in stages],
                Series("report_overdue", stack="overdue"),
                Series("recheck_overdue", stack="overdue"),
            ),
        ),
        empty=_("No open follow-up."),
    )
    stats = [
        Stat("open_follow_ups", _("Open follow-ups"), total["open"]),
        Stat(
            "report_overdue",
            _("Rectification reports overdue"),
            total["report_overdue"],
            tone="danger" if total["report_overdue"] else "",
        ),
        Stat(
            "recheck_overdue",
            _("Re-checks overdue"),
            total["recheck_overdue"],
            tone="warn" if total["recheck_overdue"] else "",
        ),
    ]
    note = _("Follow-ups open today, whatever the quarters chosen.")
    return Section("follow_ups", _("Follow-ups and deadlines"), [table], stats, note)


# Risk warnings


def warning_section(filters: DashboardFilters) -> Section:
    """Open risk warnings by kind and by district (an area warning's district, or the enterprise's): two grouped
    queries."""
    warnings = open_warnings().order_by()
    if filters.district is not None:
        warnings = warnings.filter(Q(district=filters.district) | Q(enterprise__district=filters.district))
    counted = {row["kind"]: row["n"] for row in warnings.values("kind").annotate(n=Count("pk"))}
    by_kind = [{"label": label, "n": counted.get(kind, 0)} for kind, label in WarningKind.choices]
    kinds = WarningKind.values
    by_district = [
        {"label": row["name"] or NO_DISTRICT, **row}
        for row in warnings.values(
            code=Coalesce("district__code", "enterprise__district__code"),
            name=Coalesce("district__name", "enterprise__district__name"),
        )
        .annotate(n=Count("pk"), **{kind: Count("pk", filter=Q(kind=kind)) for kind in kinds})
        .order_by("code")
    ]
    tables = [
        Table(
            key="warnings_by_kind",
            title=_("Open warnings by kind"),
            columns=[Column("label", _("Kind"), TEXT), Column("n", _("Open"))],
            rows=by_kind,
            total=_total(by_kind, pgettext_lazy("dashboard", "Total"), ["n"]),
            chart=Chart("pie", (Series("n"),)),
        ),
        Table(
            key="warnings_by_district",
            title=_("Open warnings by district"),
            columns=[
                Column("label", _("District"), TEXT),
                *[Column(kind, label) for kind, label in WarningKind.choices],
                Column("n", _("Open")),
            ],
            rows=by_district,
            total=_total(by_district, pgettext_lazy("dashboard", "Total"), [*kinds, "n"]),
            chart=Chart("cartesian", tuple(Series(kind, stack="kind") for kind in kinds)),
            empty=_("No open warning."),
        ),
    ]
    open_total = sum(row["n"] for row in by_kind)
    stats = [Stat("open_warnings", _("Open warnings"), open_total, tone="warn" if open_total else "")]
    return Section("warnings", _("Risk warnings"), tables, stats, _("Warnings open today, not yet acknowledged."))


# Complaints and tips


def complaint_tables(filters: DashboardFilters) -> list[Table]:
    """Complaint volume by quarter and kind, and the hot spots (districts, most-named products), for the quarters
    chosen: three grouped queries."""
    complaints = all_complaints().filter(during_quarters(filters.start, filters.end, "received_at")).order_by()
    if filters.district is not None:  # where the complainant said, or where the enterprise found is
        complaints = complaints.filter(Q(district=filters.district) | Q(enterprise__district=filters.district))
    kinds = [f"kind_{kind}" for kind in ComplaintKind.values]  # prefixed: never a field's name
    by_kind = {f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in ComplaintKind.values}
    local = timezone.get_default_timezone()
    per_quarter = list(
        complaints.values(
            year=ExtractYear("received_at", tzinfo=local), quarter=ExtractQuarter("received_at", tzinfo=local)
        ).annotate(n=Count("pk"), **by_kind)
    )
    per_district = list(
        complaints.values("district__code", "district__name")
        .annotate(n=Count("pk"), **by_kind)
        .order_by("-n", "district__code")
    )
    per_product = list(
        complaints.values("product_name").annotate(n=Count("pk")).order_by("-n", "product_name")[:HOT_SPOTS]
    )
    kind_columns = [Column(f"kind_{kind}", label) for kind, label in ComplaintKind.choices]
    counted = {Quarter(row["year"], row["quarter"]): row for row in per_quarter}
    by_quarter = [{**counted.get(quarter, {}), "label": quarter.label} for quarter in filters.quarters]
    for row in by_quarter:
        row.setdefault("n", 0)
        for kind in kinds:
            row.setdefault(kind, 0)
    by_district = [{"label": row["district__name"] or NO_DISTRICT, **row} for row in per_district]
    by_product = [{"label": row["product_name"], "n": row["n"]} for row in per_product]
    return [
        Table(
            key="complaints_by_quarter",
            title=_("Complaints and tips by quarter"),
            columns=[
                Column("label", _("Quarter"), TEXT),
                *kind_columns,
                Column("n", pgettext_lazy("dashboard", "Received")),
            ],
            rows=by_quarter,
            total=_total(by_quarter, pgettext_lazy("dashboard", "Total"), [*kinds, "n"]),
            chart=Chart("cartesian", tuple(Series(kind, stack="kind") for kind in kinds)),
        ),
        Table(
            key="complaints_by_district",
            title=_("Complaints and tips by district"),
            columns=[
                Column("label", _("District"), TEXT),
                *kind_columns,
                Column("n", pgettext_lazy("dashboard", "Received")),
            ],
            rows=by_district,
            total=_total(by_district, pgettext_lazy("dashboard", "Total"), [*kinds, "n"]),
            chart=Chart("cartesian", (Series("n"),)),
            note=_("Most complaints first."),
            empty=_("No complaint in these quarters."),
        ),
        Table(
            key="complaint_products",
            title=_("Products named most often"),
            columns=[Column("label", _("Product"), TEXT), Column("n", pgettext_lazy("dashboard", "Received"))],
            rows=by_product,
            chart=Chart("cartesian", (Series("n"),), horizontal=True),
            empty=_("No complaint in these quarters."),
        ),
    ]


def complaint_section(filters: DashboardFilters, today: datetime.date | None = None) -> Section:
    tables = complaint_tables(filters)
    received = tables[0].total["n"]
    overdue = overdue_complaints(today or timezone.localdate())
    if filters.district is not None:
        overdue = overdue.filter(Q(district=filters.district) | Q(enterprise__district=filters.district))
    late = overdue.count()
    stats = [
        Stat("complaints", _("Complaints and tips received"), received),
        Stat("complaints_overdue", _("Complaints and tips overdue now"), late, tone="danger" if late else ""),
    ]
    note = _("Complaints and tips received in the quarters chosen; overdue: a clock of SAMR Order 20 run out.")
    return Section("complaints", _("Complaints and tips"), tables, stats, note)


def standards_section(filters: DashboardFilters) -> Section:
    """Standardization: the year's targets against achievement (standards led and joined to publication,
    enterprise standards self-declared), for the city or the district chosen, and by district."""
    year = filters.end.year
    measures = standards_achievement(year)
    rows, by_district = [], {}
    for measure in measures:
        if filters.district is None:
            target, achieved = measure["target"], measure["achieved"]
        else:
            cell = next((c for c in measure["districts"] if c["district"].pk == filters.district.pk), None)
            target, achieved = (cell["target"], cell["achieved"]) if cell else (None, 0)
        rows.append({"label": measure["label"], "target": target, "achieved": achieved})
        for cell in measure["districts"]:
            if filters.district is None or cell["district"].pk == filters.district.pk:
                by_district.setdefault(cell["district"].name, {"label": cell["district"].name})[measure["measure"]] = (
                    cell["achieved"]
                )
    keys = [measure["measure"] for measure in measures]
    tables = [
        Table(
            key="standards_targets",
            title=_("Standardization targets, %(year)s") % {"year": year},
            columns=[
                Column("label", _("Measure"), TEXT),
                Column("target", _("Target")),
                Column("achieved", _("Achieved")),
            ],
            rows=rows,
            chart=Chart("cartesian", (Series("target"), Series("achieved"))),
            empty=_("No standardization target or result this year."),
        ),
        Table(
            key="standards_by_district",
            title=_("Standardization results by district, %(year)s") % {"year": year},
            columns=[
                Column("label", _("District"), TEXT),
                *[Column(measure["measure"], measure["label"]) for measure in measures],
            ],
            rows=list(by_district.values()),
            total=_total(list(by_district.values()), pgettext_lazy("dashboard", "Total"), keys),
            chart=Chart("cartesian", tuple(Series(key) for key in keys[:2])),
            empty=_("No standardization result this year."),
        ),
    ]
    led = next((row for row, measure in zip(rows, measures, strict=True) if measure["measure"] == "led"), None)
    stats = [Stat("standards_led", _("Standards led, published this year"), led["achieved"] if led else 0)]
    note = _("Counted over the calendar year of the last quarter chosen.")
    return Section("standards", _("Standardization"), tables, stats, note)


# Special equipment (特种设备)


def _equipment_rows(groups: dict, label_key: str) -> list[dict]:
    rows = []
    for label, figures in groups.items():
        row = {label_key: label, **figures}
        row["registration"] = share(figures["registered"], figures["in_use"])
        row["inspection"] = share(figures["on_time"], figures["with_date"])
        rows.append(row)
    return rows


def equipment_section(filters: DashboardFilters, *, today: datetime.date) -> Section:
    """The four rates of special-equipment safety by district and by category, from equipment.selectors' one
    grouped query over the units in use today (the rates are a state, not counted over the quarters chosen)."""
    rates = equipment_rates(today=today, district_id=filters.district.pk if filters.district is not None else None)
    keys = ("in_use", "registered", "with_date", "on_time")
    by_district: dict[str, dict] = {}
    by_category: dict[str, dict] = {}
    for row in rates:
        for groups, label in ((by_district, row["district"]), (by_category, row["category"])):
            figures = groups.setdefault(label, dict.fromkeys(keys, 0))
            for key in keys:
                figures[key] += row[key]
    total = equipment_rates_total(rates)
    columns = [
        Column("in_use", _("Units in use")),
        Column("registered", _("Registered")),
        Column("registration", _("Registration rate"), PERCENT),
        Column("on_time", _("Inspected on time")),
        Column("inspection", _("Periodic-inspection rate"), PERCENT),
    ]
    chart = Chart("cartesian", (Series("registration", "line", 1), Series("inspection", "line", 1)))
    tables = [
        Table(
            key="equipment_by_district",
            title=_("Special equipment by district"),
            columns=[Column("label", _("District"), TEXT), *columns],
            rows=_equipment_rows(by_district, "label"),
            total={"label": pgettext_lazy("dashboard", "Total"), **total},
            chart=chart,
            empty=_("No special equipment in use on the register."),
        ),
        Table(
            key="equipment_by_category",
            title=_("Special equipment by category"),
            columns=[Column("label", _("Category"), TEXT), *columns],
            rows=_equipment_rows(by_category, "label"),
            total={"label": pgettext_lazy("dashboard", "Total"), **total},
            chart=chart,
            empty=_("No special equipment in use on the register."),
        ),
    ]
    overdue = total["with_date"] - total["on_time"]
    stats = [
        Stat("equipment_in_use", _("Special equipment in use"), total["in_use"]),
        Stat("equipment_registration", _("Registration rate"), total["registration"], PERCENT),
        Stat("equipment_inspection", _("Periodic-inspection rate"), total["inspection"], PERCENT),
        Stat("equipment_overdue", _("Overdue for inspection"), overdue, tone="danger" if overdue else ""),
    ]
    note = _(
        "Units in use today. Registration rate: registered / in use; periodic-inspection rate: not past their next "
        "inspection date / in use with a date. The certified-operator and accident-closure rates are not yet "
        "recorded."
    )
    return Section("equipment", _("Special-equipment safety"), tables, stats, note)


# Metrology: verification rates of the instruments under compulsory verification


def metrology_section(filters: DashboardFilters, *, today: datetime.date) -> Section:
    """The verification rate (instruments in use holding a valid passed verification) of fuel dispensers by
    district, and of every category: two grouped queries (metrology.selectors)."""
    district_id = filters.district.pk if filters.district is not None else None
    rate_columns = [Column("total", _("Instruments")), Column("valid", _("Verified, valid")),
                    Column("rate", _("Verification rate (%)"), PERCENT)]  # fmt: skip
    fuel = [
        {"label": row["district__name"], **row}
        for row in verification_rates(
            today=today, by=("district",), category_code="fuel_dispenser", district_id=district_id
        )  # fmt: skip
    ]
    categories = [
        {"label": row["category__name"], **row}
        for row in verification_rates(today=today, by=("category",), district_id=district_id)
    ]

    def total(rows):
        instruments, valid = sum(row["total"] for row in rows), sum(row["valid"] for row in rows)
        rate = round(100 * valid / instruments, 1) if instruments else None
        return {"label": pgettext_lazy("dashboard", "Total"), "total": instruments, "valid": valid, "rate": rate}

    tables = [
        Table(
            key="metrology_fuel_by_district",
            title=_("Fuel dispensers: verification rate by district"),
            columns=[Column("label", _("District"), TEXT), *rate_columns],
            rows=fuel,
            total=total(fuel),
            chart=Chart("cartesian", (Series("total"), Series("rate", type="line", axis=1))),
            empty=_("No fuel dispenser on file."),
        ),
        Table(
            key="metrology_by_category",
            title=_("Instruments under compulsory verification: rate by category"),
            columns=[Column("label", _("Category"), TEXT), *rate_columns],
            rows=categories,
            total=total(categories),
            empty=_("No instrument on file."),
        ),
    ]
    overall = total(categories)
    stats = [Stat("metrology_rate", _("Verification rate (%)"), overall["rate"], kind=PERCENT,
                  tone="warn" if overall["rate"] is not None and overall["rate"] < 95 else "")]  # fmt: skip
    return Section("metrology", _("Compulsory verification of measuring instruments"), tables, stats,
                   _("Instruments in use, as they stand today."))  # fmt: skip
