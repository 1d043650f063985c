"""The quarterly and yearly quality analysis report (质量状况分析报告) sent to the city government, as a PDF.

Its figures are the dashboard's own tables (analysis.selectors) for the period chosen, so the report, the dashboard
and the .xlsx export never disagree. The report is an official document written in Chinese whatever the reader's
interface language: its headings, column names and sentences are Chinese here and in templates/analysis/report.html
on purpose rather than going through gettext. Grades, follow-ups and warnings are read as they stand on the day the
report is generated (the dashboard keeps no history of them); the report says so."""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db.models import Count, Model, Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from analysis import charts
from analysis.quarters import Quarter, during_quarters
from analysis.selectors import (
    GRADE_CHANGE_DAYS,
    Dashboard,
    DashboardFilters,
    dashboard,
    pass_rate_section,
)
from analysis.tables import PERCENT, TEXT, Column, Table
from complaints.choices import SUBSTANTIATED_OUTCOMES
from complaints.selectors import all_complaints
from core.documents import chinese_date, pdf_from_template
from credit.choices import Grade, WarningKind
from enterprises.selectors import districts
from inspections.choices import FollowUpStage

TREND_QUARTERS = 8
WEAKEST = 3  # industries and districts named in the overview and the advice
YEARS_OFFERED = 10
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

# Chinese names of the dashboard's columns and categories (see the module docstring for why they are not msgids).
RESULT_HEADERS = [
    ("tested", "抽检批次", "count"),
    ("nonconforming", "不合格", "count"),
    ("refused", "拒检", "count"),
    ("failed", "不合格合计", "count"),
    ("pass_rate", "合格率（%）", PERCENT),
]
GRADE_NAMES = {Grade.A: "A级（守信）", Grade.B: "B级（基本守信）", Grade.C: "C级（失信）"}
WARNING_NAMES = {WarningKind.RISK_JUMP: "企业风险骤升", WarningKind.AREA_RATE: "区域不合格率超基线"}
STAGE_NAMES = {
    FollowUpStage.RECTIFYING: "责令整改",
    FollowUpStage.FIRST_RECHECK: "首次复查",
    FollowUpStage.SECOND_RECHECK: "公告后二次复查",
}
KIND_NAMES = {"kind_complaint": "投诉", "kind_tip": "举报"}
TOTAL = "合计"


# The period


@dataclass(frozen=True)
class ReportPeriod:
    """A calendar quarter or a whole year."""

    start: Quarter
    end: Quarter

    @classmethod
    def parse(cls, text: str) -> "ReportPeriod | None":
        """ "2026Q3" for a quarter, "2026" for a year."""
        if quarter := Quarter.parse(text):
            return cls(quarter, quarter)
        if text and len(text) == 4 and text.isdigit():
            return cls(Quarter(int(text), 1), Quarter(int(text), 4))
        return None

    @property
    def is_year(self) -> bool:
        return self.start != self.end

    @property
    def value(self) -> str:
        return str(self.start.year) if self.is_year else self.start.value

    @property
    def name(self) -> str:
        """2026年第三季度, or 2026年度."""
        if self.is_year:
            return f"{self.start.year}年度"
        return quarter_name(self.start)

    @property
    def short_name(self) -> str:
        return "本年度" if self.is_year else "本季度"

    @property
    def previous(self) -> "ReportPeriod":
        length = self.end.index - self.start.index + 1
        return ReportPeriod(self.start.shifted(-length), self.end.shifted(-length))

    @property
    def last_day(self) -> datetime.date:
        return self.end.shifted(1).first_day - datetime.timedelta(days=1)

    def filters(self, district: Model | None) -> DashboardFilters:
        return DashboardFilters(start=self.start, end=self.end, district=district)


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 23 → 二十三 (numbers below 100: the report's section numbers)."""
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return head + (NUMERALS[units - 1] if units else "") if number >= 10 else NUMERALS[number - 1]


def quarter_name(quarter: Quarter) -> str:
    """2026年第三季度."""
    return f"{quarter.year}年第{NUMERALS[quarter.number - 1]}季度"


def period_choices(today: datetime.date) -> list:
    """Whole years and quarters, newest first, up to today's; the quarters of the last YEARS_OFFERED years."""
    latest = Quarter.of(today)
    first = Quarter(latest.year - YEARS_OFFERED, 1)
    quarters = [latest.shifted(-n) for n in range(latest.index - first.index + 1)]
    years = range(latest.year, first.year - 1, -1)
    return [
        (_("Quarter"), [(q.value, ReportPeriod(q, q).name) for q in quarters]),
        (_("Whole year"), [(str(year), f"{year}年度") for year in years]),
    ]


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=None, empty_label=_("Whole city")
    )  # its queryset is set per form

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts()
        self.fields["period"].choices = period_choices(today)
        self.fields["period"].initial = Quarter.of(today).shifted(-1).value  # the last complete quarter

    def clean_period(self) -> ReportPeriod:
        period = ReportPeriod.parse(self.cleaned_data["period"])
        if period is None:  # cannot happen past the choices, but say so rather than fail
            raise forms.ValidationError(_("Choose a quarter or a year."))
        return period


