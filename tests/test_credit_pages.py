"""The credit pages: the grade card in the file and who sees it, the overview's filters and bounded queries,
overrides with four eyes, the scoring model's new version, the dishonesty list with its public page and credit
repair, warnings, runs, and licence revocation."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.models import JobRun
from credit.choices import (
    Grade,
    GradeCause,
    OverrideStatus,
    WarningKind,
    WarningStatus,
)
from credit.models import (
    BlacklistEntry,
    CreditGrade,
    GradeChange,
    GradeOverride,
    RiskWarning,
    ScoringModel,
)
from credit.recalculation import recalculate
from enterprises.models import Licence
from inspections.choices import TaskStatus, Verdict
from inspections.models import Task
from tests.clients import signed_in
from tests.factories import (
    BlacklistEntryFactory,
    CampaignFactory,
    EnterpriseFactory,
    LicenceFactory,
    UserFactory,
    enterprise_user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def conforming_checks(enterprise, count: int = 2) -> None:
    """Recent clean spot checks: two lift a fresh enterprise (base 80, +5 each up to 10) to grade A."""
    campaign = CampaignFactory()
    for _ in range(count):
        Task.objects.create(
            campaign=campaign,
            enterprise=enterprise,
            due_on=TODAY(),
            status=TaskStatus.FINAL,
            verdict=Verdict.CONFORMING,
            finalised_at=timezone.now() - datetime.timedelta(days=10),
        )


def credit_section(response) -> dict | None:
    """The credit card's context on a file page, or None when the page has no credit section for this user."""
    return next((context for name, context in response.context["sections"] if name == "credit/file_section.html"), None)


def listed(enterprise, *, published_on=None, number="岳市监信〔2026〕1号", **values) -> BlacklistEntry:
    return BlacklistEntryFactory(
        enterprise=enterprise, decision_number=number, published_on=published_on or TODAY(), **values
    )


# The grade in the enterprise's file


def test_the_file_shows_not_graded_yet_before_the_first_recalculation(client, actors, enterprise):
    response = signed_in(client, actors[Role.SUPERVISOR]).get(enterprise.get_absolute_url())
    section = credit_section(response)
    assert section is not None and section["grade"] is None
    assert 'data-testid="not-graded"' in response.content.decode()


def test_staff_see_the_grade_its_explanation_risk_and_history_in_the_file(client, actors, enterprise):
    conforming_checks(enterprise)
    recalculate(cause=GradeCause.MANUAL)
    response = signed_in(client, actors[Role.LEADER]).get(enterprise.get_absolute_url())
    section = credit_section(response)
    assert section["grade"].grade == Grade.A and section["staff"]
    assert section["explanation"].thresholds == {"A": 90, "B": 60}
    conforming = next(line for line in section["explanation"].lines if line.indicator.code == "conforming")
    assert (conforming.value, conforming.contribution, conforming.cap) == (2, 10, 10)
    assert [change.grade for change in section["changes"]] == [Grade.A]
    page = response.content.decode()
    assert 'data-testid="credit-grade">A<' in page and 'data-testid="risk-score"' in page
    assert reverse("credit:recalculate", args=[enterprise.pk]) in page
    assert reverse("credit:override_request", args=[enterprise.pk]) in page
    # The grade change is on the file's timeline too.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    timeline = client.get(enterprise.get_absolute_url()).context["timeline"]
    assert [event.title for event in timeline if event.section == "Credit grade"] == ["First grade: A"]


def test_the_enterprise_sees_its_own_explanation_but_not_the_risk_or_staff_actions(client, actors, enterprise):
    recalculate(cause=GradeCause.MANUAL)
    client = signed_in(client, actors[Role.ENTERPRISE])
    response = client.get(enterprise.get_absolute_url())
    section = credit_section(response)
    assert section["grade"].grade == Grade.B and not section["staff"]
    assert section["explanation"].outlook  # what would raise it to A
    page = response.content.decode()
    assert 'data-testid="risk-score"' not in page
    assert reverse("credit:recalculate", args=[enterprise.pk]) not in page
    assert reverse("credit:override_request", args=[enterprise.pk]) not in page
    assert client.get(reverse("credit:history", args=[enterprise.pk])).status_code == 200
    assert client.get(reverse("credit:overview")).status_code == 403
    mine = client.get(reverse("credit:mine"))
    assert mine.status_code == 200 and mine.context["section"]["grade"].enterprise_id == enterprise.pk


