"""The brand pages: who opens which, the cultivation plan, a call's rules and its applications, applying with the
eligibility explained, independent scoring, each stage's decision, the committee, the notice and its objections,
the award, the yearly review and revocation, the file's brands card, and bounded queries on the lists."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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
    TargetStatus,
)
from brands.models import Application, Conferral, CultivationTarget, Honour, Programme, RevocationProposal
from inspections.choices import Verdict
from tests.brands_flow import Call, full_marks
from tests.clients import signed_in
from tests.factories import (
    EnterpriseFactory,
    ProductFactory,
    UserFactory,
    assign_task,
    enterprise_user,
    final_task,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
STAFF_READERS = {Role.LEADER, Role.SUPERVISOR, Role.ADMIN}
STAFF = {Role.LEADER, Role.SUPERVISOR}


def points(fraction: float = 0.8, **override) -> dict:
    """The self-assessment or scoring fields of a form: `score_<code>` per GB/T 19580 category."""
    values = {f"score_{code}": value for code, value in full_marks(fraction).items()}
    values.update({f"score_{code}": value for code, value in override.items()})
    return values


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def call(reference_data):
    return Call(award_count=2, reviewers=5)


def in_review(call, count: int = 1) -> list[Application]:
    """`count` eligible applications, the review started."""
    applications = [call.apply(call.applicant()[1]) for _ in range(count)]
    call.start_review()
    return applications


def assign(call, application, experts) -> list:
    return services.reviewers_assign(actor=call.supervisor, application=application, reviewers=experts)


# Who opens what


PAGES = [
    ("brands:programmes", STAFF_READERS),
    ("brands:programme_create", STAFF),
    ("brands:targets", STAFF_READERS),
    ("brands:target_create", STAFF),
    ("brands:mine", {Role.ENTERPRISE}),
    ("brands:reviews", {Role.EXPERT}),
    ("brands:honours", STAFF_READERS),
    ("brands:proposals", STAFF_READERS),
]


@pytest.mark.parametrize(("url_name", "allowed"), PAGES)
@pytest.mark.parametrize("role", sorted(Role))
def test_brand_pages_by_role(client, actors, url_name, allowed, role):
    response = signed_in(client, actors[role]).get(reverse(url_name))
    assert response.status_code == (200 if role in allowed else 403)


def test_anonymous_users_log_in_first(client, call):
    [application] = in_review(call)
    for url in (reverse("brands:programmes"), reverse("brands:mine"), application.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_records_of_the_call_by_role(client, actors, call):
    """Each record's page for staff; 403 for roles with no part in it, 404 for a record not theirs."""
    applicant = call.applicant()[1]
    application = call.apply(applicant)
    call.start_review()
    [assignment, *_] = assign(call, application, call.experts[:3])
    outsider = enterprise_user(EnterpriseFactory())
    stranger_expert = UserFactory(role=Role.EXPERT)
    urls = {
        "programme": call.programme.get_absolute_url(),
        "application": application.get_absolute_url(),
        "review": assignment.get_absolute_url(),
    }
    expected = {
        call.supervisor: {"programme": 200, "application": 200, "review": 200},
        actors[Role.ADMIN]: {"programme": 200, "application": 200, "review": 200},
        applicant: {"programme": 403, "application": 200, "review": 403},
        assignment.reviewer: {"programme": 403, "application": 200, "review": 200},
        outsider: {"programme": 403, "application": 404, "review": 403},
        stranger_expert: {"programme": 403, "application": 404, "review": 404},
        call.experts[1]: {"programme": 403, "application": 200, "review": 404},  # on the application, not this review
        actors[Role.INSPECTOR]: {"programme": 403, "application": 403, "review": 403},
        actors[Role.LAB_TECHNICIAN]: {"programme": 403, "application": 403, "review": 403},
    }
    for user, statuses in expected.items():
        client.force_login(user)
        got = {name: client.get(url).status_code for name, url in urls.items()}
        assert got == statuses, user.role


def test_navigation_names_the_brand_pages_for_each_role(client, actors):
    expected = {
        Role.LEADER: {reverse("brands:programmes"), reverse("brands:targets")},
        Role.EXPERT: {reverse("brands:reviews")},
        Role.ENTERPRISE: {reverse("brands:mine")},
        Role.INSPECTOR: set(),
    }
    brand_urls = {reverse(name) for name, _allowed in PAGES}
    for role, urls in expected.items():
        nav = signed_in(client, actors[role]).get(reverse("home")).context["nav_items"]
        assert {item["url"] for item in nav} & brand_urls == urls


