"""The to-do inbox (core.inbox): each role's sources, items leaving once done, a bounded query count whatever the
workload, the home pages and `/api/v1/inbox/`."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from brands import services as brand_services
from core.inbox import InboxItem, inbox_for
from credit import services as credit_services
from enterprises.choices import ReportStatus
from inspections.choices import LabTestStatus
from inspections.models import LabTest
from inspections.services import campaigns, testing
from tests.brands_flow import Call, full_marks
from tests.factories import CampaignFactory, EnterpriseFactory, SelfReportFactory, UserFactory, assign_task
from tests.spotcheck import SpotCheck

pytestmark = pytest.mark.django_db


def kinds(user) -> dict[str, InboxItem]:
    return {item.kind: item for item in inbox_for(user)}


def queries(user) -> int:
    user = type(user).objects.get(pk=user.pk)  # a fresh instance, as a request has: nothing cached on it
    with CaptureQueriesContext(connection) as captured:
        inbox_for(user)
    return len(captured)


@pytest.fixture
def spot_check(actors):
    return SpotCheck(actors)


def submitted(spot_check) -> LabTest:
    spot_check.start()
    task = spot_check.task_at()
    spot_check.sample(task)
    lab_test = LabTest.objects.get(task=task, kind="initial")
    return spot_check.test_result(lab_test, cadmium="0.5")


# One per role: what waits shows, with its count, deadline and link, and leaves once done.


def test_leader_approves_a_plan_and_it_leaves(actors, spot_check):
    leader = actors[Role.LEADER]
    item = kinds(leader)["inspections.campaigns_to_approve"]
    assert item.count == 1 and item.url == spot_check.campaign.get_absolute_url()  # the one plan, one click away
    campaigns.campaign_approve(actor=leader, campaign=spot_check.campaign)
    assert "inspections.campaigns_to_approve" not in kinds(leader)


def test_leader_sees_an_override_until_decided(actors, enterprise):
    override = credit_services.override_request(
        actor=actors[Role.SUPERVISOR],
        enterprise=enterprise,
        grade="C",
        reason="重大质量事故",
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    leader = actors[Role.LEADER]
    assert kinds(leader)["credit.overrides_to_approve"].url == override.get_absolute_url()
    credit_services.override_decide(actor=UserFactory(role=Role.LEADER), override=override, approve=True, note="同意")
    assert "credit.overrides_to_approve" not in kinds(leader)


def test_supervisor_reviews_a_result_and_it_leaves(actors, spot_check):
    lab_test = submitted(spot_check)
    supervisor = actors[Role.SUPERVISOR]
    assert kinds(supervisor)["inspections.results_to_review"].count == 1
    testing.lab_test_review(actor=supervisor, lab_test=lab_test, approve=True)
    waiting = kinds(supervisor)
    assert "inspections.results_to_review" not in waiting and waiting["inspections.results_to_notify"].count == 1
    testing.lab_test_notify(actor=supervisor, lab_test=lab_test)
    assert "inspections.results_to_notify" not in kinds(supervisor)


def test_supervisor_checks_a_self_report(actors, enterprise):
    report = SelfReportFactory(enterprise=enterprise, year=2026, quarter=1)
    supervisor = actors[Role.SUPERVISOR]
    assert kinds(supervisor)["enterprises.self_reports_to_check"].count == 1
    report.status = ReportStatus.ACCEPTED
    report.save()
    assert "enterprises.self_reports_to_check" not in kinds(supervisor)


def test_inspector_tasks_today_and_this_week(actors, enterprise):
    inspector = actors[Role.INSPECTOR]
    today = timezone.localdate()
    campaign = CampaignFactory()
    assign_task(inspector, enterprise, campaign=campaign).__class__.objects.update(due_on=today)
    later = assign_task(inspector, EnterpriseFactory(), campaign=campaign)
    later.due_on = today + datetime.timedelta(days=3)
    later.save()
    assign_task(inspector, EnterpriseFactory(), campaign=campaign)  # due at the period's end: not this week
    waiting = kinds(inspector)
    assert waiting["inspections.tasks_today"].urgent and waiting["inspections.tasks_today"].count == 1
    assert waiting["inspections.tasks_this_week"].due == later.due_on
    assert not kinds(UserFactory(role=Role.INSPECTOR))  # another inspector's tasks are not theirs


def test_inspector_samples_and_the_task_leaves(actors, spot_check):
    spot_check.start()
    task = spot_check.task_at()
    inspector = spot_check.inspector_of(task)
    task.__class__.objects.filter(pk=task.pk).update(due_on=timezone.localdate())
    assert kinds(inspector)["inspections.tasks_today"].count == 1
    spot_check.sample(task)
    assert "inspections.tasks_today" not in kinds(inspector)


def test_lab_tests_a_sample_and_it_leaves(actors, spot_check):
    spot_check.start()
    task = spot_check.task_at()
    spot_check.sample(task)
    technician = actors[Role.LAB_TECHNICIAN]
    lab_test = LabTest.objects.get(task=task, kind="initial")
    item = kinds(technician)["inspections.samples_to_test"]
    assert item.count == 1 and item.url == lab_test.get_absolute_url()
    assert not kinds(spot_check.retest_technician)  # another laboratory's samples are not theirs
    spot_check.test_result(lab_test, cadmium="0.1")
    assert "inspections.samples_to_test" not in kinds(technician)


def test_enterprise_objection_window_leaves_once_accepted(actors, spot_check):
    lab_test = submitted(spot_check)
    user = spot_check.enterprise_user
    lab_test = spot_check.notify(lab_test, served=False)
    waiting = kinds(user)
    assert waiting["inspections.result_notices_to_open"].count == 1
    lab_test = testing.result_open(actor=user, lab_test=lab_test)
    waiting = kinds(user)
    assert "inspections.result_notices_to_open" not in waiting
    window = waiting["inspections.objection_windows"]
    assert window.due == lab_test.objection_due_on and window.url == lab_test.get_absolute_url()
    assert waiting["inspections.rectifications_due"].count == 1
    testing.result_accept(actor=user, lab_test=lab_test)
    assert "inspections.objection_windows" not in kinds(user)
    other = kinds(UserFactory(role=Role.ENTERPRISE, enterprise=EnterpriseFactory()))
    assert not [kind for kind in other if kind.startswith("inspections.")]  # only its own


def test_enterprise_self_report_due_until_filed(actors, enterprise):
    user = actors[Role.ENTERPRISE]
    today = datetime.date(2026, 7, 10)
    from enterprises.inbox import enterprises_inbox

    due = [item for item in enterprises_inbox(user, today=today) if item.count]
    assert [item.kind for item in due] == ["enterprises.self_report_due"]
    assert due[0].url == reverse("enterprises:report_create", args=[enterprise.pk])
    SelfReportFactory(enterprise=enterprise, year=2026, quarter=2)
    assert not [item for item in enterprises_inbox(user, today=today) if item.count]


def test_expert_reviews_and_it_leaves():
    call = Call(reviewers=3)
    _enterprise, user = call.applicant()
    application = call.apply(user)
    call.start_review()
    expert = call.experts[0]
    assignment = brand_services.reviewers_assign(actor=call.supervisor, application=application, reviewers=[expert])[0]
    assert kinds(expert)["brands.reviews_to_score"].url == assignment.get_absolute_url()
    brand_services.review_submit(actor=expert, assignment=assignment, scores=full_marks())
    assert "brands.reviews_to_score" not in kinds(expert)


def test_admin_and_roleless_have_empty_inboxes(actors):
    assert inbox_for(actors[Role.ADMIN]) == []


# Bounded: the same number of queries for one waiting item or many.


def test_query_count_does_not_grow_with_the_workload(actors, enterprise):
    users = {role: actors[role] for role in Role}
    before = {role: queries(user) for role, user in users.items()}
    inspector = actors[Role.INSPECTOR]
    for _ in range(5):
        CampaignFactory()
        task = assign_task(inspector, EnterpriseFactory())
        task.due_on = timezone.localdate()
        task.save()
        SelfReportFactory(enterprise=EnterpriseFactory(), year=2026, quarter=1)
    after = {role: queries(user) for role, user in users.items()}
    assert after == before
    assert max(after.values()) <= 18  # every app's sources for the busiest role (the enterprise's: 16)


# The home pages and the API.


@pytest.mark.parametrize("role", list(Role))
def test_every_home_page_starts_with_the_inbox(client, actors, role):
    client.force_login(actors[role])
    page = client.get("/").content.decode()
    assert 'data-testid="inbox"' in page
    assert page.index('data-testid="inbox"') < page.index("</main>") if "</main>" in page else True


def test_home_shows_items_with_count_due_and_link(client, actors, spot_check):
    submitted(spot_check)
    client.force_login(actors[Role.SUPERVISOR])
    page = client.get("/").content.decode()
    assert 'data-kind="inspections.results_to_review"' in page
    assert reverse("inspections:result", args=[LabTest.objects.get(status=LabTestStatus.SUBMITTED).pk]) in page


def test_api_inbox_lists_the_callers_items(client, actors, spot_check):
    assert client.get("/api/v1/inbox/").status_code in (401, 403)
    client.force_login(actors[Role.LEADER])
    response = client.get("/api/v1/inbox/")
    assert response.status_code == 200
    (item,) = [row for row in response.json() if row["kind"] == "inspections.campaigns_to_approve"]
    assert item == {
        "kind": "inspections.campaigns_to_approve",
        "label": item["label"],
        "count": 1,
        "url": spot_check.campaign.get_absolute_url(),
        "due": None,
        "urgent": False,
    }
    client.force_login(actors[Role.EXPERT])
    assert client.get("/api/v1/inbox/").json() == []


# A leader's approval is taken with an opinion and a confirmation.


def test_plan_approval_records_the_opinion_and_asks_first(client, actors, spot_check):
    leader = actors[Role.LEADER]
    client.force_login(leader)
    page = client.get(spot_check.campaign.get_absolute_url()).content.decode()
    assert 'data-testid="approve-form"' in page and "data-confirm=" in page and 'name="opinion"' in page
    action = reverse("inspections:campaign_action", args=[spot_check.campaign.pk, "approve"])
    client.post(action, {"opinion": "同意。请按期完成抽样。"})
    spot_check.campaign.refresh_from_db()
    assert spot_check.campaign.status == "approved"
    assert spot_check.campaign.approval_opinion == "同意。请按期完成抽样。"
    assert "同意。请按期完成抽样。" in client.get(spot_check.campaign.get_absolute_url()).content.decode()


@pytest.mark.parametrize("opinion", ["\ud800", "x" * 100_000])
def test_plan_approval_refuses_bad_opinion_text(client, actors, spot_check, opinion):
    import json

    client.force_login(actors[Role.LEADER])
    response = client.post(
        f"/api/v1/campaigns/{spot_check.campaign.pk}/approve/",
        data=json.dumps({"opinion": opinion}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "opinion" in response.json()["error"]["fields"]
    spot_check.campaign.refresh_from_db()
    assert spot_check.campaign.status == "draft"


def test_decision_forms_ask_for_confirmation(client, actors, enterprise):
    override = credit_services.override_request(
        actor=actors[Role.SUPERVISOR],
        enterprise=enterprise,
        grade="C",
        reason="重大质量事故",
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    client.force_login(actors[Role.LEADER])
    page = client.get(override.get_absolute_url()).content.decode()
    assert 'data-confirm="' in page and 'name="decide-note"' in page


def test_after_an_objection_the_status_and_countdown_show_it(client, actors, spot_check):
    lab_test = spot_check.notify(submitted(spot_check))
    user = spot_check.enterprise_user
    assert kinds(user)["inspections.objection_windows"].count == 1
    testing.objection_file(actor=user, lab_test=lab_test, reasons="检验方法有误")
    assert "inspections.objection_windows" not in kinds(user)  # done: it leaves the inbox
    client.force_login(user)
    with translation.override("en"):
        listing = client.get(reverse("inspections:my_results"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        detail = client.get(lab_test.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    state = listing[listing.index('data-testid="objection-state"') :][:300]
    assert "Objection filed on" in state and "days left" not in state
    assert '<table class="cards">' in listing and 'class="key"' in listing  # a card per result on a phone
    start = detail.index('data-testid="result-status"')
    status = detail[start : detail.index("</dd>", start)]
    assert "Objection filed on" in status and "Notified" not in status
    start = detail.index('data-testid="objection-due"')
    due = detail[start : detail.index("</dd>", start)]
    assert "Objection filed on" in due and "days left" not in due
