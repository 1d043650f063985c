"""The credit API: grades with their explanation and history, overrides, the scoring model, the dishonesty list
with credit repair, warnings and runs; every write through credit.services, refusals as on the other APIs."""

import datetime
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from core.models import JobRun
from credit import services
from credit.choices import GradeCause, OverrideStatus, WarningKind, WarningStatus
from credit.models import CreditGrade, GradeOverride, RiskWarning, ScoringModel
from credit.recalculation import recalculate
from inspections.choices import Verdict
from tests.clients import token_api
from tests.factories import (
    BlacklistEntryFactory,
    EnterpriseFactory,
    LicenceFactory,
    PenaltyFactory,
    UserFactory,
    final_task,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/credit"


def in_force_version() -> int:
    return ScoringModel.objects.in_force(timezone.localdate()).version


MAX_ID = 2**63 - 1


def api(user) -> APIClient:
    """A token client that asks for English, so the messages checked here do not depend on the translations."""
    client = token_api(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def error_fields(response) -> dict:
    return response.json()["error"]["fields"]


def error_text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.fixture
def graded(actors, enterprise, other_enterprise):
    """Every enterprise graded once (the first run writes each grade and its first history entry)."""
    recalculate(cause=GradeCause.MANUAL)


@pytest.fixture
def staff(actors) -> APIClient:
    return api(actors[Role.SUPERVISOR])


@pytest.fixture
def second_leader(db):
    return UserFactory(role=Role.LEADER, username="leader2")


def in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def model_body(**changes) -> dict:
    return {
        "effective_from": in_days(1),
        "lookback_years": 2,
        "recency_factors": [1, 0.5],
        "base_score": 75,
        "grade_a_min": 88,
        "grade_b_min": 55,
        "weights": {"conforming": {"points": 4, "cap": 12}, "nonconforming": {"points": -25}},
        "risk_weights": {"recent_failures": {"points": 30}},
        "note": "加重不合格扣分。",
        **changes,
    }


# Grades: who sees which, the explanation, the history.


def test_an_enterprise_reads_its_own_grade_and_no_other(actors, enterprise, other_enterprise, graded):
    company = api(actors[Role.ENTERPRISE])
    listed = company.get(f"{API}/grades/").json()
    assert listed["count"] == 1 and listed["results"][0]["enterprise"] == enterprise.pk
    row = listed["results"][0]
    assert row["enterprise_name"] == enterprise.name and row["grade"] == row["computed_grade"] == "B"
    assert row["is_overridden"] is False and row["override"] is None and row["model_version"] == in_force_version()
    assert company.get(f"{API}/grades/{enterprise.pk}/").status_code == 200
    refused = company.get(f"{API}/grades/{other_enterprise.pk}/")
    missing = company.get(f"{API}/grades/{other_enterprise.pk + 1000}/")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert company.get(f"{API}/grades/{other_enterprise.pk}/history/").status_code == 404


def test_staff_read_every_grade_and_filter_them(actors, staff, enterprise, other_enterprise, graded):
    assert staff.get(f"{API}/grades/").json()["count"] == 2
    PenaltyFactory(enterprise=other_enterprise)
    recalculate(cause=GradeCause.MANUAL)
    by_score = staff.get(f"{API}/grades/", {"ordering": "score"}).json()["results"]
    assert [row["enterprise"] for row in by_score] == [other_enterprise.pk, enterprise.pk]
    district = staff.get(f"{API}/grades/", {"district": enterprise.district_id}).json()["results"]
    assert [row["enterprise"] for row in district] == [enterprise.pk]
    assert staff.get(f"{API}/grades/", {"overridden": "true"}).json()["count"] == 0
    assert staff.get(f"{API}/grades/", {"grade": "A"}).json()["count"] == 0
    too_large = staff.get(f"{API}/grades/", {"district": MAX_ID + 1})
    assert too_large.status_code == 400 and "district" in error_fields(too_large)
    assert api(actors[Role.ADMIN]).get(f"{API}/grades/").json()["count"] == 2


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.LAB_TECHNICIAN])
def test_inspectors_and_laboratories_read_no_grade(actors, enterprise, graded, role):
    client = api(actors[role])
    assert client.get(f"{API}/grades/").status_code == 403
    assert client.get(f"{API}/grades/{enterprise.pk}/").status_code == 404
    assert client.get(f"{API}/overrides/").status_code == 403
    assert client.get(f"{API}/repairs/").status_code == 403
    assert client.get(f"{API}/warnings/").status_code == 403
    assert client.get(f"{API}/runs/").status_code == 403