def test_the_expert_home_page_lists_open_assignments(client, call):
    [application] = in_review(call)
    [open_one, done] = assign(call, application, call.experts[:2])
    services.review_submit(actor=done.reviewer, assignment=done, scores=full_marks())
    client = signed_in(client, open_one.reviewer)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and list(response.context["assignments"]) == [open_one]
    assert f'data-assignment="{open_one.pk}"' in page(response)
    client.force_login(done.reviewer)
    assert list(client.get(reverse("home")).context["assignments"]) == []
    reviews = client.get(reverse("brands:reviews"))
    assert [row.pk for row in reviews.context["page"]] == [done.pk]


# Cultivation targets


def test_staff_keep_a_cultivation_plan_and_the_enterprise_reads_it(client, actors, enterprise):
    supervisor, leader = actors[Role.SUPERVISOR], actors[Role.LEADER]
    client = signed_in(client, supervisor)
    response = client.post(
        reverse("brands:target_create"),
        {
            "credit_code": enterprise.credit_code.lower(),
            "year": TODAY().year,
            "category": "hidden_champion",
            "officer": leader.pk,
            "goal": "争创省长质量奖",
            "plan": "导入卓越绩效管理模式",
        },
    )
    target = CultivationTarget.objects.get(enterprise=enterprise)
    assert response.status_code == 302 and response["Location"] == target.get_absolute_url()
    assert (target.officer, target.created_by) == (leader, supervisor)
    # The same enterprise twice in a year: the service's refusal shows on the form, nothing is created.
    again = client.post(
        reverse("brands:target_create"),
        {
            "credit_code": enterprise.credit_code,
            "year": TODAY().year,
            "category": "emerging",
            "officer": leader.pk,
            "goal": "x",
            "plan": "y",
        },
    )
    assert again.status_code == 200 and again.context["form"].errors
    assert CultivationTarget.objects.count() == 1

    url = target.get_absolute_url()
    edit_url = reverse("brands:target_edit", args=[target.pk])
    assert "credit_code" not in client.get(edit_url).context["form"].fields  # the enterprise stays
    edited = {"year": TODAY().year, "category": "industry_leader", "officer": supervisor.pk, "goal": "争创中国质量奖"}
    assert client.post(edit_url, {**edited, "plan": "导入卓越绩效管理模式"}).status_code == 302
    target.refresh_from_db()
    assert (target.category, target.officer, target.goal) == ("industry_leader", supervisor, "争创中国质量奖")
    due = TODAY() + datetime.timedelta(days=60)
    assert client.post(url, {"action": "milestone", "title": "通过质量管理体系认证", "due_on": due}).status_code == 302
    missing = client.post(url, {"action": "milestone", "title": " ", "due_on": due})
    assert "title" in missing.context["milestone_form"].errors
    milestone = target.milestones.get()
    done = client.post(url, {"action": "done", "milestone": milestone.pk, "done_on": TODAY(), "note": "已发证"})
    assert done.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == TODAY()
    help_given = {"action": "help", "kind": "metrology", "given_on": TODAY(), "description": "免费校准关键计量器具"}
    assert client.post(url, help_given).status_code == 302
    assert client.post(url, {"action": "note", "text": "体系运行良好"}).status_code == 302
    no_reason = client.post(url, {"action": "close", "note": ""})
    assert "note" in no_reason.context["close_form"].errors

    client.force_login(actors[Role.ENTERPRISE])
    mine = client.get(reverse("brands:mine"))
    text = page(mine)
    assert [t.pk for t in mine.context["targets"]] == [target.pk]
    assert "通过质量管理体系认证" in text and "免费校准关键计量器具" in text and "体系运行良好" in text
    assert 'data-testid="milestone-form"' not in text
    detail = client.get(url)
    assert detail.status_code == 200 and not detail.context["can_manage"]
    assert 'data-testid="note-form"' not in page(detail)
    assert client.post(url, {"action": "note", "text": "自己写的"}).status_code == 403
    assert client.get(reverse("brands:target_edit", args=[target.pk])).status_code == 403

    client.force_login(enterprise_user(EnterpriseFactory()))
    assert client.get(url).status_code == 404
    client.force_login(actors[Role.INSPECTOR])
    assert client.get(url).status_code == 403

    client.force_login(supervisor)
    closed = client.post(url, {"action": "close", "note": "已获评市长质量奖"})
    target.refresh_from_db()
    assert closed.status_code == 302 and target.status == TargetStatus.CLOSED


