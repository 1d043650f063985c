"""The quarterly and yearly quality analysis report (质量状况分析报告): who may download it, the PDF in Chinese with the
WenQuanYi font and the figures of a small known data set (the dashboard's `city`), the sentences written from the
numbers, the period form and its errors, and the SVG charts."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from analysis import charts
from analysis.quarters import Quarter
from analysis.report import ReportPeriod, quality_report, report_pdf
from complaints.choices import Outcome
from complaints.models import Complaint
from credit.choices import Grade
from tests.clients import signed_in
from tests.test_brands_public import pdf_fonts, pdf_text
from tests.test_dashboard import city, grade, in_quarter  # noqa: F401 - `city` is the shared data set (a fixture)

pytestmark = pytest.mark.django_db

BUREAU = "岳阳市市场监督管理局"


@pytest.fixture(autouse=True)
def bureau(settings):
    settings.BUREAU_NAME = BUREAU


def _download(client, **query):
    return client.get(reverse("analysis:report_pdf"), query)


def _quarter_title(quarter: Quarter) -> str:
    return f"岳阳市{quarter.year}年第{'一二三四'[quarter.number - 1]}季度产品质量状况分析报告"


# Who may download it


def test_leaders_and_supervisors_download_the_report_for_a_quarter_and_a_year(client, actors, city):  # noqa: F811
    for role in (Role.LEADER, Role.SUPERVISOR):
        signed_in(client, actors[role])
        assert client.get(reverse("analysis:report")).status_code == 200
        for period in (city["now"].value, str(city["now"].year)):
            response = _download(client, period=period)
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF-")
            assert "attachment" in response["Content-Disposition"]
        client.logout()


def test_nobody_else_gets_the_report_and_anonymous_logs_in(client, actors):
    urls = [reverse("analysis:report"), f"{reverse('analysis:report_pdf')}?period=2026"]
    for role in (Role.INSPECTOR, Role.ENTERPRISE, Role.EXPERT):
        user_client = signed_in(Client(), actors[role])
        for url in urls:
            assert user_client.get(url).status_code == 403
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_dashboard_links_to_the_report(client, actors):
    page = signed_in(client, actors[Role.LEADER]).get(reverse("analysis:dashboard")).content.decode()
    assert f'href="{reverse("analysis:report")}' in page


# The PDF


def test_the_quarter_report_is_in_chinese_with_its_figures(client, actors, city):  # noqa: F811
    grade(city["e1"], Grade.A), grade(city["e2"], Grade.C)
    Complaint.objects.create(
        kind="complaint",
        product_name="电动自行车",
        place="步行街",
        description="电池起火",
        anonymous=True,
        district=city["east"],
        received_at=in_quarter(city["now"]),
        outcome=Outcome.SUBSTANTIATED,
    )
    response = _download(signed_in(client, actors[Role.LEADER]), period=city["now"].value)
    pdf = response.content
    fonts = pdf_fonts(pdf)
    assert any(re.fullmatch(r"[A-Z]{6}\+WenQuanYi.*", name) for name in fonts), fonts
    text = pdf_text(pdf).replace("\n", "")
    assert _quarter_title(city["now"]) in text
    # This quarter: 5 tested, 1 nonconforming, 1 refused: 60.0%; the last one 80.0%.
    assert "共完成产品质量监督抽检5批次" in text and "批次合格率为60.0%" in text
    assert "下降20.0个百分点" in text
    assert "酒、饮料和精制茶制造业" in text and "电动自行车" in text
    assert "工作建议" in text and BUREAU in text
    assert "第 1 页" in text  # the footer's page counter


def test_the_year_report_for_a_district(client, actors, city):  # noqa: F811
    year = city["now"].year
    response = _download(signed_in(client, actors[Role.SUPERVISOR]), period=str(year), district=city["west"].pk)
    text = pdf_text(response.content).replace("\n", "")
    assert f"岳阳市西区{year}年度产品质量状况分析报告" in text


# The figures and sentences


def test_the_report_is_written_from_the_dashboard_figures(city):  # noqa: F811
    report = quality_report(ReportPeriod(city["now"], city["now"]))
    assert report.title == _quarter_title(city["now"])
    numbers = report.numbers
    assert (numbers["tested"], numbers["failed"], numbers["pass_rate"]) == (5, 2, 60.0)
    assert numbers["previous_pass_rate"] == 80.0
    overview = "".join(report.overview)
    # The weakest industry first: 酒饮料 (15) 50.0%, then 食品制造 (14) 66.7%.
    assert overview.index("15 酒、饮料和精制茶制造业（50.0%）") < overview.index("14 食品制造业（66.7%）")
    assert "15 酒、饮料和精制茶制造业、14 食品制造业列为下期监督抽检重点" in report.advice[0]
    trend = next(section for section in report.sections if section.key == "trend")
    assert len(trend.tables[0].rows) == 8 and trend.tables[0].rows[-1]["pass_rate"] == 60.0
    assert all("<svg" in chart for section in report.sections for chart in section.charts)
    west = quality_report(ReportPeriod(city["last"], city["last"]), city["west"])
    assert (west.numbers["tested"], west.numbers["pass_rate"]) == (4, 75.0)
    assert west.title.startswith("岳阳市西区")


def test_a_period_without_results_says_so(reference_data):
    period = ReportPeriod.parse("2019Q2")
    report = quality_report(period)
    assert "暂无已出具最终结论的监督抽检结果" in report.overview[0]
    assert report_pdf(report).startswith(b"%PDF-")


# The period


def test_report_periods():
    quarter, year = ReportPeriod.parse("2026Q3"), ReportPeriod.parse("2026")
    assert (quarter.name, quarter.previous.value, quarter.is_year) == ("2026年第三季度", "2026Q2", False)
    assert (year.name, year.previous.value, year.is_year) == ("2026年度", "2025", True)
    assert (year.start, year.end) == (Quarter(2026, 1), Quarter(2026, 4))
    assert str(year.last_day) == "2026-12-31" and str(ReportPeriod.parse("2026Q1").last_day) == "2026-03-31"
    assert ReportPeriod.parse("2026Q5") is None and ReportPeriod.parse("26") is None


def test_bad_period_input_shows_the_form_with_its_error(client, actors):
    client = signed_in(client, actors[Role.LEADER])
    next_year = str(timezone.localdate().year + 1)
    for query, fields in [
        ({"period": "2026Q9"}, {"period"}),
        ({"period": next_year}, {"period"}),
        ({}, {"period"}),
        ({"period": Quarter.of(timezone.localdate()).value, "district": "999999"}, {"district"}),
    ]:
        response = _download(client, **query)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert set(response.context["form"].errors) == fields
        assert 'data-testid="report-form"' in response.content.decode()


# The charts


def test_charts_are_svg_with_their_text_escaped():
    bars = charts.bar_chart(["<b>东区</b>", "西区"], [("合格率", [66.7, None])], title="合格率", percent=True)
    assert bars.startswith("<svg") and "&lt;b&gt;东区&lt;/b&gt;" in bars and "<b>" not in bars
    assert "66.7%" in bars and "—" in bars
    across = charts.bar_chart(["甲", "乙"], [("A", [1, 2]), ("B", [3, 0])], title="t", horizontal=True)
    assert across.count("<rect") == 2 + 3  # two legend keys, three bars (a zero draws none)
    line = charts.line_chart(["2026Q1", "2026Q2", "2026Q3"], [90.0, None, 95.5], title="t")
    assert line.count("<polyline") == 2 and "95.5%" in line  # a quarter without results breaks the line