def test_anonymous_callers_read_nothing(enterprise, graded):
    for path in ("grades/", f"grades/{enterprise.pk}/", "models/", "blacklist/", "warnings/"):
        assert APIClient().get(f"{API}/{path}").status_code == 403


@pytest.mark.parametrize(
    "path", ["grades/{}/", "grades/{}/history/", "models/{}/", "overrides/{}/", "blacklist/{}/", "repairs/{}/"]
)
def test_ids_beyond_64_bits_are_not_found(staff, graded, path):
    assert staff.get(f"{API}/{path.format(MAX_ID + 1)}").status_code == 404


def test_the_explanation_adds_up_to_the_score(actors, staff, enterprise):
    today = timezone.localdate()
    LicenceFactory(
        enterprise=enterprise, issued_on=today - relativedelta(years=3), expires_on=today - relativedelta(months=2)
    )
    PenaltyFactory(enterprise=enterprise)
    for days_ago in (10, 40, 70):
        final_task(enterprise, Verdict.CONFORMING, days_ago=days_ago)
    recalculate(cause=GradeCause.MANUAL)

    detail = staff.get(f"{API}/grades/{enterprise.pk}/").json()
    explanation = detail["explanation"]
    assert explanation["model_version"] == in_force_version() and explanation["thresholds"] == {"A": 90.0, "B": 60.0}
    lines = {line["code"]: line for line in explanation["lines"]}
    assert lines["licence_expired"] == {
        "code": "licence_expired",
        "label": "Lapsed licences",
        "unit": "per licence lapsed, not renewed",
        "veto": False,
        "value": 1.0,
        "points": -5.0,
        "cap": None,
        "contribution": -5.0,
    }
    assert lines["penalty"]["contribution"] == -10.0
    conforming = lines["conforming"]  # 3 checks × 5 points, held to the cap of 10
    assert (conforming["value"], conforming["points"], conforming["cap"], conforming["contribution"]) == (3, 5, 10, 10)
    assert lines["nonconforming"]["contribution"] == 0 and "-0.0" not in json.dumps(explanation)
    assert lines["blacklisted"]["veto"] is True and explanation["vetoes"] == []
    total = explanation["base_score"] + sum(line["contribution"] for line in explanation["lines"])
    assert detail["score"] == pytest.approx(min(100, max(0, total)), abs=0.1) == 75
    assert detail["grade"] == "B"
    assert {line["code"] for line in explanation["risk_lines"]} >= {"recent_failures", "open_follow_ups"}
    assert explanation["outlook"] and all(isinstance(sentence, str) for sentence in explanation["outlook"])
    # The enterprise reads the same explanation of its own grade.
    assert api(actors[Role.ENTERPRISE]).get(f"{API}/grades/{enterprise.pk}/").json() == detail


def test_staff_recalculate_one_grade_on_demand(actors, staff, enterprise, graded):
    PenaltyFactory(enterprise=enterprise)
    assert staff.get(f"{API}/grades/{enterprise.pk}/").json()["score"] == 80
    recalculated = staff.post(f"{API}/grades/{enterprise.pk}/recalculate/")
    assert recalculated.status_code == 200 and recalculated.json()["score"] == 70
    assert api(actors[Role.ENTERPRISE]).post(f"{API}/grades/{enterprise.pk}/recalculate/").status_code == 403
    assert api(actors[Role.ADMIN]).post(f"{API}/grades/{enterprise.pk}/recalculate/").status_code == 403


def test_the_grades_list_runs_a_bounded_number_of_queries(staff, enterprise, graded, django_assert_max_num_queries):
    for _ in range(12):
        EnterpriseFactory()
    recalculate(cause=GradeCause.MANUAL)
    override = GradeOverride.objects.create(
        enterprise=enterprise,
        grade="A",
        reason="r",
        expires_on=timezone.localdate() + datetime.timedelta(days=9),
        requested_by=UserFactory(),
        status=OverrideStatus.APPROVED,
    )
    recalculate(cause=GradeCause.OVERRIDE, enterprise_ids=[enterprise.pk])
    with django_assert_max_num_queries(4):
        rows = staff.get(f"{API}/grades/", {"page_size": 100}).json()["results"]
    assert len(rows) == 14
    assert next(row for row in rows if row["enterprise"] == enterprise.pk)["override"]["id"] == override.pk


