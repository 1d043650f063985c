"""The leaders' dashboard: who may see it, the numbers on a small known data set (pass rates by quarter, district
and industry, with the filters; grades and their change; follow-ups and overdue steps; warnings; complaints when
there are none to read), the .xlsx export of every table, the result summary's rebuild, and a number of queries
that does not grow with the data."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from analysis.models import ResultSummary
from analysis.quarters import Quarter
from analysis.selectors import DashboardFilters, dashboard
from analysis.services import result_summary_refresh
from complaints.models import Complaint
from core.models import JobRun
from credit.choices import Grade, GradeCause, WarningKind, WarningStatus
from credit.models import CreditGrade, GradeChange, RiskWarning, ScoringModel
from enterprises.models import Industry
from inspections.choices import FollowUpStage, TaskKind, TaskStatus, Verdict
from inspections.models import Task
from tests.clients import signed_in
from tests.factories import (
    CampaignFactory,
    DistrictFactory,
    EnterpriseFactory,
    ResponsibilityAreaFactory,
    final_task,
    open_follow_up,
)

pytestmark = pytest.mark.django_db

C, NC, REF = Verdict.CONFORMING, Verdict.NONCONFORMING, Verdict.REFUSED


def this_quarter() -> Quarter:
    return Quarter.of(timezone.localdate())


def in_quarter(quarter: Quarter, hours: float = 12) -> datetime.datetime:
    return quarter.starts_at() + datetime.timedelta(hours=hours)


def enterprise_in(district, industry_code: str = "14"):
    return EnterpriseFactory(
        area=ResponsibilityAreaFactory(district=district), industry=Industry.objects.get(code=industry_code)
    )


@pytest.fixture
def city(reference_data):
    """Three enterprises in two districts, with verdicts whose rates are easy to check by hand:

    this quarter: 东区 e1 (食品制造 14) C, C, NC (one just after local midnight of the quarter's first day);
                  东区 e2 (酒饮料 15) REF, C
    last quarter: 东区 e1 C; 西区 e3 (14) C, C, C, NC
    Also, and never counted: a failed re-check, a task still being tested, a cancelled task."""
    east, west = DistrictFactory(code="430601", name="东区"), DistrictFactory(code="430602", name="西区")
    e1, e2, e3 = enterprise_in(east), enterprise_in(east, "15"), enterprise_in(west)
    now_q, last_q = this_quarter(), this_quarter().shifted(-1)
    campaign = CampaignFactory()
    for enterprise, verdict, at in [
        (e1, C, in_quarter(now_q, 0.5)),  # 00:30 in Shanghai is still the previous day in UTC
        (e1, C, in_quarter(now_q)),
        (e1, NC, in_quarter(now_q)),
        (e2, REF, in_quarter(now_q)),
        (e2, C, in_quarter(now_q)),
        (e1, C, in_quarter(last_q)),
        (e3, C, in_quarter(last_q)),
        (e3, C, in_quarter(last_q)),
        (e3, C, in_quarter(last_q)),
        (e3, NC, in_quarter(last_q)),
    ]:
        final_task(enterprise, verdict, at=at, campaign=campaign)
    failed = Task.objects.filter(enterprise=e3, verdict=NC).get()
    follow_up = open_follow_up(failed)
    final_task(e3, NC, at=in_quarter(now_q), kind=TaskKind.RECHECK, follow_up=follow_up, campaign=campaign)
    Task.objects.create(campaign=campaign, enterprise=e1, due_on=timezone.localdate(), status=TaskStatus.SAMPLED)
    Task.objects.create(campaign=campaign, enterprise=e2, due_on=timezone.localdate(), status=TaskStatus.CANCELLED)
    result_summary_refresh()
    return {"east": east, "west": west, "e1": e1, "e2": e2, "e3": e3, "now": now_q, "last": last_q}


def table(board, key: str):
    return next(table for table in board.tables if table.key == key)


def rows(board, key: str) -> dict:
    """The table's rows by their label, each as {column: value}."""
    return {str(row["label"]): row for row in table(board, key).rows}


def figures(row: dict) -> tuple:
    return row["tested"], row["nonconforming"], row["refused"], row["failed"], row["pass_rate"]


# Who may see it


def test_leaders_and_supervisors_see_the_dashboard_and_nobody_else(client, actors):
    url, export = reverse("analysis:dashboard"), reverse("analysis:dashboard_export")
    for role in (Role.LEADER, Role.SUPERVISOR):
        signed_in(client, actors[role])
        assert client.get(url).status_code == 200
        assert client.get(export).status_code == 200
        client.logout()
    for role in (Role.INSPECTOR, Role.LAB_TECHNICIAN, Role.ENTERPRISE, Role.EXPERT):
        signed_in(client, actors[role])
        assert client.get(url).status_code == 403
        assert client.get(export).status_code == 403
        assert client.post(reverse("analysis:dashboard_refresh")).status_code == 403
        client.logout()
    for address in (url, export):
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.post(reverse("analysis:dashboard_refresh")).status_code == 302
    assert not ResultSummary.objects.exists()


def test_the_navigation_offers_the_dashboard_to_leaders_and_supervisors_only(client, actors):
    def urls(role):
        client.force_login(actors[role])
        items = client.get(reverse("home")).context["nav_items"]
        client.logout()
        return {item["url"] for item in items}

    url = reverse("analysis:dashboard")
    assert url in urls(Role.LEADER) and url in urls(Role.SUPERVISOR)
    assert not {url} & (urls(Role.INSPECTOR) | urls(Role.ENTERPRISE) | urls(Role.EXPERT))


# The numbers


def test_pass_rates_by_quarter_district_and_industry(city):
    board = dashboard(DashboardFilters.default(timezone.localdate()))
    by_quarter = rows(board, "pass_by_quarter")
    assert len(by_quarter) == 8 and list(by_quarter)[-1] == city["now"].label  # the last eight, oldest first
    assert figures(by_quarter[city["now"].label]) == (5, 1, 1, 2, 60.0)
    assert figures(by_quarter[city["last"].label]) == (5, 1, 0, 1, 80.0)
    assert figures(by_quarter[city["now"].shifted(-2).label]) == (0, 0, 0, 0, None)
    by_district = rows(board, "pass_by_district")
    assert figures(by_district["东区"]) == (6, 1, 1, 2, 66.7)
    assert figures(by_district["西区"]) == (4, 1, 0, 1, 75.0)
    by_industry = table(board, "pass_by_industry").rows
    assert [row["label"] for row in by_industry] == ["15 酒、饮料和精制茶制造业", "14 食品制造业"]  # weakest first
    assert [figures(row) for row in by_industry] == [(2, 0, 1, 1, 50.0), (8, 2, 0, 2, 75.0)]
    assert figures(table(board, "pass_by_district").total) == (10, 2, 1, 3, 70.0)
    stats = {stat.key: stat.value for stat in board.sections[0].stats}
    assert stats == {"tested": 10, "failed": 3, "pass_rate": 70.0}


def test_the_filters_narrow_the_pass_rates_to_a_district_and_to_quarters(city):
    west = dashboard(DashboardFilters.default(timezone.localdate(), district=city["west"]))
    assert list(rows(west, "pass_by_district")) == ["西区"]
    assert figures(rows(west, "pass_by_quarter")[city["last"].label]) == (4, 1, 0, 1, 75.0)
    assert figures(rows(west, "pass_by_quarter")[city["now"].label]) == (0, 0, 0, 0, None)
    last = dashboard(DashboardFilters(start=city["last"], end=city["last"]))
    assert list(rows(last, "pass_by_quarter")) == [city["last"].label]
    assert figures(rows(last, "pass_by_district")["东区"]) == (1, 0, 0, 0, 100.0)
    assert figures(table(last, "pass_by_industry").total) == (5, 1, 0, 1, 80.0)


def test_the_page_reads_its_filters_from_the_address_and_shows_the_tables(client, actors, city):
    client = signed_in(client, actors[Role.LEADER])
    query = {"start": city["last"].value, "end": city["now"].value, "district": city["east"].pk}
    response = client.get(reverse("analysis:dashboard"), query)
    board = response.context["dashboard"]
    assert (board.filters.start, board.filters.end, board.filters.district) == (city["last"], city["now"], city["east"])
    assert list(rows(board, "pass_by_quarter")) == [city["last"].label, city["now"].label]
    page = response.content.decode()
    for key in ("pass_by_quarter", "pass_by_district", "pass_by_industry", "grades", "warnings_by_kind"):
        assert f'data-testid="{key}"' in page and f'data-chart="{key}"' in page
    assert 'data-testid="follow_ups"' in page and 'data-chart="follow_ups"' not in page  # none open in 东区
    assert 'data-testid="stat-pass_rate">66.7%<' in page
    assert "vendor/echarts/echarts.min.js" in page and "js/dashboard.js" in page and "cdn" not in page.lower()
    charts = {chart["key"]: chart for chart in response.context["charts"]}
    assert charts["pass_by_district"]["categories"] == ["东区"]
    rate = next(series for series in charts["pass_by_district"]["series"] if series["percent"])
    assert rate["data"] == [66.7] and rate["type"] == "line"
    assert 'id="dashboard-charts" type="application/json"' in page


def test_a_range_ending_before_it_starts_is_refused_and_the_default_shown(client, actors, city):
    client = signed_in(client, actors[Role.SUPERVISOR])
    response = client.get(reverse("analysis:dashboard"), {"start": city["now"].value, "end": city["last"].value})
    assert response.status_code == 200 and response.context["form"].errors["end"]
    assert response.context["dashboard"].filters == DashboardFilters.default(timezone.localdate())
    response = client.get(reverse("analysis:dashboard"), {"start": "2025Q9", "district": "999999"})
    assert set(response.context["form"].errors) == {"start", "district"}
    assert response.context["dashboard"].filters == DashboardFilters.default(timezone.localdate())
    response = client.get(reverse("analysis:dashboard_export"), {"start": "2025Q9"})
    assert response.status_code == 302 and response.url == f"{reverse('analysis:dashboard')}?start=2025Q9"


def grade(enterprise, value: str) -> CreditGrade:
    return CreditGrade.objects.create(
        enterprise=enterprise,
        grade=value,
        computed_grade=value,
        score=80,
        model=ScoringModel.objects.order_by("version").first(),
        changed_at=timezone.now(),
    )


def change(enterprise, before: str, after: str, days_ago: int) -> GradeChange:
    return GradeChange.objects.create(
        enterprise=enterprise,
        at=timezone.now() - datetime.timedelta(days=days_ago),
        previous_grade=before,
        grade=after,
        computed_grade=after,
        score=80,
        cause=GradeCause.SCHEDULED,
        model=ScoringModel.objects.order_by("version").first(),
    )


def test_the_grade_distribution_now_and_ninety_days_ago_with_the_changes_between(city):
    e1, e2, e3 = city["e1"], city["e2"], city["e3"]
    e4 = enterprise_in(city["west"])
    grade(e1, Grade.A), grade(e2, Grade.C), grade(e3, Grade.B), grade(e4, Grade.B)
    change(e1, "", Grade.B, days_ago=400)  # before the period: not counted
    change(e1, Grade.B, Grade.A, days_ago=30)  # raised
    change(e2, "", Grade.B, days_ago=200)
    change(e2, Grade.B, Grade.C, days_ago=10)  # lowered
    change(e3, Grade.B, Grade.C, days_ago=60)  # lowered, then raised back
    change(e3, Grade.C, Grade.B, days_ago=20)
    change(e4, "", Grade.B, days_ago=5)  # graded for the first time
    board = dashboard(DashboardFilters.default(timezone.localdate()))
    distribution = {row["grade"]: (row["then"], row["now"], row["change"]) for row in table(board, "grades").rows}
    assert distribution == {"A": (0, 1, 1), "B": (3, 2, -1), "C": (0, 1, 1)}
    assert table(board, "grades").total["now"] == 4 and table(board, "grades").total["then"] == 3
    changes = {row["label"]: row["n"] for row in table(board, "grade_changes").rows}
    assert changes == {"B → A": 1, "C → B": 1, "B → C": 2, "– → B": 1}
    stats = {stat.key: stat.value for stat in board.sections[1].stats}
    assert stats == {"graded": 4, "grade_c": 1, "raised": 2, "lowered": 2}
    west = dashboard(DashboardFilters.default(timezone.localdate(), district=city["west"]))
    assert {row["grade"]: row["now"] for row in table(west, "grades").rows} == {"A": 0, "B": 2, "C": 0}
    assert {row["label"]: row["n"] for row in table(west, "grade_changes").rows} == {
        "C → B": 1,
        "B → C": 1,
        "– → B": 1,
    }


def test_open_follow_ups_by_district_with_their_overdue_steps(city):
    today = timezone.localdate()
    # 西区 already has one open follow-up from the fixture (its first re-check failed, still open); make it overdue.
    west_follow_up = city["e3"].follow_ups.get()
    west_follow_up.stage = FollowUpStage.SECOND_RECHECK
    west_follow_up.second_recheck_by = today - datetime.timedelta(days=1)
    west_follow_up.report_submitted_at = timezone.now()
    west_follow_up.save()
    late = open_follow_up(final_task(city["e1"], NC, days_ago=100), due_on=today - datetime.timedelta(days=3))
    open_follow_up(final_task(city["e2"], REF, days_ago=5))  # on time
    closed = open_follow_up(final_task(city["e2"], NC, days_ago=300), due_on=today - datetime.timedelta(days=200))
    closed.stage = FollowUpStage.CLOSED
    closed.save()
    board = dashboard(DashboardFilters.default(timezone.localdate()))
    by_district = rows(board, "follow_ups")
    assert by_district["东区"]["open"] == 2 and by_district["东区"]["rectifying"] == 2
    assert by_district["东区"]["report_overdue"] == 1
    assert by_district["东区"]["recheck_overdue"] == 1  # `late` is also past its first re-check (75 days)
    assert late.first_recheck_due_on < today
    assert (by_district["西区"]["second_recheck"], by_district["西区"]["recheck_overdue"]) == (1, 1)
    assert by_district["西区"]["report_overdue"] == 0
    stats = {stat.key: stat.value for stat in board.sections[2].stats}
    assert stats == {"open_follow_ups": 3, "report_overdue": 1, "recheck_overdue": 2}


def test_open_warnings_by_kind_and_district(city):
    now = timezone.now()
    RiskWarning.objects.create(
        kind=WarningKind.RISK_JUMP, enterprise=city["e1"], raised_at=now, value=60, previous_value=10
    )
    RiskWarning.objects.create(
        kind=WarningKind.RISK_JUMP, enterprise=city["e3"], raised_at=now, value=60, previous_value=9
    )
    RiskWarning.objects.create(
        kind=WarningKind.AREA_RATE,
        industry=Industry.objects.get(code="14"),
        district=city["west"],
        raised_at=now,
        value=30,
        previous_value=5,
    )
    RiskWarning.objects.create(
        kind=WarningKind.RISK_JUMP,
        enterprise=city["e2"],
        raised_at=now,
        value=60,
        previous_value=9,
        status=WarningStatus.ACKNOWLEDGED,
    )
    board = dashboard(DashboardFilters.default(timezone.localdate()))
    assert {row["label"]: row["n"] for row in table(board, "warnings_by_kind").rows} == {
        str(WarningKind.RISK_JUMP.label): 2,
        str(WarningKind.AREA_RATE.label): 1,
    }
    by_district = rows(board, "warnings_by_district")
    assert (by_district["东区"]["risk_jump"], by_district["东区"]["area_rate"]) == (1, 0)
    assert (by_district["西区"]["risk_jump"], by_district["西区"]["area_rate"], by_district["西区"]["n"]) == (1, 1, 2)
    west = dashboard(DashboardFilters.default(timezone.localdate(), district=city["west"]))
    assert table(west, "warnings_by_kind").total["n"] == 2


def test_complaints_by_quarter_district_and_most_named_product(city):
    complaint_model = Complaint

    def complaint(kind: str, product: str, district, at: datetime.datetime):
        return complaint_model.objects.create(
            kind=kind,
            product_name=product,
            place="步行街",
            description="质量问题",
            anonymous=True,
            district=district,
            received_at=at,
        )

    complaint("complaint", "电动自行车", city["east"], in_quarter(city["now"]))
    complaint("tip", "电动自行车", city["east"], in_quarter(city["now"], 0.5))
    complaint("complaint", "大米", city["west"], in_quarter(city["last"]))
    complaint("complaint", "大米", city["west"], in_quarter(city["now"].shifted(-12)))  # before the quarters chosen
    board = dashboard(DashboardFilters.default(timezone.localdate()))
    by_quarter = rows(board, "complaints_by_quarter")
    assert (by_quarter[city["now"].label]["n"], by_quarter[city["now"].label]["kind_tip"]) == (2, 1)
    assert by_quarter[city["last"].label]["n"] == 1
    assert [(row["label"], row["n"]) for row in table(board, "complaints_by_district").rows] == [
        ("东区", 2),
        ("西区", 1),
    ]
    assert [(row["label"], row["n"]) for row in table(board, "complaint_products").rows] == [
        ("电动自行车", 2),
        ("大米", 1),
    ]
    west = dashboard(DashboardFilters.default(timezone.localdate(), district=city["west"]))
    assert table(west, "complaints_by_quarter").total["n"] == 1


# The result summary


def test_the_summary_is_rebuilt_whole_and_dated_by_its_run(city):
    before = list(ResultSummary.objects.values_list("year", "quarter", "district__name", "industry__code", "tested"))
    assert sum(row[-1] for row in before) == 10
    final_task(city["e3"], C, at=in_quarter(city["now"]))
    board = dashboard(DashboardFilters.default(timezone.localdate()))
    assert table(board, "pass_by_district").total["tested"] == 10  # not yet: the summary dates from its last run
    assert board.summary_as_of is not None
    assert result_summary_refresh() == len(before) + 1
    assert table(dashboard(DashboardFilters.default(timezone.localdate())), "pass_by_district").total["tested"] == 11


def test_staff_recompute_the_figures_and_the_page_dates_them(client, actors, city):
    ResultSummary.objects.all().delete()
    JobRun.objects.filter(name="analysis.result_summary").delete()
    client = signed_in(client, actors[Role.SUPERVISOR])
    page = client.get(reverse("analysis:dashboard"))
    assert 'data-testid="not-computed"' in page.content.decode()
    west = city["west"].pk
    response = client.post(reverse("analysis:dashboard_refresh"), {"query": f"district={west}&next=//evil.example"})
    assert response.status_code == 302 and response.url == f"{reverse('analysis:dashboard')}?district={west}"
    page = client.get(response.url)
    assert 'data-testid="not-computed"' not in page.content.decode()
    assert table(page.context["dashboard"], "pass_by_district").total["tested"] == 4


# The export


def test_the_export_holds_every_table_with_the_page_numbers(client, actors, city):
    client = signed_in(client, actors[Role.LEADER])
    response = client.get(reverse("analysis:dashboard_export"), {"district": city["east"].pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    board = dashboard(DashboardFilters.default(timezone.localdate(), district=city["east"]))
    assert len(workbook.worksheets) == 1 + len(board.tables)  # "About", then one sheet per table
    about = [row for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert any("东区" in (value or "") for row in about for value in row)
    by_district = workbook.worksheets[1 + [t.key for t in board.tables].index("pass_by_district")]
    sheet_rows = list(by_district.iter_rows(values_only=True))
    assert sheet_rows[0][0] == str(table(board, "pass_by_district").columns[0].label)
    assert sheet_rows[1][:5] == ("东区", 6, 1, 1, 2)
    assert sheet_rows[1][5] == pytest.approx(0.667)
    assert by_district.cell(row=2, column=6).number_format == "0.0%"
    assert sheet_rows[-1][1] == 6  # the totals row
    by_quarter = workbook.worksheets[1]
    assert [row[0] for row in by_quarter.iter_rows(min_row=2, values_only=True)][:-1] == [
        quarter.label for quarter in DashboardFilters.default(timezone.localdate()).quarters
    ]


# Speed: a bounded number of queries


@pytest.mark.parametrize("enterprises", [1, 25])
def test_the_dashboard_reads_a_bounded_number_of_queries(
    client, actors, reference_data, enterprises, django_assert_max_num_queries
):
    districts = [DistrictFactory(code=f"43070{n}", name=f"测试{n}区") for n in range(3)]
    industries = list(Industry.objects.order_by("code")[:5])
    now_q = this_quarter()
    for n in range(enterprises):
        enterprise = EnterpriseFactory(
            area=ResponsibilityAreaFactory(district=districts[n % 3]), industry=industries[n % 5]
        )
        for back in range(3):
            task = final_task(enterprise, NC if n % 4 == 0 else C, at=in_quarter(now_q.shifted(-back)))
            if task.verdict == NC:
                open_follow_up(task)
        grade(enterprise, Grade.values[n % 3])
        change(enterprise, "", Grade.values[n % 3], days_ago=n % 100)
        RiskWarning.objects.create(
            kind=WarningKind.RISK_JUMP, enterprise=enterprise, raised_at=timezone.now(), value=60, previous_value=1
        )
    result_summary_refresh()
    client = signed_in(client, actors[Role.LEADER])
    # + 4 for the standardization section (projects by district, declarations, targets, districts);
    # + 2 for metrology's, + 1 for special equipment's
    with django_assert_max_num_queries(22 + 4 + 2 + 1):
        response = client.get(reverse("analysis:dashboard"), {"district": districts[0].pk})
    assert response.status_code == 200
    with django_assert_max_num_queries(20 + 4 + 2 + 1):
        assert client.get(reverse("analysis:dashboard_export")).status_code == 200
    assert table(response.context["dashboard"], "pass_by_district").total["tested"] == 3 * len(range(0, enterprises, 3))


# In the browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_charts_draw_from_local_files_on_a_phone_and_the_export_downloads(browser, live_server, actors, city):
    from tests.test_browser_spot_check import Session

    session = Session(browser, live_server)
    try:
        page = session.page("leader", phone=True)
        errors, outside = [], []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: None if request.url.startswith(session.url) else outside.append(request.url))
        page.goto(f"{session.url}{reverse('analysis:dashboard')}?district={city['east'].pk}")
        charts = page.locator("[data-chart]")
        page.wait_for_function("document.querySelectorAll('[data-chart]:not([data-drawn])').length === 0")
        assert charts.count() >= 5 and page.locator("[data-chart] svg").count() == charts.count()
        assert not errors and not outside  # ECharts comes from our own static files, no CDN
        assert "66.7%" in page.locator("[data-testid=pass_by_district]").inner_text()
        with page.expect_download() as download:
            page.locator("[data-testid=export]").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
        assert len(workbook.worksheets) > 5
    finally:
        session.close()
