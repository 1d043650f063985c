"""A late self-report never costs more points than a missing one (issue 21): catching up a quarter whose absence
no longer counts does not drop the grade; a report filed late while its quarter is still checked costs the late
points (less than the missing ones)."""

import datetime

import pytest
from django.utils import timezone

from enterprises.indicators import recent_due_quarters
from enterprises.services import self_report_due_on
from tests.factories import EnterpriseFactory, SelfReportFactory
from tests.test_credit_model import grade_of, local, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_enterprise():
    enterprise = EnterpriseFactory()
    type(enterprise).objects.filter(pk=enterprise.pk).update(created_at=timezone.now() - datetime.timedelta(days=900))
    return enterprise


def test_catching_up_an_old_quarter_does_not_drop_the_grade(old_enterprise):
    for year, quarter in recent_due_quarters(today()):  # the checked quarters are all filed on time
        SelfReportFactory(enterprise=old_enterprise, year=year, quarter=quarter)
    before = grade_of(old_enterprise)
    old_year = today().year - 2
    assert (old_year, 2) not in recent_due_quarters(today())
    SelfReportFactory(enterprise=old_enterprise, year=old_year, quarter=2, submitted_at=timezone.now())
    after = grade_of(old_enterprise)
    assert after.indicator_values["self_report_late"] == 0
    assert after.score == before.score


def test_a_checked_quarter_filed_late_costs_less_than_missing(old_enterprise):
    (latest, *others) = recent_due_quarters(today())
    for year, quarter in others:
        SelfReportFactory(enterprise=old_enterprise, year=year, quarter=quarter)
    missing = grade_of(old_enterprise)
    assert missing.indicator_values["self_report_missing"] == 1
    year, quarter = latest
    SelfReportFactory(
        enterprise=old_enterprise,
        year=year,
        quarter=quarter,
        submitted_at=local(self_report_due_on(year, quarter) + datetime.timedelta(days=5), 9),
    )
    late = grade_of(old_enterprise)
    assert (late.indicator_values["self_report_late"], late.indicator_values["self_report_missing"]) == (1, 0)
    assert late.score > missing.score
