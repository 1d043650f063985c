"""The verification rates on the leaders' dashboard and in the quality analysis report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from analysis.report import ReportPeriod, quality_report
from analysis.selectors import DashboardFilters, dashboard
from tests.clients import signed_in
from tests.factories_metrology import InstrumentFactory, category

pytestmark = pytest.mark.django_db


def _table(board, key):
    return next(table for table in board.tables if table.key == key)


def test_the_dashboard_shows_fuel_dispensers_by_district_and_every_category(reference_data, client, actors):
    today = timezone.localdate()
    fuel = InstrumentFactory()
    InstrumentFactory(enterprise=fuel.enterprise, district=fuel.district, next_due_on=today - datetime.timedelta(1))
    InstrumentFactory(category=category("sphygmomanometer"))
    board = dashboard(DashboardFilters.default(today))
    fuel_table = _table(board, "metrology_fuel_by_district")
    assert [(row["label"], row["total"], row["valid"], row["rate"]) for row in fuel_table.rows] == [
        (fuel.district.name, 2, 1, 50.0)
    ]
    assert _table(board, "metrology_by_category").total["rate"] == round(100 * 2 / 3, 1)
    narrowed = dashboard(DashboardFilters.default(today, district=InstrumentFactory().district))
    assert _table(narrowed, "metrology_fuel_by_district").total["total"] == 1
    page = signed_in(client, actors[Role.LEADER]).get(reverse("analysis:dashboard"))
    assert b'data-testid="section-metrology"' in page.content


def test_the_report_has_a_verification_section(reference_data):
    InstrumentFactory()
    today = timezone.localdate()
    period = ReportPeriod.parse(f"{today.year}Q{(today.month - 1) // 3 + 1}")
    report = quality_report(period, None)
    section = next(section for section in report.sections if section.key == "metrology")
    assert "燃油加油机受检率100.0%" in section.paragraphs[0]