def test_every_credit_list_runs_a_bounded_number_of_queries(actors, staff, django_assert_max_num_queries):
    supervisor, today = actors[Role.SUPERVISOR], timezone.localdate()
    for number in range(6):
        enterprise = EnterpriseFactory()
        entry = BlacklistEntryFactory(enterprise=enterprise, published_on=today - relativedelta(years=1))
        repair = services.repair_apply(
            actor=UserFactory(role=Role.ENTERPRISE, enterprise=enterprise),
            entry=entry,
            statement="已整改",
            files=[SimpleUploadedFile(f"报告{number}.pdf", b"%PDF-1.4")],
        )
        services.override_request(
            actor=supervisor, enterprise=enterprise, grade="A", reason="r", expires_on=today + relativedelta(days=9)
        )
        RiskWarning.objects.create(
            kind=WarningKind.RISK_JUMP, enterprise=enterprise, raised_at=timezone.now(), value=60, previous_value=5
        )
        assert repair.attachments.count() == 1
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    expected = {
        "overrides/": 6,
        "blacklist/": 6,
        "repairs/": 6,
        "warnings/": 6,
        "runs/": 1,
        "models/": ScoringModel.objects.count(),
    }
    for path, count in expected.items():
        with django_assert_max_num_queries(4):
            rows = staff.get(f"{API}/{path}", {"page_size": 100}).json()["results"]
        assert len(rows) == count, path
    with django_assert_max_num_queries(4):
        assert staff.get(f"{API}/grades/{enterprise.pk}/history/").json()["count"] == 1


# Overrides.