# The report


@dataclass
class ReportSection:
    key: str
    title: str
    paragraphs: list[str]
    charts: list[SafeString] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    number: str = ""  # 二, 三, …: the overview is section 一


@dataclass
class Report:
    title: str
    period: ReportPeriod
    district: Model | None
    bureau_name: str
    generated_on: str
    overview: list[str]
    sections: list[ReportSection]
    advice: list[str]
    numbers: dict  # the headline figures the sentences were written from (for tests and the filename)


def _scope_name(district: Model | None) -> str:
    return district.name if district else "全市"


def _city_name() -> str:
    """岳阳市 from 岳阳市市场监督管理局."""
    name = settings.BUREAU_NAME
    return name[: name.index("市") + 1] if "市" in name else name


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _chinese_table(
    table: Table, key: str, title: str, first: str, headers: list[tuple[str, str, str]], labels=None
) -> Table:
    """One of the dashboard's tables with Chinese column names, row names (`labels`: by row position or by the
    English label) and total."""
    rows = []
    for index, row in enumerate(table.rows):
        label = row["label"]
        if callable(labels):
            label = labels(index, row)
        rows.append({**row, "label": label})
    total = {**table.total, "label": TOTAL} if table.total is not None else None
    columns = [Column("label", first, TEXT), *[Column(k, name, kind) for k, name, kind in headers]]
    return Table(key=key, title=title, columns=columns, rows=rows, total=total, empty="无数据")


def _standards_section(board: Dashboard) -> ReportSection:
    """标准化工作: the year's targets against what was achieved (standards.selectors, through the dashboard)."""
    table = _chinese_table(
        _table(board, "standards_targets"),
        "standards",
        "标准化工作目标完成情况",
        "指标",
        [("target", "年度目标", "count"), ("achieved", "完成", "count")],
    )
    parts = [
        f"{row['label']}{row['achieved']}项" + (f"（目标{row['target']}项）" if row["target"] else "")
        for row in table.rows
    ]
    paragraph = (
        f"{board.filters.end.year}年，" + ("，".join(str(part) for part in parts) or "暂无标准化工作数据") + "。"
    )
    return ReportSection("standards", "标准化工作", [paragraph], [], [table])


def _table(board: Dashboard, key: str) -> Table:
    return next(table for table in board.tables if table.key == key)


def _names(rows: list[dict], value: str = "pass_rate") -> str:
    return "、".join(f"{row['label']}（{_percent(row[value])}）" for row in rows)


def _complaint_outcomes(filters: DashboardFilters) -> dict:
    complaints = all_complaints().filter(during_quarters(filters.start, filters.end, "received_at"))
    if filters.district is not None:
        complaints = complaints.filter(district=filters.district)
    return complaints.aggregate(
        received=Count("pk"),
        substantiated=Count("pk", filter=Q(outcome__in=SUBSTANTIATED_OUTCOMES)),
        led_to_case=Count("pk", filter=Q(led_to_case=True)),
    )