def test_the_target_list_filters_and_reads_bounded_queries(client, actors, django_assert_max_num_queries):
    leader, supervisor = actors[Role.LEADER], actors[Role.SUPERVISOR]
    year = TODAY().year
    for n in range(12):
        target = services.target_save(
            actor=supervisor,
            values={
                "enterprise": EnterpriseFactory(),
                "year": year - n % 2,
                "category": "industry_leader" if n % 3 else "emerging",
                "officer": leader if n % 2 else supervisor,
                "goal": f"目标{n}",
                "plan": "计划",
            },
        )
        services.milestone_add(actor=supervisor, target=target, title="里程碑", due_on=TODAY())
    client = signed_in(client, leader)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("brands:targets"))
    assert len(response.context["page"]) == 12
    filtered = client.get(reverse("brands:targets"), {"year": year, "officer": supervisor.pk, "category": "emerging"})
    rows = list(filtered.context["page"])
    assert rows and all((t.year, t.officer_id, t.category) == (year, supervisor.pk, "emerging") for t in rows)
    assert client.get(reverse("brands:targets"), {"status": "closed"}).context["page"].paginator.count == 0


# Programmes


def test_staff_make_a_call_with_its_rules_as_fields(client, actors):
    client = signed_in(client, actors[Role.SUPERVISOR])
    values = {
        "kind": ProgrammeKind.FAMOUS_BRAND,
        "year": TODAY().year,
        "title": "岳阳名牌产品评价",
        "description": "申报须知",
        "closes_on": TODAY() + datetime.timedelta(days=20),
        "award_count": 10,
        "validity_years": 3,
        "stages": ["committee", "paper"],
        "min_reviewers": 3,
        "trim_from": 5,
        "grades": ["A"],
        "clean_years": 2,
        "trading_years": 5,
        "valid_licences": "on",
        "notice_working_days": 7,
    }
    no_scored_stage = client.post(reverse("brands:programme_create"), {**values, "stages": ["committee"]})
    assert "stages" in no_scored_stage.context["form"].errors
    no_grade = client.post(reverse("brands:programme_create"), {**values, "grades": []})
    assert "grades" in no_grade.context["form"].errors
    assert not Programme.objects.exists()
    response = client.post(reverse("brands:programme_create"), values)
    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    assert programme.stages == ["paper", "committee"]
    assert programme.eligibility == {"grades": ["A"], "clean_years": 2, "trading_years": 5, "valid_licences": True}
    detail = client.get(programme.get_absolute_url())
    assert detail.status_code == 200 and 'data-testid="start-review"' in page(detail)
    client.force_login(actors[Role.ADMIN])
    assert 'data-testid="start-review"' not in page(client.get(programme.get_absolute_url()))
    assert client.post(programme.get_absolute_url(), {"action": "start_review"}).status_code == 403
    client.force_login(actors[Role.SUPERVISOR])
    assert client.post(programme.get_absolute_url(), {"action": "start_review"}).status_code == 302
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.REVIEWING


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_call_page_groups_applications_with_scores_and_ranks_in_bounded_queries(client, reference_data):
    counts = {}
    for size in (2, 10):
        call = Call(reviewers=2, title=f"第{size}届", year=2000 + size)
        applications = in_review(call, size)
        for n, application in enumerate(applications):
            call.score(application, (0.9 - n * 0.01, 0.5))
        client.force_login(call.supervisor)
        counts[size] = _queries(client, call.programme.get_absolute_url())
        response = client.get(call.programme.get_absolute_url())
        [group] = response.context["groups"]
        assert (group["status"], group["stage"]) == (ApplicationStatus.IN_REVIEW, "paper")
        ranks = [a.current_score.rank for a in group["applications"]]
        assert ranks == list(range(1, size + 1))
        assert group["applications"][0].pk == applications[0].pk
    assert counts[2] == counts[10]


# Applying