def test_an_override_requested_and_approved_by_another_leader_sets_the_grade(
    actors, staff, enterprise, graded, second_leader, django_capture_on_commit_callbacks
):
    requested = staff.post(
        f"{API}/overrides/",
        {"enterprise": enterprise.pk, "grade": "A", "reason": "重大质量贡献", "expires_on": in_days(90)},
        format="json",
    )
    assert requested.status_code == 201, requested.json()
    override = requested.json()
    assert override["status"] == OverrideStatus.PENDING and override["requested_by"] == actors[Role.SUPERVISOR].pk
    company = api(actors[Role.ENTERPRISE])
    assert company.get(f"{API}/overrides/").json()["count"] == 0  # not until it is in force

    with django_capture_on_commit_callbacks(execute=True):
        approved = api(second_leader).post(f"{API}/overrides/{override['id']}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == OverrideStatus.APPROVED
    grade = staff.get(f"{API}/grades/{enterprise.pk}/").json()
    assert grade["grade"] == "A" and grade["computed_grade"] == "B" and grade["is_overridden"] is True
    assert grade["override"] == {"id": override["id"], "grade": "A", "expires_on": in_days(90)}
    assert any(in_days(90) in sentence for sentence in grade["explanation"]["outlook"])

    history = staff.get(f"{API}/grades/{enterprise.pk}/history/").json()
    assert history["count"] == 2
    latest, first = history["results"]
    assert latest["cause"] == GradeCause.OVERRIDE and latest["override"] == override["id"]
    assert (latest["previous_grade"], latest["grade"], latest["computed_grade"]) == ("B", "A", "B")
    assert (
        first["cause"] == GradeCause.MANUAL
        and first["previous_grade"] == ""
        and first["model_version"] == in_force_version()
    )
    assert company.get(f"{API}/grades/{enterprise.pk}/history/").json()["count"] == 2
    assert [row["id"] for row in company.get(f"{API}/overrides/").json()["results"]] == [override["id"]]

    # Ended early, the computed grade applies again.
    with django_capture_on_commit_callbacks(execute=True):
        ended = staff.post(f"{API}/overrides/{override['id']}/end/", {"reason": "情况变化"}, format="json")
    assert ended.status_code == 200 and ended.json()["status"] == OverrideStatus.ENDED
    grade = staff.get(f"{API}/grades/{enterprise.pk}/").json()
    assert grade["grade"] == "B" and grade["override"] is None
    assert staff.get(f"{API}/grades/{enterprise.pk}/history/").json()["results"][0]["cause"] == "override_ended"


def test_a_leader_cannot_approve_their_own_request(actors, enterprise, graded):
    leader = api(actors[Role.LEADER])
    body = {"enterprise": enterprise.pk, "grade": "C", "reason": "拒不配合", "expires_on": in_days(30)}
    override = leader.post(f"{API}/overrides/", body, format="json").json()
    refused = leader.post(f"{API}/overrides/{override['id']}/approve/", {}, format="json")
    assert refused.status_code == 403
    assert GradeOverride.objects.get(pk=override["id"]).status == OverrideStatus.PENDING
    assert api(actors[Role.SUPERVISOR]).post(f"{API}/overrides/{override['id']}/approve/").status_code == 403


def test_rejecting_an_override_needs_a_note(actors, staff, enterprise, graded):
    body = {"enterprise": enterprise.pk, "grade": "A", "reason": "表现良好", "expires_on": in_days(30)}
    override = staff.post(f"{API}/overrides/", body, format="json").json()
    leader = api(actors[Role.LEADER])
    bare = leader.post(f"{API}/overrides/{override['id']}/reject/", {}, format="json")
    assert bare.status_code == 400 and "note" in error_fields(bare)
    rejected = leader.post(f"{API}/overrides/{override['id']}/reject/", {"note": "依据不足"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == OverrideStatus.REJECTED
    assert rejected.json()["decision_note"] == "依据不足"
    again = leader.post(f"{API}/overrides/{override['id']}/approve/", {}, format="json")
    assert again.status_code == 400
    assert staff.get(f"{API}/grades/{enterprise.pk}/").json()["grade"] == "B"


def test_an_override_request_is_checked(actors, staff, enterprise, other_enterprise, graded):
    too_long = staff.post(
        f"{API}/overrides/",
        {"enterprise": enterprise.pk, "grade": "A", "reason": " ", "expires_on": in_days(400)},
        format="json",
    )
    assert too_long.status_code == 400 and {"reason", "expires_on"} <= set(error_fields(too_long))
    unknown = staff.post(
        f"{API}/overrides/",
        {"enterprise": MAX_ID, "grade": "Z", "reason": "x", "expires_on": in_days(5)},
        format="json",
    )
    assert unknown.status_code == 400 and {"enterprise", "grade"} <= set(error_fields(unknown))
    body = {"enterprise": other_enterprise.pk, "grade": "A", "reason": "x", "expires_on": in_days(5)}
    assert api(actors[Role.ENTERPRISE]).post(f"{API}/overrides/", body, format="json").status_code == 403


# The scoring model.


def test_a_leader_issues_a_new_scoring_model_version(actors):
    previous = in_force_version()
    created = api(actors[Role.LEADER]).post(f"{API}/models/", model_body(), format="json")
    assert created.status_code == 201, created.json()
    model = created.json()
    assert model["version"] == previous + 1 and model["created_by"] == actors[Role.LEADER].pk
    assert model["weights"] == {
        "conforming": {"points": 4.0, "cap": 12.0},
        "nonconforming": {"points": -25.0, "cap": None},
    }
    assert model["recency_factors"] == [1.0, 0.5]
    shown = api(actors[Role.ENTERPRISE]).get(f"{API}/models/{previous + 1}/")
    assert shown.status_code == 200 and shown.json()["note"] == "加重不合格扣分。"
    versions = api(actors[Role.SUPERVISOR]).get(f"{API}/models/").json()["results"]
    assert [row["version"] for row in versions] == list(range(previous + 1, 0, -1))
    assert api(actors[Role.INSPECTOR]).get(f"{API}/models/").status_code == 403


def test_only_a_leader_issues_a_scoring_model(actors):
    refused = api(actors[Role.SUPERVISOR]).post(f"{API}/models/", model_body(), format="json")
    assert refused.status_code == 403
    assert api(actors[Role.ADMIN]).post(f"{API}/models/", model_body(), format="json").status_code == 403


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recency_factors": [1, 0.5, 0.2]}, "recency_factors"),
        ({"recency_factors": [1, 1.5]}, "recency_factors"),
        ({"recency_factors": ["many", 1]}, "recency_factors"),
        ({"effective_from": in_days(-1)}, "effective_from"),
        ({"note": " "}, "note"),
        ({"weights": {"luck": {"points": 5}}}, "weights"),
        ({"weights": {"conforming": {"points": 5, "cap": -1}}}, "weights"),
        ({"risk_weights": {"conforming": {"points": 5}}}, "risk_weights"),
        ({"lookback_years": 0, "recency_factors": []}, "lookback_years"),
        ({"base_score": 120}, "base_score"),
    ],
)
def test_a_scoring_model_is_checked_field_by_field(actors, changes, field):
    refused = api(actors[Role.LEADER]).post(f"{API}/models/", model_body(**changes), format="json")
    assert refused.status_code == 400 and field in error_fields(refused), refused.json()


def test_grade_thresholds_must_be_ordered(actors):
    refused = api(actors[Role.LEADER]).post(f"{API}/models/", model_body(grade_a_min=50, grade_b_min=60), format="json")
    assert refused.status_code == 400 and "Grade A must start above grade B." in error_text(refused)


# Warnings and runs.


def test_staff_acknowledge_a_warning_with_a_note(actors, staff, enterprise, other_enterprise):
    warning = RiskWarning.objects.create(
        kind=WarningKind.RISK_JUMP, enterprise=enterprise, raised_at=timezone.now(), value=55, previous_value=10
    )
    RiskWarning.objects.create(
        kind=WarningKind.AREA_RATE,
        industry=enterprise.industry,
        district=other_enterprise.district,
        raised_at=timezone.now(),
        value=12.5,
        previous_value=3,
    )
    assert staff.get(f"{API}/warnings/").json()["count"] == 2
    rows = staff.get(f"{API}/warnings/", {"district": enterprise.district_id, "status": "open"}).json()["results"]
    assert [row["id"] for row in rows] == [warning.pk] and rows[0]["enterprise_name"] == enterprise.name
    assert staff.get(f"{API}/warnings/", {"kind": "area_rate"}).json()["results"][0]["industry_name"]
    company = api(actors[Role.ENTERPRISE])
    assert company.get(f"{API}/warnings/").status_code == 403
    assert company.get(f"{API}/warnings/{warning.pk}/").status_code == 404
    assert api(actors[Role.ADMIN]).post(f"{API}/warnings/{warning.pk}/acknowledge/", {"note": "x"}).status_code == 403

    bare = staff.post(f"{API}/warnings/{warning.pk}/acknowledge/", {}, format="json")
    assert bare.status_code == 400 and "note" in error_fields(bare)
    done = staff.post(f"{API}/warnings/{warning.pk}/acknowledge/", {"note": "安排专项抽查"}, format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["note"]) == (WarningStatus.ACKNOWLEDGED, "安排专项抽查")
    assert done.json()["acknowledged_by"] == actors[Role.SUPERVISOR].pk
    assert staff.post(f"{API}/warnings/{warning.pk}/acknowledge/", {"note": "again"}).status_code == 400


def test_staff_read_the_credit_runs(actors, staff, enterprise):
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    JobRun.objects.create(name="enterprises.licence_warnings")
    runs = staff.get(f"{API}/runs/").json()["results"]
    assert [run["name"] for run in runs] == ["credit.recalculate.scheduled"]
    assert runs[0]["status"] == JobRun.Status.SUCCEEDED and runs[0]["counts"]["enterprises"] == 1
    assert api(actors[Role.ADMIN]).get(f"{API}/runs/{runs[0]['id']}/").status_code == 200
    assert api(actors[Role.ENTERPRISE]).get(f"{API}/runs/").status_code == 403
    assert api(actors[Role.ENTERPRISE]).get(f"{API}/runs/{runs[0]['id']}/").status_code == 404


# Licence revocation (enterprises API), which counts against the grade.


def test_staff_revoke_a_licence_through_the_api(
    actors, staff, enterprise, other_enterprise, graded, django_capture_on_commit_callbacks
):
    licence = LicenceFactory(enterprise=enterprise)
    url = f"/api/v1/licences/{licence.pk}/revoke/"
    company = api(actors[Role.ENTERPRISE])
    assert company.post(url, {"revoked_on": in_days(0), "revocation_reason": "x"}).status_code == 403
    other = api(UserFactory(role=Role.ENTERPRISE, enterprise=other_enterprise))
    assert other.post(url, {"revoked_on": in_days(0), "revocation_reason": "x"}).status_code == 404

    future = staff.post(url, {"revoked_on": in_days(1), "revocation_reason": "吊销"}, format="json")
    assert future.status_code == 400 and "revoked_on" in error_fields(future)
    no_reason = staff.post(url, {"revoked_on": in_days(0), "revocation_reason": " "}, format="json")
    assert no_reason.status_code == 400 and "revocation_reason" in error_fields(no_reason)
    with django_capture_on_commit_callbacks(execute=True):
        revoked = staff.post(url, {"revoked_on": in_days(-3), "revocation_reason": "以欺骗手段取得许可"}, format="json")
    assert revoked.status_code == 200, revoked.json()
    assert revoked.json()["revoked_on"] == in_days(-3) and revoked.json()["revocation_reason"] == "以欺骗手段取得许可"
    assert staff.post(url, {"revoked_on": in_days(0), "revocation_reason": "again"}, format="json").status_code == 400

    # Read-only elsewhere: an edit does not un-revoke it; the enterprise sees the revocation in its file.
    staff.patch(f"/api/v1/licences/{licence.pk}/", {"revoked_on": None, "scope": "大米"}, format="json")
    licence.refresh_from_db()
    assert licence.revoked_on is not None and licence.scope == "大米"
    shown = company.get(f"/api/v1/enterprises/{enterprise.pk}/").json()["licences"][0]
    assert shown["revoked_on"] == in_days(-3)
    # The revocation's event recalculated the grade: −15 points.
    assert CreditGrade.objects.get(pk=enterprise.pk).score == 65
