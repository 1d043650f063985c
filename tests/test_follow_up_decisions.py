"""The follow-up decided by the right body: the report to the provincial bureau (PDF and CSV), the decisions a
leader takes on proposals (an order to suspend and rectify, the penalty for refusing sampling), the refusals by
role, hostile input, the demo city's states and the migration of refused follow-ups."""

import csv
import datetime
import importlib
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from core.models import DomainEvent
from credit.choices import GradeCause
from credit.models import CreditGrade
from credit.services import recalculate
from enterprises.choices import EnterpriseStatus
from inspections.choices import FollowUpOutcome, FollowUpStage, ProposalKind, ProposalStatus, TaskStatus, Verdict
from inspections.models import DecisionProposal, FollowUp, ProvinceReport
from inspections.province_report import province_report_csv, province_report_pdf
from inspections.services import followups, sampling, testing
from tests.clients import token_api
from tests.factories import EnterpriseFactory, enterprise_user, final_task, open_follow_up
from tests.spotcheck import SpotCheck
from tests.test_follow_up import D, at, fail_first_recheck, fail_second_recheck

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def failed(actors):
    """A routine check found nonconforming on 2026-09-28 and accepted by the enterprise."""
    spot = SpotCheck(actors)
    spot.start()
    task = spot.task_at()
    lab_test = spot.checked(task, cadmium="0.3", now=at(D(2026, 9, 28)))
    testing.result_accept(actor=spot.enterprise_user, lab_test=lab_test)
    spot.follow_up = FollowUp.objects.get(task=task)
    spot.actors = actors
    return spot


@pytest.fixture
def refused(actors):
    """A routine task whose sampling the enterprise refused."""
    spot = SpotCheck(actors)
    spot.start()
    task = spot.task_at()
    sampling.sampling_file(
        actor=spot.inspector_of(task),
        task=task,
        values={"inspector_signatories": "李检查、赵检查"},
        photos=[],
        refused=True,
        refusal_reason="企业负责人拒绝抽样",
        refusal_witness="市场管理员 周见证",
    )
    spot.task = task
    spot.proposal = DecisionProposal.objects.get(task=task)
    spot.actors = actors
    return spot


def fields(response) -> dict:
    return response.json()["error"]["fields"]


# Refusing a sampling: a penalty proposal, not a rectification chain.


def test_a_refusal_is_proposed_a_penalty_and_still_counts_as_nonconforming_for_the_grade(refused):
    task, proposal = refused.task, refused.proposal
    assert Task_status(task) == (TaskStatus.FINAL, Verdict.REFUSED)
    assert not FollowUp.objects.filter(task=task).exists()  # no rectification order, no stop-sale
    assert (proposal.kind, proposal.status) == (ProposalKind.REFUSAL_PENALTY, ProposalStatus.PENDING)
    assert proposal.proposed_by == refused.inspector_of(task) and "企业负责人拒绝抽样" in proposal.grounds
    assert DomainEvent.objects.filter(kind="inspection.follow_up", payload__proposal=proposal.pk).exists()
    recalculate(cause=GradeCause.MANUAL, enterprise_ids=[task.enterprise_id])
    assert CreditGrade.objects.get(enterprise=task.enterprise).indicator_values["refused"] == 1


def Task_status(task) -> tuple[str, str]:
    task.refresh_from_db()
    return task.status, task.verdict


def test_the_leader_decides_the_refusal_penalty_with_its_number_date_and_amount(refused):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        followups.proposal_decide(actor=refused.supervisor, proposal=refused.proposal, approve=True)
    with pytest.raises(ValidationError) as error:
        followups.proposal_decide(
            actor=refused.leader, proposal=refused.proposal, approve=True, decision_number="岳市监罚〔2026〕9号",
            decision_on=today, period_end=today,
        )  # fmt: skip
    assert {"measures", "period_end"} <= set(error.value.message_dict)
    followups.proposal_decide(
        actor=refused.leader, proposal=refused.proposal, approve=True, decision_number="岳市监罚〔2026〕9号",
        decision_on=today, amount=Decimal("30000"), measures="警告；罚款三万元", opinion="同意",
    )  # fmt: skip
    refused.proposal.refresh_from_db()
    assert (refused.proposal.status, refused.proposal.amount) == (ProposalStatus.APPROVED, Decimal("30000"))
    refused.enterprise.refresh_from_db()
    assert refused.enterprise.status == EnterpriseStatus.ACTIVE  # a fine changes no status


