"""Every deadline shown is flagged 暂定 (page) and `<field>_provisional` (API) when it comes from a calendar year that
is not official yet: a task's due date and its publication date, a self-report's due date."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.models import CalendarYear
from tests.clients import signed_in, token_api
from tests.factories import EnterpriseFactory, SelfReportFactory, UserFactory, assign_task

pytestmark = pytest.mark.django_db
FLAG = 'data-testid="provisional"'


def test_a_task_due_in_a_provisional_year_is_flagged_on_its_page_and_in_the_api(client):
    inspector = UserFactory(role=Role.INSPECTOR)
    task = assign_task(inspector, EnterpriseFactory())
    task.due_on, task.publish_due_on = datetime.date(2027, 3, 1), datetime.date(2027, 4, 1)
    task.save()
    assert not CalendarYear.objects.get(year=2027).is_official
    assert FLAG in signed_in(client, inspector).get(reverse("inspections:task", args=[task.pk])).content.decode()
    body = token_api(inspector).get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["due_on_provisional"] is True and body["publish_due_on_provisional"] is True
    CalendarYear.objects.filter(year=2027).update(is_official=True)
    body = token_api(inspector).get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["due_on_provisional"] is False and body["publish_due_on_provisional"] is False


def test_a_self_report_due_in_a_provisional_year_is_flagged(client):
    report = SelfReportFactory(year=2026, quarter=4)  # due in January 2027
    user = report.submitted_by
    assert report.due_on.year == 2027
    page = signed_in(client, user).get(reverse("enterprises:report", args=[report.enterprise_id, report.pk]))
    assert FLAG in page.content.decode()
    assert token_api(user).get(f"/api/v1/self-reports/{report.pk}/").json()["due_on_provisional"] is True
    CalendarYear.objects.filter(year=2027).update(is_official=True)
    assert token_api(user).get(f"/api/v1/self-reports/{report.pk}/").json()["due_on_provisional"] is False