def test_another_enterprise_and_inspectors_do_not_see_the_grade(
    client, actors, enterprise, other_enterprise, inspector_at_enterprise
):
    recalculate(cause=GradeCause.MANUAL)
    outsider = signed_in(client, enterprise_user(other_enterprise))
    assert outsider.get(enterprise.get_absolute_url()).status_code == 404
    assert outsider.get(reverse("credit:history", args=[enterprise.pk])).status_code == 404
    assert outsider.post(reverse("credit:recalculate", args=[enterprise.pk])).status_code == 403
    client.logout()
    inspector = signed_in(client, inspector_at_enterprise)
    inspector.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = inspector.get(enterprise.get_absolute_url())
    assert response.status_code == 200 and credit_section(response) is None
    assert "Credit grade" not in {event.section for event in response.context["timeline"]}
    assert inspector.get(reverse("credit:history", args=[enterprise.pk])).status_code == 403
    assert inspector.get(reverse("credit:overview")).status_code == 403
    assert inspector.get(reverse("credit:mine")).status_code == 403
    client.logout()
    lab = signed_in(client, actors[Role.LAB_TECHNICIAN])
    assert lab.get(reverse("credit:history", args=[enterprise.pk])).status_code == 404


def test_recalculate_now_writes_a_manual_change_when_the_grade_moved(client, actors, enterprise):
    recalculate(cause=GradeCause.SCHEDULED)
    conforming_checks(enterprise)
    response = signed_in(client, actors[Role.SUPERVISOR]).post(reverse("credit:recalculate", args=[enterprise.pk]))
    assert response.status_code == 302
    latest = GradeChange.objects.filter(enterprise=enterprise).first()
    assert (latest.previous_grade, latest.grade, latest.cause) == (Grade.B, Grade.A, GradeCause.MANUAL)
    assert latest.detail == "supervisor"
    assert client.get(reverse("credit:recalculate", args=[enterprise.pk])).status_code == 405


def test_the_history_page_lists_every_change_paginated(client, actors, enterprise):
    recalculate(cause=GradeCause.SCHEDULED)
    conforming_checks(enterprise)
    recalculate(cause=GradeCause.SCHEDULED)
    response = signed_in(client, actors[Role.LEADER]).get(reverse("credit:history", args=[enterprise.pk]))
    assert [(c.previous_grade, c.grade) for c in response.context["page"]] == [(Grade.B, Grade.A), ("", Grade.B)]


# The staff overview


def test_the_overview_counts_grades_and_filters_the_list(client, actors, enterprise, other_enterprise):
    conforming_checks(enterprise)
    listed(other_enterprise)
    recalculate(cause=GradeCause.MANUAL)
    client = signed_in(client, actors[Role.SUPERVISOR])
    response = client.get(reverse("credit:overview"))
    counts = {grade: count for grade, _label, count in response.context["distribution"]}
    assert counts == {"A": 1, "B": 0, "C": 1} and response.context["total"] == 2
    assert {grade.enterprise_id for grade in response.context["page"]} == {enterprise.pk, other_enterprise.pk}
    only_c = client.get(reverse("credit:overview"), {"grade": "C"})
    assert [grade.enterprise_id for grade in only_c.context["page"]] == [other_enterprise.pk]
    district = client.get(reverse("credit:overview"), {"district": enterprise.district_id, "sort": "score"})
    assert [grade.enterprise_id for grade in district.context["page"]] == [enterprise.pk]
    assert not client.get(reverse("credit:overview"), {"overridden": "1"}).context["page"].object_list
    assert enterprise.name in response.content.decode()


@pytest.mark.parametrize("rows", [2, 40])
def test_the_overview_reads_a_bounded_number_of_queries(client, actors, rows, django_assert_max_num_queries):
    enterprises = [EnterpriseFactory() for _ in range(rows - 1)]  # and the actors' own enterprise
    GradeOverride.objects.create(
        enterprise=enterprises[0],
        grade=Grade.A,
        reason="复核",
        expires_on=TODAY() + datetime.timedelta(days=30),
        requested_by=actors[Role.SUPERVISOR],
        status=OverrideStatus.APPROVED,
    )
    recalculate(cause=GradeCause.MANUAL)
    client = signed_in(client, actors[Role.LEADER])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("credit:overview"), {"sort": "risk"})
    assert response.status_code == 200 and len(response.context["page"]) == rows
    assert response.context["overridden"] == 1 and 'class="flag warn"' in response.content.decode()