# The report to the provincial bureau.


def test_one_report_to_the_province_covers_several_follow_ups_as_a_pdf_and_a_csv(failed, client):
    fail_first_recheck(failed)
    hostile = EnterpriseFactory(name='=HYPERLINK("http://x")食品厂')
    other = open_follow_up(final_task(hostile, Verdict.NONCONFORMING, days_ago=120))
    FollowUp.objects.filter(pk=other.pk).update(stage=FollowUpStage.PROVINCE, first_recheck_failed_on=D(2026, 11, 1))
    assert set(followups.follow_ups_to_report()) == {failed.follow_up, other}
    report = followups.province_report_create(actor=failed.supervisor, now=at(D(2026, 11, 5)))
    assert set(report.follow_ups.all()) == {failed.follow_up, other}
    assert not followups.follow_ups_to_report().exists()
    with pytest.raises(ValidationError):  # nothing left to report
        followups.province_report_create(actor=failed.supervisor)
    pdf = province_report_pdf(report)
    assert pdf.startswith(b"%PDF")
    text = province_report_csv(report)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["序号", "企业名称", "统一社会信用代码"] and len(rows) == 3
    by_name = {row[1]: row for row in rows[1:]}
    mine = by_name[failed.enterprise.name]
    assert mine[2] == failed.enterprise.credit_code and mine[10] == "2026-11-03" and "镉" in mine[7]
    assert '\'=HYPERLINK("http://x")食品厂' in by_name  # a spreadsheet never runs it as a formula
    client.force_login(failed.supervisor)
    response = client.get(reverse("inspections:province_report_pdf", args=[report.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    response = client.get(reverse("inspections:province_report_csv", args=[report.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8" and failed.enterprise.name in response.content.decode()
    for role in (Role.ENTERPRISE, Role.INSPECTOR, Role.LAB_TECHNICIAN, Role.EXPERT):
        client.force_login(failed.actors[role])
        for name in ("province_report", "province_report_pdf", "province_report_csv"):
            assert client.get(reverse(f"inspections:{name}", args=[report.pk])).status_code in (403, 404), (role, name)
        assert client.get(reverse("inspections:province_reports")).status_code == 403


def test_staff_prepare_send_and_record_the_notice_through_the_pages(failed, client):
    fail_first_recheck(failed)
    client.force_login(failed.supervisor)
    shown = client.get(reverse("inspections:province_reports")).content.decode()
    assert failed.enterprise.name in shown
    response = client.post(reverse("inspections:province_reports"))
    report = ProvinceReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    url = reverse("inspections:province_report", args=[report.pk])
    assert "sent_on" in client.post(url, {"sent_on": "2099-01-01"}).context["form"].errors
    today = timezone.localdate()
    client.post(url, {"sent_on": today.isoformat(), "reference": "岳市监函〔2026〕8号"})
    report.refresh_from_db()
    assert report.sent_on == today
    notice = reverse("inspections:provincial_notice", args=[failed.follow_up.pk])
    bad = client.post(notice, {"notice_on": today.isoformat(), "reference": "x" * 100_000})
    assert bad.status_code == 200 and "reference" in bad.context["form"].errors
    client.post(notice, {"notice_on": today.isoformat(), "reference": "湘市监公告〔2026〕31号"})
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.stage == FollowUpStage.SECOND_RECHECK
    assert failed.follow_up.second_recheck_from == today + datetime.timedelta(days=60)
    detail = client.get(failed.follow_up.get_absolute_url()).content.decode()
    assert "湘市监公告〔2026〕31号" in detail and 'data-testid="province-step"' in detail


# The leader's decisions, by page and by API, and who may do what.


def test_the_leader_finds_the_pending_suspension_on_the_menu_and_decides_it_on_the_page(failed, client):
    proposal = fail_second_recheck(failed)
    client.force_login(failed.leader)
    home = client.get(reverse("inspections:proposals"))
    assert reverse("inspections:proposals") in home.content.decode()  # the menu entry
    assert failed.enterprise.name in home.content.decode()
    decide = reverse("inspections:proposal_decide", args=[proposal.pk])
    rejected = client.post(decide, {"approve": "0", "opinion": ""})
    assert rejected.status_code == 200 and "opinion" in rejected.context["form"].errors
    today = timezone.localdate()
    body = {"approve": "1", "decision_number": "岳市监责停〔2026〕3号", "decision_on": today.isoformat(),
            "period_end": (today + datetime.timedelta(days=60)).isoformat()}  # fmt: skip
    waiting = client.post(decide, body)  # the right to a hearing not notified yet
    assert waiting.status_code == 200 and waiting.context["form"].non_field_errors()
    failed.enterprise.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.ACTIVE
    client.force_login(failed.supervisor)
    assert client.get(reverse("inspections:proposals")).status_code == 200  # on the follow-up pages
    assert client.post(decide, body).status_code == 403
    client.post(reverse("inspections:proposal_hearing", args=[proposal.pk]), {"notified_on": today.isoformat()})
    client.force_login(failed.leader)
    assert client.post(decide, body).status_code == 302
    failed.enterprise.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.SUSPENDED
    client.force_login(failed.enterprise_user)  # the enterprise reads the decision on its follow-up
    page = client.get(failed.follow_up.get_absolute_url()).content.decode()
    assert "岳市监责停〔2026〕3号" in page
    assert client.get(proposal.get_absolute_url()).status_code == 200
    for role in (Role.INSPECTOR, Role.LAB_TECHNICIAN, Role.EXPERT):
        client.force_login(failed.actors[role])
        assert client.get(reverse("inspections:proposals")).status_code == 403
        assert client.get(proposal.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(reverse("inspections:proposals")).status_code == 302  # to the login page


def test_the_api_proposes_decides_and_refuses_by_role(failed, other_enterprise):
    proposal = fail_second_recheck(failed)
    url = f"{API}/decision-proposals/{proposal.pk}/"
    company = token_api(failed.enterprise_user)
    assert company.get(url).status_code == 404  # pending: not the enterprise's to read yet
    assert company.get(f"{API}/decision-proposals/").json()["results"] == []
    for role in (Role.INSPECTOR, Role.LAB_TECHNICIAN, Role.EXPERT):
        client = token_api(failed.actors[role])
        assert client.get(f"{API}/decision-proposals/").status_code == 403, role
        assert client.post(f"{url}decide/", {"approve": False, "opinion": "x"}, format="json").status_code in (403, 404)
    assert APIClient().get(f"{API}/decision-proposals/").status_code in (401, 403)
    staff, leader = token_api(failed.supervisor), token_api(failed.leader)
    assert staff.post(f"{url}decide/", {"approve": False, "opinion": "x"}, format="json").status_code == 403
    today = timezone.localdate().isoformat()
    bad = staff.post(f"{url}hearing/", {"notified_on": "2099-01-01"}, format="json")
    assert bad.status_code == 400 and "notified_on" in fields(bad)
    assert staff.post(f"{url}hearing/", {"notified_on": today}, format="json").status_code == 200
    body = {"approve": True, "decision_number": "岳市监责停〔2026〕3号", "decision_on": today,
            "period_end": (timezone.localdate() + datetime.timedelta(days=60)).isoformat()}  # fmt: skip
    for hostile, field in [
        ({**body, "decision_number": "\ud800"}, "decision_number"),
        ({**body, "opinion": "意" * 100_000}, "opinion"),
        ({**body, "period_end": "not a date"}, "period_end"),
        ({**body, "amount": "-1"}, "amount"),
        ({**body, "period_end": today}, "period_end"),  # not after the decision
    ]:
        response = leader.post(f"{url}decide/", json.dumps(hostile), content_type="application/json")
        assert response.status_code == 400 and field in fields(response), field
    response = leader.post(f"{url}decide/", body, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert company.get(url).json()["decision_number"] == "岳市监责停〔2026〕3号"
    assert token_api(enterprise_user(other_enterprise)).get(url).status_code == 404
    follow_up = company.get(f"{API}/follow-ups/{failed.follow_up.pk}/").json()
    assert follow_up["stage"] == "suspended" and follow_up["proposals"] == [proposal.pk]


def test_the_api_reports_to_the_province_records_the_notice_and_refuses_bad_input(failed, other_enterprise):
    fail_first_recheck(failed)
    staff = token_api(failed.supervisor)
    theirs = open_follow_up(final_task(other_enterprise, Verdict.NONCONFORMING, days_ago=30))  # not awaiting a report
    for bad, field in [([theirs.pk], "follow_ups"), ([2**40], "follow_ups"), ([], "follow_ups")]:
        response = staff.post(f"{API}/province-reports/", {"follow_ups": bad}, format="json")
        assert response.status_code == 400 and field in fields(response), bad
    assert token_api(failed.enterprise_user).post(f"{API}/province-reports/", {}, format="json").status_code == 403
    assert token_api(failed.actors[Role.INSPECTOR]).get(f"{API}/province-reports/").status_code == 403
    created = staff.post(f"{API}/province-reports/", {"follow_ups": [failed.follow_up.pk]}, format="json")
    assert created.status_code == 201 and created.json()["follow_ups"] == [failed.follow_up.pk]
    report = created.json()
    assert token_api(failed.enterprise_user).get(f"{API}/province-reports/{report['id']}/").status_code in (403, 404)
    today = timezone.localdate().isoformat()
    notice_url = f"{API}/follow-ups/{failed.follow_up.pk}/provincial-notice/"
    early = staff.post(notice_url, {"notice_on": today, "reference": "湘市监公告"}, format="json")
    assert early.status_code == 400  # the report is not sent yet
    sent = staff.post(f"{API}/province-reports/{report['id']}/sent/", {"sent_on": today}, format="json")
    assert sent.status_code == 200 and sent.json()["sent_on"] == today
    assert token_api(failed.enterprise_user).post(notice_url, {"notice_on": today, "reference": "x"}).status_code == 403
    assert token_api(enterprise_user(other_enterprise)).post(notice_url, {}).status_code == 404
    for hostile, field in [
        ({"notice_on": today, "reference": "\ud800"}, "reference"),
        ({"notice_on": today, "reference": "公" * 100_000}, "reference"),
        ({"notice_on": today, "reference": "公告", "url": "javascript:alert(1)"}, "url"),
        ({"reference": "公告"}, "notice_on"),
    ]:
        response = staff.post(notice_url, json.dumps(hostile), content_type="application/json")
        assert response.status_code == 400 and field in fields(response), field
    done = staff.post(notice_url, {"notice_on": today, "reference": "湘市监公告〔2026〕31号"}, format="json")
    assert done.status_code == 200
    expected = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    assert done.json()["stage"] == "second_recheck" and done.json()["second_recheck_from"] == expected


def test_the_referral_is_recorded_with_the_receiving_authority_through_the_api(failed):
    from tests.test_follow_up import suspended

    after = suspended(failed)
    testing.result_accept(actor=failed.enterprise_user, lab_test=failed.checked(after, cadmium="0.9"))
    url = f"{API}/follow-ups/{failed.follow_up.pk}/referral/"
    staff = token_api(failed.supervisor)
    assert token_api(failed.enterprise_user).post(url, {}).status_code == 403
    response = staff.post(url, json.dumps({"authority": "\ud800", "referred_on": "2026-12-01", "reference": "x"}),
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "authority" in fields(response)  # refused by the API's parsers
    response = staff.post(url, {"authority": "", "referred_on": "x", "reference": ""}, format="json")
    assert response.status_code == 400 and {"authority", "referred_on", "reference"} <= set(fields(response))
    today = timezone.localdate().isoformat()
    body = {"authority": "岳阳市行政审批服务局", "referred_on": today, "reference": "岳市监移〔2026〕2号"}
    response = staff.post(url, body, format="json")
    assert response.status_code == 200 and response.json()["outcome"] == FollowUpOutcome.REFERRED
    assert response.json()["referral_authority"] == "岳阳市行政审批服务局"


def test_the_penalty_proposal_through_the_api(refused):
    url = f"{API}/decision-proposals/{refused.proposal.pk}/"
    leader = token_api(refused.leader)
    today = timezone.localdate().isoformat()
    response = leader.post(f"{url}decide/", {"approve": True, "decision_number": "罚9号", "decision_on": today})
    assert response.status_code == 400 and "measures" in fields(response)
    rejected = leader.post(f"{url}decide/", {"approve": False, "opinion": "证据不足，补充现场记录"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    again = token_api(refused.supervisor).post(f"{url}propose-again/", {"grounds": "补充：执法记录仪视频"})
    assert again.status_code == 201 and again.json()["status"] == "pending"
    assert again.json()["id"] != refused.proposal.pk


# Earlier data and the demo city.


def test_the_migration_turns_open_refusal_follow_ups_into_penalty_proposals(enterprise):
    migration = importlib.import_module("inspections.migrations.0004_refusal_follow_ups_to_penalty_proposals")
    refusal = open_follow_up(final_task(enterprise, Verdict.REFUSED, days_ago=20))
    failure = open_follow_up(final_task(enterprise, Verdict.NONCONFORMING, days_ago=20))
    migration.forwards(apps, None)
    refusal.refresh_from_db()
    failure.refresh_from_db()
    assert (refusal.stage, refusal.outcome) == (FollowUpStage.CLOSED, FollowUpOutcome.REFUSAL)
    assert failure.stage == FollowUpStage.RECTIFYING
    proposal = DecisionProposal.objects.get()
    assert (proposal.task, proposal.kind, proposal.status) == (refusal.task, ProposalKind.REFUSAL_PENALTY, "pending")
    migration.forwards(apps, None)  # re-running changes nothing
    assert DecisionProposal.objects.count() == 1
    migration.backwards(apps, None)
    refusal.refresh_from_db()
    assert refusal.stage == FollowUpStage.RECTIFYING and not DecisionProposal.objects.exists()


def test_the_demo_city_shows_each_new_state():
    from qsportal.demo.seed import seed_demo_city
    from qsportal.reference_data import restore_reference_data

    restore_reference_data()
    seed_demo_city(seed=13, enterprises=60, as_of=D(2026, 11, 1))
    suspension = DecisionProposal.objects.get(kind=ProposalKind.SUSPEND)
    assert suspension.status == ProposalStatus.PENDING and suspension.hearing_notified_on
    assert suspension.enterprise.status == EnterpriseStatus.ACTIVE and suspension.follow_up.stage == "to_suspend"
    assert suspension.follow_up.second_recheck_from == suspension.follow_up.notice_on + datetime.timedelta(days=60)
    reported = FollowUp.objects.get(stage=FollowUpStage.PROVINCE)
    assert reported.province_report.sent_on and reported.notice_on is None
    penalty = DecisionProposal.objects.get(kind=ProposalKind.REFUSAL_PENALTY)
    assert penalty.status == ProposalStatus.PENDING and not FollowUp.objects.filter(task=penalty.task).exists()