def quality_report(
    period: ReportPeriod, district: Model | None = None, *, now: datetime.datetime | None = None
) -> Report:
    """The report's figures, sentences, tables and charts for `period` (and `district`, or the whole city)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    filters = period.filters(district)
    board = dashboard(filters, now=now)
    trend_end = min(period.end, Quarter.of(today)) if period.start <= Quarter.of(today) else period.end
    trend_quarters = DashboardFilters(start=trend_end.shifted(1 - TREND_QUARTERS), end=trend_end, district=district)
    trend = pass_rate_section(trend_quarters).tables[0]
    previous = pass_rate_section(period.previous.filters(district)).tables[0].total
    outcomes = _complaint_outcomes(filters)
    scope = _scope_name(district)

    results = _table(board, "pass_by_quarter").total
    by_district = _table(board, "pass_by_district").rows
    by_industry = _table(board, "pass_by_industry").rows
    weak_industries = [row for row in by_industry if row["failed"]][:WEAKEST]
    weak_districts = sorted(
        (row for row in by_district if row["failed"]), key=lambda row: (row["pass_rate"], -row["tested"])
    )[:WEAKEST]
    grades = _table(board, "grades")
    grade_changes = _table(board, "grade_changes").rows
    follow_ups = _table(board, "follow_ups").total
    warnings = _table(board, "warnings_by_kind").total["n"]
    metrology = _table(board, "metrology_by_category").total
    fuel_table = _table(board, "metrology_fuel_by_district")
    fuel_rates = fuel_table.total
    complaint_tables = {table.key: table for table in board.tables if table.key.startswith("complaint")}
    hot_products = complaint_tables["complaint_products"].rows[:WEAKEST]
    graded = grades.total["now"]
    grade_now = {row["grade"]: row["now"] for row in grades.rows}
    raised = sum(row["n"] for row in grade_changes if row["rank"] == 0)
    lowered = sum(row["n"] for row in grade_changes if row["rank"] == 1)
    numbers = {
        "tested": results["tested"],
        "failed": results["failed"],
        "pass_rate": results["pass_rate"],
        "previous_pass_rate": previous["pass_rate"],
        "complaints": outcomes["received"],
        "substantiated": outcomes["substantiated"],
        "open_follow_ups": follow_ups["open"],
        "open_warnings": warnings,
        "graded": graded,
    }

    # The overview
    overview = []
    if results["tested"]:
        passed = results["tested"] - results["failed"]
        sentence = (
            f"{period.name}，{scope}共完成产品质量监督抽检{results['tested']}批次，合格{passed}批次，"
            f"不合格{results['nonconforming']}批次，拒绝抽样{results['refused']}批次，"
            f"批次合格率为{_percent(results['pass_rate'])}"
        )
        if previous["pass_rate"] is None:
            sentence += "（上期无抽检结果，不作比较）。"
        else:
            delta = round(results["pass_rate"] - previous["pass_rate"], 1)
            if delta > 0:
                sentence += f"，较上期（{_percent(previous['pass_rate'])}）上升{delta:.1f}个百分点。"
            elif delta < 0:
                sentence += f"，较上期（{_percent(previous['pass_rate'])}）下降{-delta:.1f}个百分点。"
            else:
                sentence += f"，与上期（{_percent(previous['pass_rate'])}）持平。"
        overview.append(sentence)
        if weak_industries:
            weak = f"合格率较低的行业（产品类别）为{_names(weak_industries)}"
            if weak_districts and not district:
                weak += f"；合格率较低的县（市、区）为{_names(weak_districts)}"
            overview.append(weak + "。")
        else:
            overview.append("本期抽检产品全部合格。")
    else:
        overview.append(f"{period.name}，{scope}暂无已出具最终结论的监督抽检结果。")
    if graded:
        shares = "，".join(
            f"{GRADE_NAMES[row['grade']]}{row['now']}家（占{_percent(row['share'])}）" for row in grades.rows
        )
        overview.append(
            f"截至{chinese_date(today)}，{scope}共有{graded}家企业评定质量信用等级，其中{shares}；"
            f"近{GRADE_CHANGE_DAYS}天信用等级上升{raised}家、下降{lowered}家。"
        )
    complaints = (
        f"{period.short_name}共受理投诉和举报{outcomes['received']}件，"
        f"经查属实（含部分属实）{outcomes['substantiated']}件，立案查处{outcomes['led_to_case']}件"
    )
    if hot_products:
        complaints += f"；反映较集中的产品为{'、'.join(row['label'] for row in hot_products)}"
    complaints += "。"
    overview.append(complaints)
    overview.append(
        f"目前尚有{follow_ups['open']}项不合格后处理未办结，其中整改报告逾期{follow_ups['report_overdue']}项、"
        f"复查逾期{follow_ups['recheck_overdue']}项；尚未处理的风险预警{warnings}条。"
    )

    # The sections, each a chart and its table
    trend_table = _chinese_table(
        trend,
        "trend",
        "各季度抽检情况",
        "季度",
        RESULT_HEADERS,
        labels=lambda index, row: quarter_name(trend_quarters.quarters[index]),
    )
    district_table = _chinese_table(
        _table(board, "pass_by_district"), "districts", "各县（市、区）抽检情况", "县（市、区）", RESULT_HEADERS
    )
    industry_table = _chinese_table(
        _table(board, "pass_by_industry"), "industries", "各行业抽检情况", "行业（产品类别）", RESULT_HEADERS
    )
    grade_table = _chinese_table(
        grades,
        "grades",
        "信用等级分布",
        "信用等级",
        [
            ("then", f"{GRADE_CHANGE_DAYS}天前（家）", "count"),
            ("now", "目前（家）", "count"),
            ("change", "增减", "count"),
            ("share", "目前占比（%）", PERCENT),
        ],
        labels=lambda index, row: GRADE_NAMES[row["grade"]],
    )
    complaint_headers = [*[(key, name, "count") for key, name in KIND_NAMES.items()], ("n", "合计", "count")]
    complaint_district_table = _chinese_table(
        complaint_tables["complaints_by_district"],
        "complaint_districts",
        "投诉举报分布",
        "县（市、区）",
        complaint_headers,
    )
    product_table = _chinese_table(
        complaint_tables["complaint_products"], "complaint_products", "反映较多的产品", "产品", [("n", "件数", "count")]
    )
    follow_up_table = _chinese_table(
        _table(board, "follow_ups"),
        "follow_ups",
        "未办结的不合格后处理",
        "县（市、区）",
        [
            ("open", "未办结", "count"),
            *[(stage, name, "count") for stage, name in STAGE_NAMES.items()],
            ("report_overdue", "整改报告逾期", "count"),
            ("recheck_overdue", "复查逾期", "count"),
        ],
    )
    kinds = list(WarningKind.values)
    warning_kind_table = _chinese_table(
        _table(board, "warnings_by_kind"),
        "warning_kinds",
        "未处理风险预警（按类型）",
        "预警类型",
        [("n", "条数", "count")],
        labels=lambda index, row: WARNING_NAMES[kinds[index]],
    )
    warning_district_table = _chinese_table(
        _table(board, "warnings_by_district"),
        "warning_districts",
        "未处理风险预警（按县市区）",
        "县（市、区）",
        [*[(kind, WARNING_NAMES[kind], "count") for kind in kinds], ("n", "合计", "count")],
    )

    def labels_of(table: Table) -> list[str]:
        return [str(row["label"]) for row in table.rows]

    def column(table: Table, key: str) -> list:
        return [row.get(key) for row in table.rows]

    def rate_chart(table: Table, title: str, *, horizontal: bool = False) -> list[SafeString]:
        if not table.rows:
            return []
        rates = [("合格率", column(table, "pass_rate"))]
        return [charts.bar_chart(labels_of(table), rates, title=title, percent=True, horizontal=horizontal)]

    def count_chart(table: Table, title: str) -> list[SafeString]:
        if not table.rows:
            return []
        return [charts.bar_chart(labels_of(table), [("件数", column(table, "n"))], title=title, horizontal=True)]

    sections = [
        ReportSection(
            "trend",
            "抽检合格率变化趋势",
            [f"近{TREND_QUARTERS}个季度{scope}监督抽检批次合格率变化情况如下（按结果确定的季度统计，不含复查）。"],
            [charts.line_chart([q.value for q in trend_quarters.quarters], column(trend, "pass_rate"), title="合格率")],
            [trend_table],
        ),
        ReportSection(
            "districts",
            "各县（市、区）抽检情况",
            [
                f"{period.short_name}各县（市、区）抽检合格率见下图表。"
                + (f"合格率较低的为{_names(weak_districts)}。" if weak_districts else "")
            ],
            rate_chart(district_table, "各县（市、区）合格率"),
            [district_table],
        ),
        ReportSection(
            "industries",
            "各行业（产品类别）抽检情况",
            [
                "各行业按合格率由低到高排列。"
                + (f"合格率最低的{len(weak_industries)}个行业为{_names(weak_industries)}。" if weak_industries else "")
            ],
            rate_chart(industry_table, "各行业合格率", horizontal=True),
            [industry_table],
        ),
        ReportSection(
            "grades",
            "企业质量信用等级分布及变化",
            [
                f"截至{chinese_date(today)}，共有{graded}家企业评定信用等级，C级企业{grade_now.get(Grade.C, 0)}家；"
                f"近{GRADE_CHANGE_DAYS}天等级上升{raised}家、下降{lowered}家。"
            ],
            [
                charts.bar_chart(
                    labels_of(grade_table),
                    [(f"{GRADE_CHANGE_DAYS}天前", column(grade_table, "then")), ("目前", column(grade_table, "now"))],
                    title="信用等级分布",
                )
            ],
            [grade_table],
        ),
        ReportSection(
            "complaints",
            "投诉举报热点",
            [complaints],
            count_chart(product_table, "反映较多的产品"),
            [complaint_district_table, product_table],
        ),
        ReportSection(
            "follow_ups",
            "不合格后处理及逾期情况",
            [
                f"截至{chinese_date(today)}，未办结的不合格后处理{follow_ups['open']}项，"
                f"整改报告逾期{follow_ups['report_overdue']}项，复查逾期{follow_ups['recheck_overdue']}项。"
            ],
            [
                charts.bar_chart(
                    labels_of(follow_up_table),
                    [
                        ("未办结", column(follow_up_table, "open")),
                        ("整改报告逾期", column(follow_up_table, "report_overdue")),
                        ("复查逾期", column(follow_up_table, "recheck_overdue")),
                    ],
                    title="不合格后处理",
                )
            ]
            if follow_up_table.rows
            else [],
            [follow_up_table],
        ),
        ReportSection(
            "metrology",
            "强制检定计量器具受检情况",
            [
                f"截至{chinese_date(today)}，{scope}在用强制检定计量器具{metrology['total']}台（件），"
                f"检定有效{metrology['valid']}台（件），受检率{_percent(metrology['rate'])}；"
                f"其中燃油加油机受检率{_percent(fuel_rates['rate'])}。"
            ],
            [
                charts.bar_chart(
                    labels_of(fuel_table),
                    [("受检率", [row["rate"] or 0 for row in fuel_table.rows])],
                    title="燃油加油机受检率",
                    percent=True,
                )
            ]
            if fuel_table.rows
            else [],
            [fuel_table, _table(board, "metrology_by_category")],
        ),
        ReportSection(
            "warnings",
            "风险预警",
            [f"截至{chinese_date(today)}，尚未处理的风险预警共{warnings}条。"],
            count_chart(warning_kind_table, "风险预警") if warnings else [],
            [warning_kind_table, warning_district_table],
        ),
        _standards_section(board),
    ]

    for index, section in enumerate(sections, start=1):
        section.number = chinese_numeral(index + 1)
    # The advice
    advice = []
    if weak_industries:
        names = "、".join(str(row["label"]) for row in weak_industries)
        advice.append(f"将{names}列为下期监督抽检重点，适当增加抽检批次，扩大对不合格企业同类产品的抽检覆盖面。")
    if weak_districts and not district:
        names = "、".join(str(row["label"]) for row in weak_districts)
        advice.append(f"督促{names}落实属地监管责任，对抽检不合格企业开展约谈和质量帮扶。")
    overdue = [
        f"{label}的{follow_ups[key]}项"
        for key, label in (("report_overdue", "整改报告逾期"), ("recheck_overdue", "复查逾期"))
        if follow_ups[key]
    ]
    if overdue:
        advice.append(f"对{'和'.join(overdue)}不合格后处理挂牌督办，限期办结，逾期不整改的依法处理并计入企业信用。")
    if grade_now.get(Grade.C):
        advice.append(f"对{grade_now[Grade.C]}家C级（失信）企业实施重点监管，提高检查和抽检频次。")
    if hot_products:
        names = "、".join(str(row["label"]) for row in hot_products)
        advice.append(f"针对投诉举报反映较集中的{names}，组织专项检查，必要时纳入下期抽检计划。")
    if warnings:
        advice.append(f"及时研判和处置尚未处理的{warnings}条风险预警，防范区域性、行业性质量风险。")
    advice.append("继续做好抽检结果公开和质量信用联合惩戒，推动企业落实质量安全主体责任。")

    city = _city_name()
    where = city if district is None else district.name if district.name.startswith(city) else city + district.name
    return Report(
        title=f"{where}{period.name}产品质量状况分析报告",
        period=period,
        district=district,
        bureau_name=settings.BUREAU_NAME,
        generated_on=chinese_date(today),
        overview=overview,
        sections=sections,
        advice=advice,
        numbers=numbers,
    )


def report_pdf(report: Report) -> bytes:
    context = {"report": report, "advice_number": chinese_numeral(len(report.sections) + 2)}
    return pdf_from_template("analysis/report.html", context)


def report_filename(report: Report) -> str:
    return f"{report.title}.pdf"