# Overrides


def test_an_override_requested_and_approved_by_another_leader_shows_in_the_file(
    client, actors, enterprise, django_capture_on_commit_callbacks
):
    recalculate(cause=GradeCause.MANUAL)
    supervisor = signed_in(client, actors[Role.SUPERVISOR])
    expires_on = TODAY() + datetime.timedelta(days=90)
    url = reverse("credit:override_request", args=[enterprise.pk])
    assert supervisor.get(url).status_code == 200
    refused = supervisor.post(url, {"grade": "A", "reason": " ", "expires_on": expires_on.isoformat()})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    response = supervisor.post(
        url, {"grade": "A", "reason": "整改到位，申请上调", "expires_on": expires_on.isoformat()}
    )
    override = GradeOverride.objects.get()
    assert response.status_code == 302 and response.url == override.get_absolute_url()
    listed_overrides = supervisor.get(reverse("credit:overrides"))
    assert [row.pk for row in listed_overrides.context["page"]] == [override.pk]
    detail = supervisor.get(override.get_absolute_url())
    assert not detail.context["can_decide"] and detail.context["can_end"]
    client.logout()
    leader = signed_in(client, actors[Role.LEADER])
    bad = leader.post(override.get_absolute_url(), {"action": "decide", "decide-decision": "reject"})
    assert bad.status_code == 200 and "note" in bad.context["decide_form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(override.get_absolute_url(), {"action": "decide", "decide-decision": "approve"})
    override.refresh_from_db()
    assert override.status == OverrideStatus.APPROVED
    grade = CreditGrade.objects.get(enterprise=enterprise)
    assert (grade.grade, grade.computed_grade, grade.override_id) == (Grade.A, Grade.B, override.pk)
    page = leader.get(enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="override-badge"' in page and expires_on.isoformat() in page
    # Ending it now brings the computed grade back.
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(override.get_absolute_url(), {"action": "end", "end-reason": "情况变化"})
    assert CreditGrade.objects.get(enterprise=enterprise).grade == Grade.B


def test_a_leader_cannot_approve_their_own_override_request(client, actors, enterprise):
    recalculate(cause=GradeCause.MANUAL)
    leader = signed_in(client, actors[Role.LEADER])
    leader.post(
        reverse("credit:override_request", args=[enterprise.pk]),
        {"grade": "C", "reason": "拒不配合", "expires_on": (TODAY() + datetime.timedelta(days=30)).isoformat()},
    )
    override = GradeOverride.objects.get()
    detail = leader.get(override.get_absolute_url())
    assert not detail.context["can_decide"] and detail.context["own_request"]
    response = leader.post(override.get_absolute_url(), {"action": "decide", "decide-decision": "approve"})
    assert response.status_code == 403
    override.refresh_from_db()
    assert override.status == OverrideStatus.PENDING
    client.logout()
    other_leader = signed_in(client, UserFactory(role=Role.LEADER))
    assert other_leader.get(override.get_absolute_url()).context["can_decide"]


def test_enterprises_and_inspectors_cannot_reach_overrides(client, actors, enterprise):
    override = GradeOverride.objects.create(
        enterprise=enterprise,
        grade=Grade.A,
        reason="x",
        expires_on=TODAY() + datetime.timedelta(days=30),
        requested_by=actors[Role.SUPERVISOR],
    )
    for role in (Role.ENTERPRISE, Role.INSPECTOR):
        user = signed_in(client, actors[role])
        assert user.get(reverse("credit:overrides")).status_code == 403
        assert user.get(override.get_absolute_url()).status_code == 403
        assert user.get(reverse("credit:override_request", args=[enterprise.pk])).status_code in (403, 404)
        client.logout()


# The scoring model


def model_form_data(client) -> dict:
    """The new-version form as prefilled, ready to post."""
    form = client.get(reverse("credit:model_create")).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    data = {name: "" if value is None else value for name, value in data.items()}
    data["effective_from"] = TODAY().isoformat()
    data["note"] = "上调合格抽查加分"
    return data


def test_a_leader_issues_a_new_model_version_from_the_prefilled_form(client, actors):
    leader = signed_in(client, actors[Role.LEADER])
    data = model_form_data(leader)
    assert data["recency_factors"] == "1, 0.6, 0.3" and data["points_conforming"] == 5
    wrong = leader.post(reverse("credit:model_create"), {**data, "recency_factors": "1, 0.5"})
    assert wrong.status_code == 200 and "recency_factors" in wrong.context["form"].errors
    thresholds = leader.post(reverse("credit:model_create"), {**data, "grade_a_min": "50"})
    assert thresholds.status_code == 200 and thresholds.context["form"].non_field_errors()
    past = leader.post(reverse("credit:model_create"), {**data, "effective_from": "2020-01-01"})
    assert "effective_from" in past.context["form"].errors
    versions = ScoringModel.objects.count()
    assert ScoringModel.objects.filter(created_by__isnull=False).count() == 0
    response = leader.post(reverse("credit:model_create"), {**data, "points_conforming": "6", "cap_penalty": "30"})
    new = ScoringModel.objects.get(version=versions + 1)
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    assert new.weights["conforming"] == {"points": 6.0, "cap": 10.0}
    assert new.weights["penalty"] == {"points": -10.0, "cap": 30.0}
    assert new.recency_factors == [1.0, 0.6, 0.3] and new.created_by == actors[Role.LEADER]
    index = leader.get(reverse("credit:model_index"))
    assert index.context["in_force"] == new and [v.version for v in index.context["versions"]] == list(
        range(versions + 1, 0, -1)
    )
    detail = leader.get(new.get_absolute_url())
    conforming = next(row for row in detail.context["weights"] if row.code == "conforming")
    assert (conforming.points, conforming.cap) == (6.0, 10.0)


def test_only_a_leader_may_issue_a_model_version(client, actors):
    assert signed_in(client, actors[Role.SUPERVISOR]).get(reverse("credit:model_create")).status_code == 403
    assert client.get(reverse("credit:model_index")).status_code == 200  # staff read it
    client.logout()
    enterprise = signed_in(client, actors[Role.ENTERPRISE])
    assert enterprise.get(reverse("credit:model", args=[1])).status_code == 200  # the rules are no secret
    assert enterprise.post(reverse("credit:model_create"), {}).status_code == 403
    client.logout()
    assert signed_in(client, actors[Role.INSPECTOR]).get(reverse("credit:model_index")).status_code == 403


# Warnings and runs


def test_acknowledging_a_warning_needs_a_note(client, actors, enterprise):
    warning = RiskWarning.objects.create(
        kind=WarningKind.RISK_JUMP, enterprise=enterprise, raised_at=timezone.now(), value=65, previous_value=20
    )
    acknowledged = RiskWarning.objects.create(
        kind=WarningKind.AREA_RATE,
        industry=enterprise.industry,
        district=enterprise.district,
        raised_at=timezone.now() - datetime.timedelta(days=3),
        value=40,
        previous_value=5,
        status=WarningStatus.ACKNOWLEDGED,
        note="已安排专项抽查",
    )
    client = signed_in(client, actors[Role.SUPERVISOR])
    assert [row.pk for row in client.get(reverse("credit:warnings")).context["page"]] == [warning.pk]
    everything = client.get(reverse("credit:warnings"), {"show": "all"}).context["page"]
    assert [row.pk for row in everything] == [warning.pk, acknowledged.pk]  # open first
    url = reverse("credit:warning_acknowledge", args=[warning.pk])
    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 200 and "note" in refused.context["form"].errors
    warning.refresh_from_db()
    assert warning.status == WarningStatus.OPEN
    response = client.post(url, {"note": "约谈企业负责人"})
    warning.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("credit:warnings")
    assert (warning.status, warning.acknowledged_by, warning.note) == (
        WarningStatus.ACKNOWLEDGED,
        actors[Role.SUPERVISOR],
        "约谈企业负责人",
    )
    twice = client.post(url, {"note": "again"})
    assert twice.status_code == 200 and twice.context["form"].non_field_errors()


def test_warnings_are_for_staff_and_the_list_reads_bounded_queries(
    client, actors, enterprise, django_assert_max_num_queries
):
    for _ in range(30):
        RiskWarning.objects.create(
            kind=WarningKind.RISK_JUMP,
            enterprise=EnterpriseFactory(),
            raised_at=timezone.now(),
            value=60,
            previous_value=10,
        )
    admin = signed_in(client, actors[Role.ADMIN])
    with django_assert_max_num_queries(8):
        assert len(admin.get(reverse("credit:warnings")).context["page"]) == 30
    assert not admin.get(reverse("credit:warnings")).context["can_acknowledge"]
    assert admin.post(reverse("credit:warning_acknowledge", args=[1]), {"note": "x"}).status_code == 403
    client.logout()
    for role in (Role.ENTERPRISE, Role.INSPECTOR, Role.LAB_TECHNICIAN):
        assert signed_in(client, actors[role]).get(reverse("credit:warnings")).status_code == 403
        client.logout()


def test_the_runs_page_lists_credit_runs_and_starts_a_full_recalculation(client, actors, enterprise):
    JobRun.objects.create(name="core.heartbeat")
    leader = signed_in(client, actors[Role.LEADER])
    response = leader.post(reverse("credit:run_now"))
    assert response.status_code == 302  # the task ran in-process (eager in tests)
    run = JobRun.objects.get(name="credit.recalculate.manual")
    assert run.status == JobRun.Status.SUCCEEDED and run.counts["enterprises"] == 1
    assert CreditGrade.objects.filter(enterprise=enterprise).exists()
    page = leader.get(reverse("credit:runs"))
    assert [row.name for row in page.context["page"]] == ["credit.recalculate.manual"] and page.context["can_run"]
    client.logout()
    admin = signed_in(client, actors[Role.ADMIN])
    assert admin.get(reverse("credit:runs")).status_code == 200
    assert admin.post(reverse("credit:run_now")).status_code == 403
    client.logout()
    assert signed_in(client, actors[Role.ENTERPRISE]).get(reverse("credit:runs")).status_code == 403


# Licence revocation in the file


def test_staff_revoke_a_licence_and_the_file_shows_it_revoked(client, actors, enterprise):
    licence = LicenceFactory(enterprise=enterprise)
    url = reverse("enterprises:licence_revoke", args=[enterprise.pk, licence.pk])
    owner = signed_in(client, actors[Role.ENTERPRISE])
    assert (
        reverse("enterprises:licence_revoke", args=[enterprise.pk, licence.pk])
        not in owner.get(enterprise.get_absolute_url()).content.decode()
    )
    assert owner.post(url, {"revoked_on": TODAY().isoformat(), "revocation_reason": "x"}).status_code == 403
    client.logout()
    supervisor = signed_in(client, actors[Role.SUPERVISOR])
    assert url in supervisor.get(enterprise.get_absolute_url()).content.decode()
    future = supervisor.post(
        url, {"revoked_on": (TODAY() + datetime.timedelta(days=3)).isoformat(), "revocation_reason": "x"}
    )
    assert future.status_code == 200 and "revoked_on" in future.context["form"].errors
    response = supervisor.post(url, {"revoked_on": TODAY().isoformat(), "revocation_reason": "以欺骗手段取得许可"})
    licence.refresh_from_db()
    assert response.status_code == 302 and licence.revoked_on == TODAY()
    assert licence.revocation_reason == "以欺骗手段取得许可"
    page = supervisor.get(enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="licence-revoked"' in page and "以欺骗手段取得许可" in page and url not in page
    assert supervisor.get(url).status_code == 404  # revoked once
    assert Licence.objects.get(pk=licence.pk).revoked_on == TODAY()


# Navigation


def test_navigation_offers_the_credit_pages_to_who_may_use_them(client, actors):
    def urls(role):
        client.force_login(actors[role])
        items = client.get(reverse("home")).context["nav_items"]
        client.logout()
        return {item["url"] for item in items}

    overview, warnings, mine = reverse("credit:overview"), reverse("credit:warnings"), reverse("credit:mine")
    assert {overview, warnings} <= urls(Role.LEADER) and mine not in urls(Role.LEADER)
    assert mine in urls(Role.ENTERPRISE) and overview not in urls(Role.ENTERPRISE)
    assert not {overview, warnings, mine} & urls(Role.INSPECTOR)
    client.force_login(actors[Role.SUPERVISOR])
    active = [item["url"] for item in client.get(warnings).context["nav_items"] if item["active"]]
    assert active == [warnings]
