"""The brands API: cultivation targets, calls, applications with their explained eligibility, independent expert
review, the public notice with objections, the award, public honours and revocation; every write through
brands.services, refusals as on the other APIs (another party's record is a 404, a forbidden action a 403)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from brands import services
from brands.choices import (
    ApplicationStatus,
    HonourStatus,
    ObjectionStatus,
    ProgrammeKind,
    ProgrammeStatus,
    ProposalStatus,
    ReviewStatus,
    RevocationCause,
)
from brands.models import (
    Application,
    CultivationTarget,
    HelpRecord,
    Honour,
    Milestone,
    Notice,
    Objection,
    Programme,
    ProgressNote,
    ReviewAssignment,
    RevocationProposal,
)
from brands.revocation import proposals_raise
from inspections.choices import Verdict
from tests.brands_flow import Call, full_marks
from tests.clients import token_api
from tests.factories import EnterpriseFactory, ProductFactory, UserFactory, enterprise_user, final_task

pytestmark = pytest.mark.django_db
API = "/api/v1/brands"
TODAY = timezone.localdate


def api(user) -> APIClient:
    """A token client that asks for English, so the messages checked here do not depend on the translations."""
    client = token_api(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def anonymous() -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def error_fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


def in_days(days: int) -> str:
    return (TODAY() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def call(reference_data) -> Call:
    return Call(award_count=2, reviewers=5)


@pytest.fixture
def applicant(call):
    enterprise, user = call.applicant()
    return enterprise, user


def at_committee(call: Call, user) -> Application:
    """An application of `user`'s enterprise through every scored stage (the call under review)."""
    application = call.apply(user)
    if call.programme.status == "open":
        call.start_review()
    return call.through_scored_stages(application)


def proposed(call: Call, user) -> Application:
    application = at_committee(call, user)
    services.committee_decide(actor=call.leader, application=application, propose=True)
    application.refresh_from_db()
    return application


# Cultivation targets.