def test_an_enterprise_applies_and_sees_its_eligibility_explained(client, call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enterprise, user = call.applicant()
    client = signed_in(client, user)
    mine = client.get(reverse("brands:mine"))
    assert [c.pk for c in mine.context["calls"]] == [call.programme.pk]
    apply_url = reverse("brands:apply", args=[call.programme.pk])
    assert apply_url in page(mine)
    form_page = client.get(apply_url)
    assert form_page.status_code == 200 and 'name="score_results"' in page(form_page)
    assert "product" not in form_page.context["form"].fields  # the quality award honours the enterprise
    upload = SimpleUploadedFile("自评报告.pdf", b"%PDF-1.4 self-assessment", content_type="application/pdf")
    response = client.post(apply_url, {"summary": "质量管理成效显著", **points(0.75), "attachments": [upload]})
    application = Application.objects.get(enterprise=enterprise)
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.status == ApplicationStatus.IN_REVIEW and application.self_total == 750
    detail = client.get(application.get_absolute_url())
    text = page(detail)
    assert 'data-testid="eligible"' in text and 'data-passed="no"' not in text
    assert {check["code"] for check in detail.context["checks"]} == {
        "grade",
        "spot_checks",
        "blacklist",
        "licences",
        "trading",
    }
    [stored] = detail.context["attachments"]
    download = client.get(reverse("brands:attachment", args=[application.pk, stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 self-assessment"
    # Applying again leads to the application made.
    assert client.get(apply_url)["Location"] == application.get_absolute_url()
    # Another enterprise reaches neither the application nor its attachment.
    client.force_login(call.applicant()[1])
    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.get(reverse("brands:attachment", args=[application.pk, stored.pk])).status_code == 404


def test_an_ineligible_applicant_sees_which_rule_failed_and_why(client, call):
    enterprise, user = call.applicant()
    final_task(enterprise, Verdict.NONCONFORMING, days_ago=100)
    client = signed_in(client, user)
    response = client.post(reverse("brands:apply", args=[call.programme.pk]), {"summary": "申报", **points()})
    application = Application.objects.get(enterprise=enterprise)
    assert application.status == ApplicationStatus.INELIGIBLE
    detail = client.get(response["Location"])
    text = page(detail)
    assert 'data-testid="ineligible"' in text
    assert 'data-testid="check-spot_checks" data-passed="no"' in text
    assert 'data-testid="check-grade" data-passed="yes"' in text
    failed = [check for check in detail.context["checks"] if not check["passed"]]
    assert [check["code"] for check in failed] == ["spot_checks"] and "1" in failed[0]["explanation"]
    assert 'data-testid="bypass-form"' not in text  # staff only
    assert client.post(application.get_absolute_url(), {"action": "bypass", "reason": "x"}).status_code == 403


def test_a_bad_self_assessment_is_a_field_error_and_creates_nothing(client, call):
    _enterprise, user = call.applicant()
    client = signed_in(client, user)
    url = reverse("brands:apply", args=[call.programme.pk])
    response = client.post(url, {"summary": "申报", **points(results=401, leadership="许多")})
    form = response.context["form"]
    assert response.status_code == 200 and set(form.errors) == {"score_results", "score_leadership"}
    assert 'class="has-error"' in page(response)
    empty = client.post(url, {"summary": " ", **points()})
    assert "summary" in empty.context["form"].errors  # the service's refusal, on its field
    assert not Application.objects.exists()


def test_a_famous_brand_call_offers_only_the_applicants_current_products(client, reference_data):
    call = Call(kind=ProgrammeKind.FAMOUS_BRAND, title="名牌产品")
    enterprise, user = call.applicant()
    current = ProductFactory(enterprise=enterprise)
    ProductFactory(enterprise=enterprise, discontinued_on=TODAY())
    others = ProductFactory()
    client = signed_in(client, user)
    url = reverse("brands:apply", args=[call.programme.pk])
    assert list(client.get(url).context["form"].fields["product"].queryset) == [current]
    refused = client.post(url, {"summary": "申报", "product": others.pk, **points()})
    assert "product" in refused.context["form"].errors
    missing = client.post(url, {"summary": "申报", **points()})
    assert "product" in missing.context["form"].errors
    assert client.post(url, {"summary": "申报", "product": current.pk, **points()}).status_code == 302
    assert Application.objects.get().product == current


def test_a_closed_call_takes_no_application(client, call):
    call.start_review()
    client = signed_in(client, call.applicant()[1])
    url = reverse("brands:apply", args=[call.programme.pk])
    assert 'data-testid="call-closed"' in page(client.get(url))
    response = client.post(url, {"summary": "申报", **points()})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Application.objects.exists()


def test_admitting_an_ineligible_application_needs_a_reason(client, call):
    enterprise, user = call.applicant(established_on=TODAY() - datetime.timedelta(days=400))
    application = call.apply(user)
    assert application.status == ApplicationStatus.INELIGIBLE
    client = signed_in(client, call.supervisor)
    url = application.get_absolute_url()
    assert 'data-testid="bypass-form"' in page(client.get(url))
    refused = client.post(url, {"action": "bypass", "reason": "  "})
    assert refused.status_code == 200 and "reason" in refused.context["bypass_form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE
    assert client.post(url, {"action": "bypass", "reason": "经局务会研究同意破格参评"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW and application.bypassed_by == call.supervisor
    client.force_login(user)
    assert "经局务会研究同意破格参评" in page(client.get(url))


def test_the_enterprise_withdraws_its_application(client, call):
    _enterprise, user = call.applicant()
    application = call.apply(user)
    client = signed_in(client, user)
    assert client.post(application.get_absolute_url(), {"action": "withdraw", "reason": "资料不全"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    client.force_login(call.supervisor)
    assert client.post(application.get_absolute_url(), {"action": "withdraw", "reason": "x"}).status_code == 403


# Expert review


def test_staff_assign_reviewers_from_the_active_experts(client, call):
    [application] = in_review(call)
    inactive = UserFactory(role=Role.EXPERT, is_active=False)
    client = signed_in(client, call.supervisor)
    url = application.get_absolute_url()
    offered = set(client.get(url).context["assign_form"].fields["reviewers"].queryset)
    assert offered == set(call.experts)
    none = client.post(url, {"action": "assign"})
    assert "reviewers" in none.context["assign_form"].errors
    assert client.post(url, {"action": "assign", "reviewers": [inactive.pk]}).context["assign_form"].errors
    chosen = [expert.pk for expert in call.experts[:3]]
    assert client.post(url, {"action": "assign", "reviewers": chosen}).status_code == 302
    assert set(application.reviews.values_list("reviewer_id", flat=True)) == set(chosen)
    assert set(client.get(url).context["assign_form"].fields["reviewers"].queryset) == set(call.experts[3:])
    client.force_login(call.experts[0])
    assert client.post(url, {"action": "assign", "reviewers": chosen}).status_code == 403


def test_reviewers_score_independently(client, call):
    applicant = call.applicant()[1]
    application = call.apply(applicant)
    call.start_review()
    first, second, third = assign(call, application, call.experts[:3])
    url = application.get_absolute_url()
    services.review_submit(actor=second.reviewer, assignment=second, scores=full_marks(0.6), comment="第二位意见")

    client = signed_in(client, first.reviewer)
    before = client.get(url)
    [group] = before.context["panel"]
    assert [review.pk for review in group["reviews"]] == [first.pk]  # only their own, not yet submitted
    assert "第二位意见" not in page(before) and "600" not in page(before)
    review_page = client.get(first.get_absolute_url())
    assert review_page.context["can_act"] and review_page.context["peers"] == []
    assert 'data-testid="score-form"' in page(review_page)

    bad = client.post(first.get_absolute_url(), {"action": "score", **points(0.9, results=450)})
    assert "score_results" in bad.context["score_form"].errors
    first.refresh_from_db()
    assert first.status == ReviewStatus.ASSIGNED
    done = client.post(first.get_absolute_url(), {"action": "score", **points(0.9), "comment": "优秀"})
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.status == ReviewStatus.SUBMITTED and first.total == 900

    after = client.get(url)
    [group] = after.context["panel"]
    assert {review.pk for review in group["reviews"]} == {first.pk, second.pk}  # not the third, still assigned
    assert "第二位意见" in page(after) and second.reviewer.get_full_name() not in page(after)
    peers = client.get(first.get_absolute_url()).context["peers"]
    assert [review.pk for review in peers] == [second.pk]
    again = client.post(first.get_absolute_url(), {"action": "score", **points(0.1)})
    assert again.context["score_form"].non_field_errors()  # submitted scores are final
    first.refresh_from_db()
    assert first.total == 900

    # The third, not yet submitted, sees nothing of the others.
    client.force_login(third.reviewer)
    [group] = client.get(url).context["panel"]
    assert [review.pk for review in group["reviews"]] == [third.pk]
    assert client.get(third.get_absolute_url()).context["peers"] == []
    # Staff see every assignment with the reviewers' names.
    client.force_login(call.supervisor)
    staff_view = client.get(url)
    assert len(staff_view.context["panel"][0]["reviews"]) == 3
    assert first.reviewer.get_full_name() in page(staff_view)
    # The enterprise sees no reviewer and no score.
    client.force_login(applicant)
    own_view = client.get(url)
    assert own_view.context["panel"] == [] and "第二位意见" not in page(own_view)
    assert first.reviewer.get_full_name() not in page(own_view)


def test_a_reviewer_recuses_with_the_conflict_stated(client, call):
    [application] = in_review(call)
    [assignment] = assign(call, application, call.experts[:1])
    client = signed_in(client, assignment.reviewer)
    url = assignment.get_absolute_url()
    assert "reason" in client.post(url, {"action": "recuse", "reason": ""}).context["recuse_form"].errors
    assert client.post(url, {"action": "recuse", "reason": "曾任该企业顾问"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == ReviewStatus.RECUSED and assignment.recusal_reason == "曾任该企业顾问"
    recused = client.get(url)
    assert not recused.context["can_act"] and 'data-testid="recused-note"' in page(recused)
    assert application.summary not in page(recused)
    # The file is no longer open to them, nor its attachments.
    assert client.get(application.get_absolute_url()).status_code == 404
    client.force_login(call.experts[1])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "recuse", "reason": "x"}).status_code == 404


def test_staff_decide_a_stage_and_the_enterprise_sees_the_outcome(client, call):
    applicant = call.applicant()[1]
    application = call.apply(applicant)
    call.start_review()
    url = application.get_absolute_url()
    client = signed_in(client, call.supervisor)
    assign(call, application, call.experts[:2])
    early = client.post(url, {"action": "decide", "decision": "advance"})
    assert early.status_code == 200 and early.context["decide_form"].non_field_errors()
    application.refresh_from_db()
    assert application.stage == "paper"
    for assignment in application.reviews.all():
        services.review_submit(actor=assignment.reviewer, assignment=assignment, scores=full_marks(0.7))
    too_few = client.post(url, {"action": "decide", "decision": "advance"})
    assert too_few.context["decide_form"].non_field_errors()  # 3 scores needed, 2 submitted
    assign(call, application, call.experts[2:3])
    last = application.reviews.get(reviewer=call.experts[2])
    services.review_submit(actor=last.reviewer, assignment=last, scores=full_marks(0.8))
    assert client.get(url).context["current_score"].score == pytest.approx(733.33, abs=0.01)
    no_note = client.post(url, {"action": "decide", "decision": "stop"})
    assert "note" in no_note.context["decide_form"].errors
    assert client.post(url, {"action": "decide", "decision": "advance", "note": "进入答辩"}).status_code == 302
    application.refresh_from_db()
    assert application.stage == "presentation"

    client.force_login(applicant)
    own = client.get(url)
    [result] = own.context["results"]
    assert (result.stage, result.advanced, result.note) == ("paper", True, "进入答辩")
    text = page(own)
    assert 'data-testid="result-score">733.33' in text
    assert call.supervisor.get_full_name() not in text
    assert not any(expert.get_full_name() in text for expert in call.experts)
    client.force_login(call.experts[0])
    assert client.get(url).context["results"] == []


def test_only_a_leader_records_the_committee_decision(client, call):
    [application, other] = in_review(call, 2)
    for each in (application, other):
        call.through_scored_stages(each)
    url = application.get_absolute_url()
    client = signed_in(client, call.supervisor)
    staff_view = client.get(url)
    assert not staff_view.context["can_committee"] and 'data-testid="committee-waits"' in page(staff_view)
    assert client.post(url, {"action": "committee", "decision": "propose"}).status_code == 403
    client.force_login(call.leader)
    assert 'data-testid="committee-form"' in page(client.get(url))
    assert client.post(url, {"action": "committee", "decision": "propose"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PROPOSED
    no_note = client.post(other.get_absolute_url(), {"action": "committee", "decision": "not"})
    assert "note" in no_note.context["committee_form"].errors
    assert (
        client.post(other.get_absolute_url(), {"action": "committee", "decision": "not", "note": "得分靠后"})
    ).status_code == 302
    other.refresh_from_db()
    assert other.status == ApplicationStatus.NOT_SELECTED


# The notice, objections and the award


def _proposed(call, count: int = 2) -> list[Application]:
    applications = in_review(call, count)
    for application in applications:
        call.through_scored_stages(application)
        services.committee_decide(actor=call.leader, application=application, propose=True)
    return applications


def test_staff_publish_the_notice_from_the_call_page(client, call):
    _proposed(call, 1)
    url = call.programme.get_absolute_url()
    client = signed_in(client, call.supervisor)
    assert 'data-testid="notice-form"' in page(client.get(url))
    empty = client.post(url, {"action": "notice", "text": ""})
    assert "text" in empty.context["notice_form"].errors
    assert client.post(url, {"action": "notice", "text": "拟授予名单公示"}).status_code == 302
    programme = Programme.objects.get(pk=call.programme.pk)
    assert programme.status == ProgrammeStatus.NOTICE and programme.notice.ends_on > TODAY()
    response = client.get(url)
    assert response.context["notice_open"] and 'data-testid="notice-ends"' in page(response)
    assert programme.notice.get_absolute_url() in page(response)  # its public page
    # The submission to the conferring body waits for the notice period, and the leader.
    assert 'data-testid="submit-form"' not in page(response)
    client.force_login(call.leader)
    refused = client.post(url, {"action": "submit"})
    assert refused.status_code == 200 and refused.context["submit_form"].non_field_errors()
    assert not Conferral.objects.exists() and not Honour.objects.exists()


def test_objections_are_resolved_and_the_leader_awards(client, call):
    winner, objected = _proposed(call, 2)
    notice = services.notice_publish(
        actor=call.supervisor, programme=call.programme, text="公示", today=TODAY() - datetime.timedelta(days=14)
    )
    objection = services.objection_file(
        actor=None,
        notice=notice,
        application=objected,
        values={"name": "王五", "phone": "13800000000", "text": "该企业存在质量问题"},
        today=notice.published_on,
    )
    url = call.programme.get_absolute_url()
    client = signed_in(client, call.leader)
    response = client.get(url)
    assert response.context["open_objections"] == 1 and f'data-objection="{objection.pk}"' in page(response)
    assert 'data-testid="submit-form"' in page(response)
    client.post(url, {"action": "submit"})
    assert not Conferral.objects.exists()  # an objection is open
    no_note = client.post(url, {"action": "resolve", "objection": objection.pk, "resolution": "upheld", "note": ""})
    [shown] = [o for o in no_note.context["objections"] if o.pk == objection.pk]
    assert "note" in shown.resolve_form.errors
    client.force_login(call.experts[0])
    assert client.post(url, {"action": "resolve", "objection": objection.pk}).status_code == 403
    client.force_login(call.supervisor)
    resolved = client.post(
        url, {"action": "resolve", "objection": objection.pk, "resolution": "upheld", "note": "经核实属实"}
    )
    assert resolved.status_code == 302
    objection.refresh_from_db()
    objected.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and objected.status == ApplicationStatus.NOT_SELECTED
    assert client.post(url, {"action": "submit"}).status_code == 403  # a supervisor does not submit
    client.force_login(call.leader)
    assert client.post(url, {"action": "submit", "note": "岳市监函〔2026〕8号"}).status_code == 302
    response = client.get(url)
    assert response.context["programme"].status == ProgrammeStatus.SUBMITTED and not Honour.objects.exists()
    assert 'data-testid="awaiting-decision"' in page(response) and 'data-testid="decision-form"' in page(response)
    assert "岳阳市人民政府" in page(response)  # the conferring body of the quality award
    client.force_login(call.supervisor)
    decision = {"action": "decide", "conferring_body": "岳阳市人民政府", "decided_on": TODAY().isoformat()}
    assert client.post(url, {**decision, "document_number": "岳政发〔2026〕12号"}).status_code == 403
    client.force_login(call.leader)
    missing = client.post(url, decision)  # no document number
    assert "document_number" in missing.context["decide_form"].errors and not Honour.objects.exists()
    assert client.post(url, {**decision, "document_number": "岳政发〔2026〕12号"}).status_code == 302
    [honour] = Honour.objects.all()
    assert honour.application == winner and honour.decision_number == "岳政发〔2026〕12号"
    assert honour.conferring_body == "岳阳市人民政府" and honour.awarded_on == TODAY()
    response = client.get(url)
    assert [h.pk for h in response.context["honours"]] == [honour.pk]
    assert response.context["programme"].status == ProgrammeStatus.DECIDED
    assert 'data-testid="document-number">岳政发〔2026〕12号' in page(response)


# Honours, the yearly review and revocation


def _honour(call) -> Honour:
    [application] = _proposed(call, 1)
    services.notice_publish(
        actor=call.supervisor, programme=call.programme, text="公示", today=TODAY() - datetime.timedelta(days=14)
    )
    [honour] = call.award()
    return honour


def test_a_failed_yearly_review_proposes_revocation_and_staff_confirm_it(client, call):
    honour = _honour(call)
    client = signed_in(client, call.supervisor)
    url = honour.get_absolute_url()
    assert 'data-testid="honour-review-form"' in page(client.get(url))
    no_findings = client.post(url, {"action": "review", "year": TODAY().year, "passed": "no", "note": ""})
    assert "note" in no_findings.context["review_form"].errors
    passed = {"action": "review", "year": TODAY().year, "passed": "yes", "note": "符合"}
    assert client.post(url, passed).status_code == 302
    twice = client.post(url, {"action": "review", "year": TODAY().year, "passed": "no", "note": "重复"})
    assert "year" in twice.context["review_form"].errors
    next_year = TODAY().year + 1
    failed = {"action": "review", "year": next_year, "passed": "no", "note": "质量下滑"}
    assert client.post(url, failed).status_code == 302
    detail = client.get(url)
    assert [review.passed for review in detail.context["reviews"]] == [False, True]
    assert detail.context["reviews"][0].explained  # the record checked, explained
    assert 'data-testid="check-grade"' in page(detail)
    proposal = RevocationProposal.objects.get(honour=honour)

    proposals = client.get(reverse("brands:proposals"))
    assert [p.pk for p in proposals.context["page"]] == [proposal.pk]
    proposal_url = proposal.get_absolute_url()
    assert "note" in client.post(proposal_url, {"action": "decide", "decision": "confirm"}).context["form"].errors
    client.force_login(call.applicant()[1])
    assert client.get(proposal_url).status_code == 403
    client.force_login(call.supervisor)
    assert client.post(proposal_url, {"action": "decide", "decision": "confirm", "note": "撤销称号"}).status_code == 302
    proposal.refresh_from_db()
    honour.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED and honour.status == HonourStatus.REVOKED
    assert [h.pk for h in client.get(reverse("brands:honours"), {"status": "revoked"}).context["page"]] == [honour.pk]
    assert not client.get(reverse("brands:honours"), {"status": "current"}).context["page"].paginator.count
    assert 'data-testid="honour-review-form"' not in page(client.get(url))


def test_the_holder_reads_its_honour_and_others_do_not(client, call):
    honour = _honour(call)
    holder = enterprise_user(honour.enterprise)
    client = signed_in(client, holder)
    response = client.get(honour.get_absolute_url())
    assert response.status_code == 200 and response.context["proposals"] == []
    assert 'data-testid="honour-review-form"' not in page(response)
    assert [h.pk for h in client.get(reverse("brands:mine")).context["honours"]] == [honour.pk]
    client.force_login(call.applicant()[1])
    assert client.get(honour.get_absolute_url()).status_code == 404
    client.force_login(call.experts[0])
    assert client.get(honour.get_absolute_url()).status_code == 403


# The enterprise's file


def test_the_file_shows_brands_to_whom_they_concern(client, actors, call):
    honour = _honour(call)
    enterprise = honour.enterprise
    services.target_save(
        actor=call.supervisor,
        values={
            "enterprise": enterprise,
            "year": TODAY().year,
            "category": "industry_leader",
            "officer": call.supervisor,
            "goal": "争创中国质量奖",
            "plan": "计划",
        },
    )

    def section(response):
        return next((ctx for name, ctx in response.context["sections"] if name == "brands/file_section.html"), None)

    client = signed_in(client, call.supervisor)
    client.cookies["django_language"] = "en"
    response = client.get(enterprise.get_absolute_url())
    staff_section = section(response)
    assert [h.pk for h in staff_section["honours"]] == [honour.pk]
    assert len(staff_section["targets"]) == 1 and len(staff_section["applications"]) == 1
    titles = [event.title for event in response.context["timeline"] if event.section == "Brands"]
    assert any(title.startswith("Honour awarded") for title in titles)
    assert any(title.startswith("Applied") for title in titles)

    client.force_login(enterprise_user(enterprise))
    own = section(client.get(enterprise.get_absolute_url()))
    assert len(own["targets"]) == 1 and len(own["applications"]) == 1

    # An inspector with a task there sees the current honour (it is public) and nothing else.
    inspector = actors[Role.INSPECTOR]
    assign_task(inspector, enterprise)
    client.force_login(inspector)
    theirs = section(client.get(enterprise.get_absolute_url()))
    assert theirs is not None and theirs["targets"] == [] and theirs["applications"] == []
    assert [h.pk for h in theirs["honours"]] == [honour.pk]


@pytest.mark.parametrize("size", [2, 12])
def test_the_lists_read_bounded_queries(client, call, size, django_assert_max_num_queries):
    applications = in_review(call, size)
    expert = call.experts[0]
    for application in applications:
        assign(call, application, [expert])
        Honour.objects.create(
            application=application,
            programme=call.programme,
            enterprise=application.enterprise,
            certificate_number=f"T-{application.pk}",
            title=f"荣誉{application.pk}",
            awarded_on=TODAY(),
            valid_until=TODAY() + datetime.timedelta(days=365),
        )
        RevocationProposal.objects.create(
            honour=application.honour, cause="grade_c", trigger=f"test:{application.pk}", detail="C"
        )
    client = signed_in(client, expert)
    with django_assert_max_num_queries(10):
        assert len(client.get(reverse("brands:reviews")).context["page"]) == size
    with django_assert_max_num_queries(10):
        assert len(client.get(reverse("home")).context["assignments"]) == size
    client.force_login(call.supervisor)
    for name in ("brands:honours", "brands:proposals", "brands:programmes"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse(name)).status_code == 200
    client.force_login(applications[0].submitted_by)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("brands:mine")).status_code == 200