def test_staff_list_a_target_and_manage_its_plan(actors, enterprise):
    supervisor = actors[Role.SUPERVISOR]
    staff = api(supervisor)
    body = {
        "enterprise": enterprise.pk,
        "year": TODAY().year,
        "category": "hidden_champion",
        "officer": supervisor.pk,
        "goal": "省长质量奖",
        "plan": "导入卓越绩效模式，三年内申报。",
    }
    created = staff.post(f"{API}/targets/", body, format="json")
    assert created.status_code == 201, created.content
    target = created.json()
    assert target["enterprise_name"] == enterprise.name and target["status"] == "active"
    assert target["milestones"] == target["help"] == target["notes"] == []
    url = f"{API}/targets/{target['id']}/"
    again = staff.post(f"{API}/targets/", body, format="json")
    assert again.status_code == 400  # one target per enterprise and year

    changed = staff.patch(url, {"goal": "市长质量奖", "enterprise": EnterpriseFactory().pk}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["goal"] == "市长质量奖"
    assert changed.json()["enterprise"] == enterprise.pk  # the enterprise stays as listed
    assert error_fields(staff.patch(url, {"officer": actors[Role.INSPECTOR].pk}, format="json"))["officer"]

    milestone = staff.post(f"{url}milestones/", {"title": "完成自评报告", "due_on": in_days(60)}, format="json")
    assert milestone.status_code == 201 and milestone.json()["done_on"] is None
    assert error_fields(staff.post(f"{url}milestones/", {"title": " ", "due_on": in_days(60)}, format="json"))["title"]
    help_given = {"kind": "standards", "given_on": TODAY().isoformat(), "description": "帮助制定企业标准"}
    assert staff.post(f"{url}help/", help_given, format="json").status_code == 201
    future = {**help_given, "given_on": in_days(3)}
    assert error_fields(staff.post(f"{url}help/", future, format="json"))["given_on"]
    assert staff.post(f"{url}notes/", {"text": "已完成首轮诊断"}, format="json").status_code == 201
    reached = {"milestone": milestone.json()["id"], "done_on": TODAY().isoformat(), "note": "提前完成"}
    assert error_fields(staff.post(f"{url}milestone-done/", {**reached, "done_on": in_days(1)}, format="json"))
    done = staff.post(f"{url}milestone-done/", reached, format="json")
    assert done.status_code == 200 and done.json()["done_on"] == TODAY().isoformat()
    assert staff.post(f"{url}milestone-done/", reached, format="json").status_code == 400  # reached already

    detail = staff.get(url).json()
    assert [m["title"] for m in detail["milestones"]] == ["完成自评报告"]
    assert detail["help"][0]["kind"] == "standards" and detail["help"][0]["recorded_by"] == supervisor.pk
    assert detail["notes"][0]["text"] == "已完成首轮诊断"

    assert error_fields(staff.post(f"{url}close/", {}, format="json"))["note"]
    closed = staff.post(f"{url}close/", {"note": "已获评"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert staff.post(f"{url}close/", {"note": "again"}, format="json").status_code == 400


def test_an_enterprise_reads_its_own_plan_and_changes_nothing(actors, enterprise, other_enterprise):
    supervisor = actors[Role.SUPERVISOR]
    values = {"year": TODAY().year, "category": "emerging", "officer": supervisor, "goal": "g", "plan": "p"}
    own = services.target_save(actor=supervisor, values={**values, "enterprise": enterprise})
    other = services.target_save(actor=supervisor, values={**values, "enterprise": other_enterprise})
    company = api(actors[Role.ENTERPRISE])
    listed = company.get(f"{API}/targets/").json()
    assert [row["id"] for row in listed["results"]] == [own.pk]
    assert company.get(f"{API}/targets/{own.pk}/").status_code == 200
    refused, missing = company.get(f"{API}/targets/{other.pk}/"), company.get(f"{API}/targets/{other.pk + 99}/")
    assert refused.status_code == missing.status_code == 404 and refused.json() == missing.json()
    assert company.post(f"{API}/targets/{own.pk}/notes/", {"text": "x"}, format="json").status_code == 403
    assert company.post(f"{API}/targets/", {"enterprise": enterprise.pk}, format="json").status_code == 403
    assert api(actors[Role.INSPECTOR]).get(f"{API}/targets/").status_code == 403
    assert anonymous().get(f"{API}/targets/").status_code in (401, 403)


# Calls.


def test_staff_make_a_call_with_its_rules_and_everyone_signed_in_reads_it(actors):
    staff = api(actors[Role.SUPERVISOR])
    body = {
        "kind": "famous_brand",
        "year": TODAY().year,
        "title": "岳阳名牌产品评价",
        "closes_on": in_days(30),
        "award_count": 5,
        "stages": ["committee", "paper"],
        "eligibility": {"grades": ["A"], "clean_years": 2, "trading_years": 5, "valid_licences": True},
    }
    created = staff.post(f"{API}/programmes/", body, format="json")
    assert created.status_code == 201, created.content
    programme = created.json()
    assert programme["stages"] == ["paper", "committee"] and programme["status"] == "open"
    assert programme["eligibility"] == {"grades": ["A"], "clean_years": 2, "trading_years": 5, "valid_licences": True}
    assert programme["notice"] is None and programme["validity_years"] == 5

    assert staff.post(f"{API}/programmes/", body, format="json").status_code == 400  # one call per kind and year
    next_year = {**body, "year": TODAY().year + 1}
    assert error_fields(staff.post(f"{API}/programmes/", {**next_year, "stages": ["paper"]}, format="json"))["stages"]
    bad_rules = {**next_year, "eligibility": {**body["eligibility"], "grades": ["D"]}}
    assert "eligibility" in error_fields(staff.post(f"{API}/programmes/", bad_rules, format="json"))
    assert error_fields(staff.post(f"{API}/programmes/", {**next_year, "closes_on": in_days(-1)}, format="json"))[
        "closes_on"
    ]

    company = api(actors[Role.ENTERPRISE])
    assert company.get(f"{API}/programmes/").json()["count"] == 1
    assert company.get(f"{API}/programmes/{programme['id']}/").json()["eligibility"]["grades"] == ["A"]
    assert company.post(f"{API}/programmes/", next_year, format="json").status_code == 403
    assert anonymous().get(f"{API}/programmes/").status_code in (401, 403)


# Applications.


def test_an_enterprise_applies_with_attachments_and_reads_its_eligibility_explained(call, applicant):
    enterprise, user = applicant
    product = ProductFactory(enterprise=enterprise)
    body = {
        "programme": call.programme.pk,
        "product": product.pk,
        "summary": "质量管理成效显著",
        "self_assessment": json.dumps(full_marks(0.7)),
        "attachments": [SimpleUploadedFile("自评报告.pdf", b"%PDF-1.4 report")],
    }
    created = api(user).post(f"{API}/applications/", body, format="multipart")
    assert created.status_code == 201, created.content
    application = created.json()
    assert application["status"] == "in_review" and application["stage"] == "paper" and application["eligible"]
    assert application["self_total"] == pytest.approx(700.0)
    assert application["product"] is None  # the quality award honours the enterprise, not a product
    assert [a["original_name"] for a in application["attachments"]] == ["自评报告.pdf"]
    checks = {check["code"]: check for check in application["eligibility"]}
    assert set(checks) == {"grade", "spot_checks", "blacklist", "licences", "trading"}
    assert all(check["passed"] and check["rule"] and check["explanation"] for check in checks.values())
    assert "stage_results" not in application  # staff only
    assert api(user).get(f"{API}/applications/").json()["count"] == 1


def test_an_ineligible_applicant_is_told_why_and_staff_admit_it_only_with_a_reason(call):
    enterprise, user = call.applicant()
    final_task(enterprise, Verdict.NONCONFORMING, days_ago=100)
    body = {"programme": call.programme.pk, "summary": "s", "self_assessment": full_marks()}
    created = api(user).post(f"{API}/applications/", body, format="json")
    assert created.status_code == 201
    application = created.json()
    assert application["status"] == "ineligible" and application["stage"] is None
    failed = [check for check in application["eligibility"] if not check["passed"]]
    assert [check["code"] for check in failed] == ["spot_checks"] and "1 failed spot check" in failed[0]["explanation"]

    url = f"{API}/applications/{application['id']}/bypass/"
    assert api(user).post(url, {"reason": "请破格"}, format="json").status_code == 403
    staff = api(call.supervisor)
    assert error_fields(staff.post(url, {}, format="json"))["reason"]
    assert error_fields(staff.post(url, {"reason": "  "}, format="json"))["reason"]
    admitted = staff.post(url, {"reason": "经局务会研究同意"}, format="json")
    assert admitted.status_code == 200
    assert admitted.json()["status"] == "in_review" and admitted.json()["bypass_reason"] == "经局务会研究同意"
    assert "non_field_errors" in error_fields(staff.post(url, {"reason": "again"}, format="json"))


def test_a_bad_self_assessment_is_a_field_error(call, applicant):
    _enterprise, user = applicant
    company = api(user)
    too_many = {**full_marks(), "leadership": 500}
    body = {"programme": call.programme.pk, "summary": "s", "self_assessment": too_many}
    assert error_fields(company.post(f"{API}/applications/", body, format="json"))["self_assessment"]
    missing = {code: points for code, points in full_marks().items() if code != "results"}
    assert error_fields(company.post(f"{API}/applications/", {**body, "self_assessment": missing}, format="json"))[
        "self_assessment"
    ]
    not_a_number = {**full_marks(), "strategy": "many"}
    fields = error_fields(
        company.post(f"{API}/applications/", {**body, "self_assessment": not_a_number}, format="json")
    )
    assert "strategy" in fields["self_assessment"]
    no_summary = company.post(
        f"{API}/applications/", {**body, "self_assessment": full_marks(), "summary": ""}, format="json"
    )
    assert error_fields(no_summary)["summary"]
    assert not Application.objects.exists()


def test_applications_are_read_by_their_parties_only(call, applicant):
    _enterprise, user = applicant
    other_enterprise, other_user = call.applicant()
    own = call.apply(user)
    other = call.apply(other_user)
    call.start_review()
    services.reviewers_assign(actor=call.supervisor, application=own, reviewers=call.experts[:1])
    company, expert = api(user), api(call.experts[0])

    refused, missing = (
        company.get(f"{API}/applications/{other.pk}/"),
        company.get(f"{API}/applications/{other.pk + 99}/"),
    )
    assert refused.status_code == missing.status_code == 404 and refused.json() == missing.json()
    assert company.post(f"{API}/applications/{other.pk}/withdraw/", {}, format="json").status_code == 404
    assert [row["id"] for row in expert.get(f"{API}/applications/").json()["results"]] == [own.pk]
    assert expert.get(f"{API}/applications/{own.pk}/").status_code == 200
    assert expert.get(f"{API}/applications/{other.pk}/").status_code == 404
    assert api(call.experts[1]).get(f"{API}/applications/").json()["count"] == 0
    assert api(UserFactory(role=Role.INSPECTOR)).get(f"{API}/applications/").status_code == 403
    assert api(call.supervisor).get(f"{API}/applications/").json()["count"] == 2

    assert company.post(f"{API}/applications/{own.pk}/assign/", {"reviewers": [call.experts[1].pk]}).status_code == 403
    body = {"programme": call.programme.pk, "summary": "s", "self_assessment": full_marks()}
    assert anonymous().post(f"{API}/applications/", body, format="json").status_code in (401, 403)
    assert anonymous().get(f"{API}/applications/").status_code in (401, 403)
    assert api(call.supervisor).post(f"{API}/applications/", body, format="json").status_code == 403

    withdrawn = company.post(f"{API}/applications/{own.pk}/withdraw/", {"reason": "暂不申报"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["closed_note"] == "暂不申报"


# Expert review.


def test_reviewers_score_independently_through_the_api(call, applicant):
    _enterprise, user = applicant
    application = call.apply(user)
    call.start_review()
    staff = api(call.supervisor)
    experts = call.experts[:4]
    assigned = staff.post(
        f"{API}/applications/{application.pk}/assign/", {"reviewers": [e.pk for e in experts]}, format="json"
    )
    assert assigned.status_code == 201, assigned.content
    by_reviewer = {row["reviewer"]: row["id"] for row in assigned.json()}
    assert set(by_reviewer) == {e.pk for e in experts}
    again = staff.post(f"{API}/applications/{application.pk}/assign/", {"reviewers": [experts[0].pk]}, format="json")
    assert error_fields(again)["reviewers"]
    not_an_expert = {"reviewers": [call.leader.pk]}
    assert error_fields(staff.post(f"{API}/applications/{application.pk}/assign/", not_an_expert, format="json"))[
        "reviewers"
    ]

    first, second, third, fourth = (api(e) for e in experts)
    mine = f"{API}/reviews/{by_reviewer[experts[0].pk]}/"
    assert [row["id"] for row in first.get(f"{API}/reviews/").json()["results"]] == [by_reviewer[experts[0].pk]]
    assert first.get(f"{API}/reviews/{by_reviewer[experts[1].pk]}/").status_code == 404
    assert first.get(mine).json()["others"] == []

    # The fourth has a conflict of interest: recused, with the reason on file.
    recuse = f"{API}/reviews/{by_reviewer[experts[3].pk]}/recuse/"
    assert error_fields(fourth.post(recuse, {"reason": ""}, format="json"))["reason"]
    recused = fourth.post(recuse, {"reason": "曾为该企业提供咨询服务"}, format="json")
    assert recused.status_code == 200 and recused.json()["status"] == ReviewStatus.RECUSED

    second_url = f"{API}/reviews/{by_reviewer[experts[1].pk]}/"
    submitted = second.post(f"{second_url}submit/", {"scores": full_marks(0.9), "comment": "优秀"}, format="json")
    assert submitted.status_code == 200 and submitted.json()["total"] == pytest.approx(900.0)
    assert submitted.json()["others"] == []  # nobody else has submitted yet
    # Before submitting, the first reviewer still sees nothing of the second's scores.
    before = first.get(mine).json()
    assert before["scores"] == {} and before["others"] == [] and "900" not in json.dumps(before)

    bad = first.post(f"{mine}submit/", {"scores": {**full_marks(), "results": 401}}, format="json")
    assert error_fields(bad)["scores"]
    assert staff.post(f"{mine}submit/", {"scores": full_marks()}, format="json").status_code == 403
    after = first.post(f"{mine}submit/", {"scores": full_marks(0.7)}, format="json").json()
    assert after["status"] == "submitted" and [other["total"] for other in after["others"]] == [pytest.approx(900.0)]
    assert [other["total"] for other in second.get(second_url).json()["others"]] == [pytest.approx(700.0)]
    assert first.post(f"{mine}submit/", {"scores": full_marks()}, format="json").status_code == 400  # final
    third_url = f"{API}/reviews/{by_reviewer[experts[2].pk]}/"
    assert third.get(third_url).json()["others"] == []  # not submitted yet: still nothing

    # The enterprise sees no reviewer's score, before or after the stage is decided.
    company = api(user)
    assert company.get(f"{API}/reviews/").status_code == 403
    assert company.get(second_url).status_code == 404
    third.post(f"{third_url}submit/", {"scores": full_marks(0.8)}, format="json")
    decided = staff.post(f"{API}/applications/{application.pk}/decide/", {"advance": True}, format="json")
    assert decided.status_code == 200 and decided.json()["stage"] == "presentation"
    [paper] = decided.json()["stage_results"]
    assert (paper["stage"], paper["score"], paper["scores_counted"], paper["rank"]) == ("paper", 800.0, 3, 1)
    seen = company.get(f"{API}/applications/{application.pk}/").json()
    assert "stage_results" not in seen and "900" not in json.dumps(seen) and "reviews" not in seen
    assert "stage_results" not in first.get(f"{API}/applications/{application.pk}/").json()


def test_a_stage_is_decided_with_a_reason_when_the_application_stops(call, applicant):
    _enterprise, user = applicant
    application = call.apply(user)
    call.start_review()
    staff = api(call.supervisor)
    url = f"{API}/applications/{application.pk}/decide/"
    assert "non_field_errors" in error_fields(staff.post(url, {"advance": True}, format="json"))  # nobody scored
    call.score(application, (0.5, 0.5, 0.5))
    assert error_fields(staff.post(url, {"advance": False}, format="json"))["note"]
    assert error_fields(staff.post(url, {"note": "x"}, format="json"))["advance"]
    assert api(user).post(url, {"advance": True}, format="json").status_code == 403
    stopped = staff.post(url, {"advance": False, "note": "得分未达线"}, format="json")
    assert stopped.status_code == 200 and stopped.json()["status"] == "not_selected"


def test_staff_read_the_ranking_of_a_stage(call):
    users = [call.applicant()[1] for _ in range(3)]
    applications = [call.apply(user) for user in users]
    call.start_review()
    for application, fraction in zip(applications, (0.6, 0.9, 0.6), strict=True):
        call.score(application, (fraction,) * 3)
    url = f"{API}/programmes/{call.programme.pk}/ranking/"
    rows = api(call.supervisor).get(url, {"stage": "paper"}).json()
    assert [(row["application"], row["rank"], row["score"]) for row in rows] == [
        (applications[1].pk, 1, 900.0),
        (applications[0].pk, 2, 600.0),
        (applications[2].pk, 2, 600.0),
    ]
    assert rows[0]["enterprise_name"] == applications[1].enterprise.name and rows[0]["complete"] is True
    assert error_fields(api(call.supervisor).get(url))["stage"]
    assert error_fields(api(call.supervisor).get(url, {"stage": "committee"}))["stage"]
    assert api(call.experts[0]).get(url, {"stage": "paper"}).status_code == 403
    assert api(users[0]).get(url, {"stage": "paper"}).status_code == 403


# The committee, the public notice, objections and the award.


def test_the_committee_proposes_and_the_notice_takes_signed_objections(call, applicant):
    enterprise, user = applicant
    application = at_committee(call, user)
    committee = f"{API}/applications/{application.pk}/committee/"
    assert api(call.supervisor).post(committee, {"propose": True}, format="json").status_code == 403
    assert error_fields(api(call.leader).post(committee, {"propose": False}, format="json"))["note"]
    decided = api(call.leader).post(committee, {"propose": True}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "proposed"

    programme_url = f"{API}/programmes/{call.programme.pk}/"
    assert api(user).post(f"{programme_url}notice/", {"text": "公示"}, format="json").status_code == 403
    assert error_fields(api(call.supervisor).post(f"{programme_url}notice/", {"text": ""}, format="json"))["text"]
    published = api(call.supervisor).post(f"{programme_url}notice/", {"text": "拟授予名单公示"}, format="json")
    assert published.status_code == 201, published.content
    notice = published.json()
    assert notice["is_open"] and notice["ends_on"] > notice["published_on"]
    assert [(w["id"], w["enterprise_name"]) for w in notice["winners"]] == [(application.pk, enterprise.name)]

    # The public reads the notice without signing in, and files a signed objection.
    public = anonymous()
    listed = public.get(f"{API}/notices/").json()
    assert listed["count"] == 1 and listed["results"][0]["winners"][0]["enterprise_name"] == enterprise.name
    assert listed["results"][0]["programme_title"] == call.programme.title
    url = f"{API}/notices/{notice['id']}/objections/"
    objection = {"application": application.pk, "name": "王五", "phone": "138 0000 0000", "text": "成立不满三年"}
    unsigned = error_fields(public.post(url, {**objection, "name": "", "phone": ""}, format="json"))
    assert {"name", "phone"} <= set(unsigned)
    assert error_fields(public.post(url, {"application": application.pk, "text": "x"}, format="json")).keys() >= {
        "name",
        "phone",
    }
    assert error_fields(public.post(url, {**objection, "application": application.pk + 999}, format="json"))[
        "application"
    ]
    filed = public.post(url, objection, format="json")
    assert filed.status_code == 201, filed.content
    assert set(filed.json()) == {"id", "notice", "application", "filed_at", "status"}
    stored = Objection.objects.get()
    assert stored.filed_by is None and stored.phone == "13800000000"
    signed_in = api(call.experts[0]).post(url, {**objection, "text": "另一异议"}, format="json")
    assert signed_in.status_code == 201 and Objection.objects.get(pk=signed_in.json()["id"]).filed_by == call.experts[0]

    # Objections name the people who filed them: staff only.
    assert public.get(f"{API}/objections/").status_code in (401, 403)
    assert api(user).get(f"{API}/objections/").status_code == 403
    assert api(user).get(f"{API}/objections/{stored.pk}/").status_code == 404
    staff = api(call.supervisor)
    rows = staff.get(f"{API}/objections/").json()["results"]
    assert [row["name"] for row in rows] == ["王五", "王五"] and rows[0]["enterprise_name"] == enterprise.name

    submit = f"{programme_url}submit/"
    assert api(call.supervisor).post(submit).status_code == 403  # a leader submits
    assert "non_field_errors" in error_fields(api(call.leader).post(submit))  # the notice still runs
    resolve = f"{API}/objections/{stored.pk}/resolve/"
    assert error_fields(staff.post(resolve, {"upheld": False}, format="json"))["note"]
    assert api(user).post(resolve, {"upheld": False, "note": "x"}, format="json").status_code == 404
    resolved = staff.post(resolve, {"upheld": False, "note": "经核实，成立已满三年"}, format="json")
    assert resolved.status_code == 200 and resolved.json()["status"] == ObjectionStatus.DISMISSED
    assert resolved.json()["resolved_by"] == call.supervisor.pk


def test_no_objection_after_the_notice_and_the_leader_awards(call, applicant):
    enterprise, user = applicant
    application = proposed(call, user)
    two_weeks_ago = TODAY() - datetime.timedelta(days=14)
    notice = services.notice_publish(actor=call.supervisor, programme=call.programme, text="公示", today=two_weeks_ago)
    late = anonymous().post(
        f"{API}/notices/{notice.pk}/objections/",
        {"application": application.pk, "name": "王五", "phone": "13800000000", "text": "异议"},
        format="json",
    )
    assert "non_field_errors" in error_fields(late) and not Objection.objects.exists()
    assert anonymous().get(f"{API}/notices/{notice.pk}/").json()["is_open"] is False

    programme_url = f"{API}/programmes/{call.programme.pk}/"
    submitted = api(call.leader).post(f"{programme_url}submit/", {"note": "岳市监函〔2026〕8号"}, format="json")
    assert submitted.status_code == 200, submitted.content
    conferral = submitted.json()["conferral"]
    assert submitted.json()["status"] == ProgrammeStatus.SUBMITTED and conferral["conferred"] is None
    assert conferral["conferring_body"] == "岳阳市人民政府" and conferral["submission_note"] == "岳市监函〔2026〕8号"
    decision = {"decided_on": TODAY().isoformat(), "document_number": "岳政发〔2026〕12号"}
    assert api(call.supervisor).post(f"{programme_url}decision/", decision, format="json").status_code == 403
    awarded = api(call.leader).post(f"{programme_url}decision/", decision, format="json")
    assert awarded.status_code == 201, awarded.content
    [honour] = awarded.json()
    assert honour["conferring_body"] == "岳阳市人民政府" and honour["decision_number"] == "岳政发〔2026〕12号"
    assert honour["enterprise_name"] == enterprise.name and honour["status"] == "current" and honour["is_current"]
    assert honour["certificate_number"] == f"{call.programme.year}-ZLJ-001"
    assert honour["programme_kind"] == ProgrammeKind.QUALITY_AWARD and honour["programme_year"] == call.programme.year
    again = api(call.leader).post(f"{programme_url}decision/", decision, format="json")
    assert again.status_code == 400  # decided
    winner = anonymous().get(f"{API}/notices/{notice.pk}/").json()["winners"][0]
    assert winner["status"] == ApplicationStatus.AWARDED


# Honours, the yearly review and revocation.


@pytest.fixture
def honour(call, applicant) -> Honour:
    _enterprise, user = applicant
    proposed(call, user)
    two_weeks_ago = TODAY() - datetime.timedelta(days=14)
    services.notice_publish(actor=call.supervisor, programme=call.programme, text="公示", today=two_weeks_ago)
    [honour] = call.award()
    return honour


def test_the_public_reads_current_honours_and_a_revoked_one_leaves_the_list(call, applicant, honour):
    enterprise, user = applicant
    public = anonymous()
    rows = public.get(f"{API}/honours/").json()["results"]
    assert [row["certificate_number"] for row in rows] == [honour.certificate_number]
    row = rows[0]
    assert (row["enterprise_name"], row["title"], row["status"]) == (enterprise.name, honour.title, "current")
    assert row["valid_until"] == honour.valid_until.isoformat() and row["awarded_on"] == TODAY().isoformat()
    assert public.get(f"{API}/honours/{honour.pk}/").status_code == 200
    assert public.post(f"{API}/honours/{honour.pk}/review/", {}, format="json").status_code in (401, 403)

    final_task(enterprise, Verdict.NONCONFORMING, days_ago=0)
    proposals_raise(enterprise_ids=[enterprise.pk])
    proposal = RevocationProposal.objects.get(honour=honour, cause=RevocationCause.NONCONFORMING)
    assert public.get(f"{API}/revocations/").status_code in (401, 403)
    assert api(user).get(f"{API}/revocations/").status_code == 403
    staff = api(call.supervisor)
    listed = staff.get(f"{API}/revocations/").json()["results"]
    assert [(r["id"], r["cause"], r["enterprise_name"]) for r in listed] == [
        (proposal.pk, "nonconforming", enterprise.name)
    ]
    confirm = f"{API}/revocations/{proposal.pk}/confirm/"
    assert error_fields(staff.post(confirm, {}, format="json"))["note"]
    assert api(user).post(confirm, {"note": "x"}, format="json").status_code == 404
    confirmed = staff.post(confirm, {"note": "抽查不合格，撤销称号"}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == ProposalStatus.CONFIRMED

    assert public.get(f"{API}/honours/").json()["count"] == 0
    assert public.get(f"{API}/honours/{honour.pk}/").status_code == 404
    revoked = staff.get(f"{API}/honours/{honour.pk}/").json()
    assert revoked["status"] == HonourStatus.REVOKED and revoked["is_current"] is False and revoked["revoked_on"]
    assert api(user).get(f"{API}/honours/").json()["count"] == 1  # the holder still reads its own
    assert api(enterprise_user(EnterpriseFactory())).get(f"{API}/honours/").json()["count"] == 0


def test_staff_review_an_honour_yearly_and_a_failed_review_proposes_revocation(call, honour):
    staff = api(call.supervisor)
    url = f"{API}/honours/{honour.pk}/review/"
    assert api(call.experts[0]).post(url, {"year": TODAY().year, "passed": True, "note": "x"}).status_code == 403
    assert error_fields(staff.post(url, {"year": TODAY().year, "passed": True, "note": ""}, format="json"))["note"]
    passed = staff.post(url, {"year": TODAY().year, "passed": True, "note": "仍符合条件"}, format="json")
    assert passed.status_code == 201, passed.content
    assert passed.json()["passed"] and {check["code"] for check in passed.json()["checks"]} >= {"grade", "trading"}
    assert error_fields(staff.post(url, {"year": TODAY().year, "passed": False, "note": "x"}, format="json"))["year"]
    failed = staff.post(url, {"year": TODAY().year + 1, "passed": False, "note": "质量管理体系失效"}, format="json")
    assert failed.status_code == 201
    proposal = RevocationProposal.objects.get(honour=honour)
    assert proposal.cause == RevocationCause.YEARLY_REVIEW
    dismissed = staff.post(f"{API}/revocations/{proposal.pk}/dismiss/", {"note": "已整改到位"}, format="json")
    assert dismissed.status_code == 200 and dismissed.json()["status"] == ProposalStatus.DISMISSED
    assert anonymous().get(f"{API}/honours/").json()["count"] == 1


# Throttling, query counts and the schema.


def test_anonymous_objections_are_throttled(call, applicant):
    application = proposed(call, applicant[1])
    notice = services.notice_publish(actor=call.supervisor, programme=call.programme, text="公示")
    public = anonymous()
    url = f"{API}/notices/{notice.pk}/objections/"
    statuses = [public.post(url, {"application": application.pk}, format="json").status_code for _ in range(21)]
    assert statuses[:20] == [400] * 20 and statuses[20] == 429
    assert public.get(f"{API}/notices/").status_code == 200  # reading is not throttled


def test_the_objection_rate_comes_from_the_settings_when_named_there(call, applicant, settings):
    application = proposed(call, applicant[1])
    notice = services.notice_publish(actor=call.supervisor, programme=call.programme, text="公示")
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "brands_objection": "2/hour"},
    }
    url = f"{API}/notices/{notice.pk}/objections/"
    statuses = [anonymous().post(url, {"application": application.pk}, format="json").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def populate(count: int, *, staff, expert) -> None:
    """`count` more rows of every kind, straight into the tables (the services are tested above)."""
    start = Programme.objects.count()
    now = timezone.now()
    for number in range(start, start + count):
        enterprise = EnterpriseFactory()
        product = ProductFactory(enterprise=enterprise)
        programme = Programme.objects.create(
            kind=ProgrammeKind.FAMOUS_BRAND,
            year=2000 + number,
            title=f"名牌{number}",
            closes_on=TODAY(),
            award_count=1,
            created_by=staff,
        )
        application = Application.objects.create(
            programme=programme,
            enterprise=enterprise,
            product=product,
            summary="s",
            status=ApplicationStatus.AWARDED,
            stage="committee",
            eligible=True,
            checked_at=now,
            submitted_by=staff,
        )
        ReviewAssignment.objects.create(
            application=application,
            stage="paper",
            reviewer=expert,
            assigned_by=staff,
            status=ReviewStatus.SUBMITTED,
            scores=full_marks(),
            total=800,
        )
        notice = Notice.objects.create(
            programme=programme, text="公示", published_on=TODAY(), ends_on=TODAY(), published_by=staff
        )
        Objection.objects.create(notice=notice, application=application, name="王五", phone="13800000000", text="t")
        honour = Honour.objects.create(
            application=application,
            programme=programme,
            enterprise=enterprise,
            product=product,
            certificate_number=f"T-{number}",
            title=f"名牌产品{number}",
            awarded_on=TODAY(),
            valid_until=TODAY() + datetime.timedelta(days=365),
        )
        RevocationProposal.objects.create(honour=honour, cause=RevocationCause.GRADE_C, trigger=f"t:{number}")
        target = CultivationTarget.objects.create(
            enterprise=enterprise, year=2026, category="emerging", officer=staff, goal="g", plan="p", created_by=staff
        )
        Milestone.objects.create(target=target, title="m", due_on=TODAY())
        HelpRecord.objects.create(target=target, kind="training", given_on=TODAY(), description="d", recorded_by=staff)
        ProgressNote.objects.create(target=target, text="n", author=staff)


LISTS = ["targets", "programmes", "applications", "reviews", "notices", "objections", "honours", "revocations"]


def test_every_list_runs_the_same_number_of_queries_for_2_and_10_rows(db):
    staff, expert = UserFactory(role=Role.SUPERVISOR), UserFactory(role=Role.EXPERT)
    readers = {"staff": api(staff), "expert": api(expert), "public": anonymous()}
    paths = [("staff", name) for name in LISTS] + [
        ("expert", "reviews"),
        ("expert", "applications"),
        ("public", "notices"),
        ("public", "honours"),
    ]

    def counts() -> dict:
        measured = {}
        for reader, name in paths:
            with CaptureQueriesContext(connection) as queries:
                response = readers[reader].get(f"{API}/{name}/", {"page_size": 100})
            assert response.status_code == 200, (reader, name, response.content)
            measured[reader, name] = (len(queries), response.json()["count"])
        return measured

    populate(2, staff=staff, expert=expert)
    two = counts()
    populate(8, staff=staff, expert=expert)
    ten = counts()
    for key in paths:
        assert ten[key][1] == 10, key
        assert ten[key][0] == two[key][0] <= 6, (key, two[key][0], ten[key][0])


def test_the_openapi_schema_still_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for name in LISTS:
        assert f"/api/v1/brands/{name}/" in schema
    assert "/api/v1/brands/notices/{id}/objections/" in schema and "BrandApplicationStatusEnum" in schema
