"""Classified supervision as the rules have it (issue 14, "No enterprise is exempt from spot checks"): honours alone
never make an enterprise A (without a conforming spot check in the look-back window the grade is B at most, and
the explanation says why), and the classification is internal: no public page, open-data answer (JSON or CSV) lets
an anonymous client tell an A enterprise from a C one unless the bureau publishes grades."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.roles import Role
from brands.models import Honour
from credit import services
from credit.choices import Grade, GradeCause
from credit.models import CreditGrade, ScoringModel
from credit.recalculation import recalculate
from credit.reference_data import A_NEEDS_CONFORMING_CHECK_NOTE, ensure_a_needs_conforming_check
from credit.selectors import grade_explanation
from inspections.choices import Verdict
from inspections.services import publication
from tests.brands_flow import Call
from tests.clients import token_api
from tests.factories import (
    CampaignFactory,
    EnterpriseFactory,
    PenaltyFactory,
    ResponsibilityAreaFactory,
    enterprise_user,
    final_task,
)

pytestmark = pytest.mark.django_db

C, N, R = Verdict.CONFORMING, Verdict.NONCONFORMING, Verdict.REFUSED
OUTSIDE = 1300  # days: beyond the 3-year look-back window


def today() -> datetime.date:
    return timezone.localdate()


def in_force() -> ScoringModel:
    return ScoringModel.objects.in_force(today())


def version(leader, **changes) -> ScoringModel:
    """A leader's new version: the one in force with these changes, effective today."""
    model = in_force()
    values = {
        "effective_from": today(),
        "lookback_years": model.lookback_years,
        "recency_factors": model.recency_factors,
        "base_score": model.base_score,
        "grade_a_min": model.grade_a_min,
        "grade_b_min": model.grade_b_min,
        "a_needs_conforming_check": model.a_needs_conforming_check,
        "weights": model.weights,
        "risk_weights": model.risk_weights,
        "note": "测试版本",
        **changes,
    }
    return services.scoring_model_create(actor=leader, values=values)


def grade_of(enterprise) -> CreditGrade:
    recalculate(cause=GradeCause.MANUAL, enterprise_ids=[enterprise.pk])
    return CreditGrade.objects.select_related("model", "override").get(enterprise=enterprise)


def outlook(grade: CreditGrade) -> list[str]:
    with translation.override("en"):
        return grade_explanation(grade).outlook


@pytest.fixture
def leader(actors):
    return actors[Role.LEADER]


@pytest.fixture
def honoured(leader):
    """An enterprise holding a current quality-award honour and nothing else on file, under a version that gives an
    honour 10 points: its honour alone takes the base score of 80 to A's 90."""
    call = Call(reviewers=1, min_reviewers=1, stages=["paper", "committee"])
    enterprise, user = call.applicant()
    honour = call.honoured(user)
    assert Honour.objects.current().filter(pk=honour.pk).exists()
    version(leader, weights={**in_force().weights, "brand_honour": {"points": 10, "cap": 10}})
    return enterprise


# --- Honours alone cannot make an enterprise A ----------------------------------------------------------------------


def test_the_rule_is_on_in_the_version_in_force_and_earlier_versions_keep_theirs():
    assert in_force().a_needs_conforming_check is True
    earlier = list(ScoringModel.objects.filter(a_needs_conforming_check=False).values_list("version", flat=True))
    if earlier:  # migrated: the versions before the rule keep it off, and the migration issued the next one
        assert ScoringModel.objects.get(note=A_NEEDS_CONFORMING_CHECK_NOTE).version == max(earlier) + 1


def test_honours_without_a_conforming_check_give_b_at_most_and_the_explanation_says_why(honoured):
    grade = grade_of(honoured)
    assert grade.indicator_values["brand_honour"] == 1 and grade.indicator_values["conforming"] == 0
    assert (grade.score, grade.computed_grade, grade.grade) == (90.0, Grade.B, Grade.B)
    explanation = grade_explanation(grade)
    assert explanation.held_at_b is True
    [sentence] = outlook(grade)
    assert sentence.startswith("Grade B at most: the score reaches A (90), but there is no conforming spot check")
    assert "in the last 3 years" in sentence and "honours" in sentence


def test_one_conforming_check_in_the_window_makes_it_a(honoured):
    final_task(honoured, C, days_ago=OUTSIDE)  # outside the look-back window: does not count
    assert grade_of(honoured).grade == Grade.B
    final_task(honoured, C, days_ago=900)  # in its third year of age: counts 0.3 × 5 points
    grade = grade_of(honoured)
    assert (grade.score, grade.computed_grade, grade.grade) == (91.5, Grade.A, Grade.A)
    assert grade_explanation(grade).held_at_b is False
    assert not any("Grade B at most" in sentence for sentence in outlook(grade))


def test_the_grade_history_records_the_hold_and_the_rise(honoured):
    grade_of(honoured)
    final_task(honoured, C, days_ago=10)
    grade_of(honoured)
    changes = list(honoured.grade_changes.order_by("at", "pk").values_list("previous_grade", "grade", "score"))
    assert changes[-1] == ("B", "A", 95.0)
    assert [grade for _previous, grade, _score in changes[:-1]] == ["B"] * (len(changes) - 1)  # never A before


def test_a_veto_still_puts_an_honoured_enterprise_in_c(honoured):
    final_task(honoured, R, days_ago=10)
    grade = grade_of(honoured)
    assert grade.grade == Grade.C and grade_explanation(grade).held_at_b is False


def test_a_clean_record_without_checks_is_b_even_at_a_high_score(leader):
    version(leader, base_score=95)  # a province that starts everyone higher
    enterprise = EnterpriseFactory()
    grade = grade_of(enterprise)
    assert (grade.score, grade.grade) == (95.0, Grade.B)
    final_task(enterprise, C, days_ago=10)
    assert grade_of(enterprise).grade == Grade.A


def test_a_version_may_turn_the_rule_off(honoured, leader):
    off = version(leader, a_needs_conforming_check=False)
    grade = grade_of(honoured)
    assert (grade.model, grade.grade) == (off, Grade.A)
    assert grade_explanation(grade).held_at_b is False
    on = version(leader, a_needs_conforming_check=True)
    grade = grade_of(honoured)
    assert (grade.model, grade.grade) == (on, Grade.B)
    assert honoured.grade_changes.order_by("-at", "-pk").first().model == on


def test_an_override_still_wins_over_the_held_grade(honoured, actors, leader, django_capture_on_commit_callbacks):
    grade_of(honoured)
    override = services.override_request(
        actor=actors[Role.SUPERVISOR],
        enterprise=honoured,
        grade=Grade.A,
        reason="经局务会研究，维持A类",
        expires_on=today() + datetime.timedelta(days=30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.override_decide(actor=leader, override=override, approve=True)
    grade = CreditGrade.objects.get(enterprise=honoured)
    assert (grade.grade, grade.computed_grade, grade.override) == (Grade.A, Grade.B, override)
    sentences = outlook(grade)
    assert sentences[0].startswith("Grade B at most") and sentences[-1].startswith("The grade in force is set by")


def test_below_a_the_outlook_says_a_needs_a_check_too(leader):
    enterprise = EnterpriseFactory()
    PenaltyFactory(enterprise=enterprise)  # 70: beyond what clean checks can add
    assert "Grade A also needs at least one conforming spot check in the last 3 years." in outlook(grade_of(enterprise))
    final_task(enterprise, C, days_ago=10)  # 75
    assert not any("also needs" in sentence for sentence in outlook(grade_of(enterprise)))


def test_the_explanation_api_and_the_file_show_the_hold(honoured, actors, client):
    grade_of(honoured)
    api = token_api(actors[Role.SUPERVISOR])
    body = api.get(f"/api/v1/credit/grades/{honoured.pk}/").json()
    assert body["grade"] == "B" and body["explanation"]["held_at_b"] is True
    assert any("90" in sentence for sentence in body["explanation"]["outlook"])
    own = token_api(enterprise_user(honoured))
    assert own.get(f"/api/v1/credit/grades/{honoured.pk}/").json()["explanation"]["held_at_b"] is True
    client.force_login(actors[Role.SUPERVISOR])
    page = client.get(f"/enterprises/{honoured.pk}/").content.decode()
    assert 'data-testid="held-at-b"' in page


def test_the_rule_is_part_of_the_version_issued_by_a_leader(actors, leader):
    api = token_api(leader)
    model = in_force()
    values = {
        "effective_from": today().isoformat(),
        "lookback_years": model.lookback_years,
        "recency_factors": model.recency_factors,
        "base_score": model.base_score,
        "grade_a_min": model.grade_a_min,
        "grade_b_min": model.grade_b_min,
        "weights": model.weights,
        "risk_weights": model.risk_weights,
        "note": "默认仍需合格抽查",
    }
    created = api.post("/api/v1/credit/models/", values, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["a_needs_conforming_check"] is True  # the default when left out
    off = api.post("/api/v1/credit/models/", {**values, "a_needs_conforming_check": False}, format="json")
    assert (
        off.status_code == 201
        and ScoringModel.objects.get(version=off.json()["version"]).a_needs_conforming_check is False
    )
    bad = api.post("/api/v1/credit/models/", {**values, "a_needs_conforming_check": "perhaps"}, format="json")
    assert bad.status_code == 400 and "a_needs_conforming_check" in bad.json()["error"]["fields"]
    with pytest.raises(PermissionDenied):
        version(actors[Role.SUPERVISOR], a_needs_conforming_check=False)


def test_the_model_page_and_form_show_the_rule(leader, client):
    client.force_login(leader)
    page = client.get(f"/credit/model/{in_force().version}/").content.decode()
    assert 'data-testid="a-needs-conforming-check"' in page
    form = client.get("/credit/model/new/").content.decode()
    assert 'name="a_needs_conforming_check"' in form and "checked" in form


def test_the_migration_issues_a_version_with_the_rule_once_and_keeps_earlier_ones():
    ScoringModel.objects.update(a_needs_conforming_check=False)  # as before the migration
    latest = ScoringModel.objects.order_by("-version").first()
    ensure_a_needs_conforming_check(ScoringModel)
    issued = ScoringModel.objects.order_by("-version").first()
    assert issued.version == latest.version + 1 and issued.a_needs_conforming_check is True
    assert (issued.weights, issued.risk_weights, issued.grade_a_min, issued.effective_from) == (
        latest.weights,
        latest.risk_weights,
        latest.grade_a_min,
        max(today(), latest.effective_from),
    )
    assert ScoringModel.objects.filter(a_needs_conforming_check=False).count() == latest.version
    ensure_a_needs_conforming_check(ScoringModel)  # idempotent
    assert ScoringModel.objects.count() == issued.version


# --- The classification is internal -----------------------------------------------------------------------------


GRADED_PKS = (870001, 870002)  # distinct, same length, never a count or a year


@pytest.fixture
def a_and_c(actors):
    """Two enterprises whose published record is the same (one conforming result each, published together, same
    district and industry) and whose grades differ: A (a second, unpublished conforming check) and C (an unpublished
    failure, a recent-failure risk and a heavier penalty)."""
    area = ResponsibilityAreaFactory()
    good = EnterpriseFactory(pk=GRADED_PKS[0], name="岳阳某甲食品有限公司", area=area)
    poor = EnterpriseFactory(pk=GRADED_PKS[1], name="岳阳某乙食品有限公司", area=area)
    campaign = CampaignFactory(title="2026年大米监督抽查")
    published = [final_task(enterprise, C, days_ago=20, campaign=campaign) for enterprise in (good, poor)]
    publication.results_publish(
        actor=actors[Role.SUPERVISOR], campaign=campaign, task_ids=[task.pk for task in published]
    )
    other = CampaignFactory(title="未公布的抽查")
    final_task(good, C, days_ago=30, campaign=other)
    final_task(poor, N, days_ago=30, campaign=other)
    PenaltyFactory(enterprise=poor, is_heavier=True)
    recalculate(cause=GradeCause.MANUAL, enterprise_ids=list(GRADED_PKS))
    grades = {g.enterprise_id: (g.grade, g.risk_score) for g in CreditGrade.objects.filter(pk__in=GRADED_PKS)}
    assert grades[good.pk][0] == Grade.A and grades[poor.pk][0] == Grade.C and grades[poor.pk][1] > 0
    return good, poor


def _normalised(text: str, enterprise) -> str:
    """What a response says with the enterprise's own identity (id, name, credit code) and the per-request noise
    (CSRF tokens, result ids) replaced, so two enterprises' answers compare equal unless something else differs."""
    for own in (enterprise.credit_code, enterprise.name, str(enterprise.pk)):
        text = text.replace(own, "<enterprise>")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', text)
    text = re.sub(r'data-result="\d+"', 'data-result=""', text)
    return text


def _json_normalised(data, enterprise):
    if isinstance(data, dict):
        return {key: ("<id>" if key == "id" else _json_normalised(value, enterprise)) for key, value in data.items()}
    if isinstance(data, list):
        return [_json_normalised(value, enterprise) for value in data]
    if isinstance(data, str):
        return _normalised(data, enterprise)
    return "<enterprise>" if data == enterprise.pk else data


def _csv_normalised(body: str, enterprise) -> list[list]:
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, records = rows[0], rows[1:]
    out = [header]
    for record in records:
        cells = []
        for column, cell in zip(header, record, strict=True):
            if column == "id" or column.endswith(".id"):
                cells.append("<id>")
            elif cell.startswith(("[", "{")):
                cells.append(_json_normalised(json.loads(cell), enterprise))
            else:
                cells.append(_normalised(cell, enterprise))
        out.append(cells)
    return out


def _pages(enterprise) -> dict[str, str]:
    return {
        "profile": f"/public/enterprises/{enterprise.pk}/",
        "results by id": f"/public/results/?enterprise_id={enterprise.pk}",
        "results by code": f"/public/results/?enterprise={enterprise.credit_code}",
        "honours": f"/public/honours/?enterprise_id={enterprise.pk}",
        "home": "/public/",
        "blacklist": "/public/blacklist/",
        "draws": "/public/draws/",
    }


def _api(enterprise) -> dict[str, str]:
    return {
        "profile": f"/api/v1/public/enterprises/{enterprise.pk}/",
        "enterprises by code": f"/api/v1/public/enterprises/?q={enterprise.credit_code}",
        "enterprises in the district": (
            f"/api/v1/public/enterprises/?district={enterprise.district_id}&q={enterprise.name}"
        ),
        "results": f"/api/v1/public/results/?enterprise_id={enterprise.pk}",
        "honours": f"/api/v1/public/honours/?enterprise_id={enterprise.pk}",
    }


def what_the_public_reads(enterprise) -> dict:
    """Every public answer about the enterprise, anonymous: HTML pages, the open-data JSON and CSV."""
    browser, api = Client(), APIClient()
    seen = {}
    for name, path in _pages(enterprise).items():
        cache.clear()  # the throttles count per address; this is one visitor reading many pages
        response = browser.get(path)
        assert response.status_code == 200, (name, response.status_code)
        seen[f"html {name}"] = _normalised(response.content.decode(), enterprise)
    for name, path in _api(enterprise).items():
        cache.clear()
        response = api.get(path)
        assert response.status_code == 200, (name, response.status_code)
        seen[f"json {name}"] = _json_normalised(response.json(), enterprise)
        separator = "&" if "?" in path else "?"
        response = api.get(f"{path}{separator}format=csv")
        assert response.status_code == 200, (name, response.status_code)
        seen[f"csv {name}"] = _csv_normalised(response.content.decode("utf-8"), enterprise)
    return seen


def test_no_public_answer_tells_an_a_enterprise_from_a_c_one(a_and_c, settings):
    settings.PUBLISH_CREDIT_GRADES = False
    good, poor = a_and_c
    about_good, about_poor = what_the_public_reads(good), what_the_public_reads(poor)
    assert about_good.keys() == about_poor.keys()
    for key in about_good:
        assert about_good[key] == about_poor[key], key
    about_it = [key for key in about_good if "profile" in key or "results" in key or "enterprises" in key]
    assert len(about_it) == 11  # each names the enterprise (under its placeholder): there was something to see
    assert all("<enterprise>" in json.dumps(about_good[key], ensure_ascii=False) for key in about_it)
    assert about_good["json profile"]["credit_grade"] is None
    open_data = json.dumps({k: v for k, v in about_good.items() if not k.startswith("html")}, ensure_ascii=False)
    assert "risk" not in open_data.lower() and "score" not in open_data.lower()


def test_with_grades_published_the_public_sees_the_grade_and_nothing_more(a_and_c, settings):
    settings.PUBLISH_CREDIT_GRADES = True
    good, poor = a_and_c
    about_good, about_poor = what_the_public_reads(good), what_the_public_reads(poor)
    assert about_good["json profile"]["credit_grade"] == "A" and about_poor["json profile"]["credit_grade"] == "C"
    assert 'data-testid="credit-grade"><strong>A</strong>' in about_good["html profile"]
    assert 'data-testid="credit-grade"><strong>C</strong>' in about_poor["html profile"]
    [header, row] = about_good["csv enterprises by code"]
    assert row[header.index("credit_grade")] == "A"
    differing = {key for key in about_good if about_good[key] != about_poor[key]}
    assert differing == {
        "html profile",
        "json profile",
        "csv profile",
        "json enterprises by code",
        "csv enterprises by code",
        "json enterprises in the district",
        "csv enterprises in the district",
    }
    open_data = json.dumps({k: v for k, v in about_good.items() if not k.startswith("html")}, ensure_ascii=False)
    assert "risk" not in open_data.lower() and "score" not in open_data.lower()  # the grade, never score or risk


def test_draw_weights_are_set_with_a_version_and_carry_over(actors, leader, client):
    api = token_api(leader)
    model = in_force()
    values = {
        "effective_from": today().isoformat(),
        "lookback_years": model.lookback_years,
        "recency_factors": model.recency_factors,
        "base_score": model.base_score,
        "grade_a_min": model.grade_a_min,
        "grade_b_min": model.grade_b_min,
        "weights": model.weights,
        "risk_weights": model.risk_weights,
        "note": "抽查权重调整",
    }
    heavier = api.post("/api/v1/credit/models/", {**values, "draw_weights": {"A": 1, "B": 4, "C": 12}}, format="json")
    assert heavier.status_code == 201, heavier.content
    kept = api.post("/api/v1/credit/models/", values, format="json")  # names no weights: the latest's carry over
    assert ScoringModel.objects.get(version=kept.json()["version"]).draw_weights == {"A": 1, "B": 4, "C": 12}
    for bad in ({"A": 0, "B": 3, "C": 9}, {"A": 1, "B": 3}, {"A": "x", "B": 3, "C": 9}):
        refused = api.post("/api/v1/credit/models/", {**values, "draw_weights": bad}, format="json")
        assert refused.status_code == 400 and "draw_weights" in refused.json()["error"]["fields"], bad
    client.force_login(leader)
    form = client.get("/credit/model/new/").content.decode()
    assert 'name="draw_weight_a" value="1"' in form and 'name="draw_weight_c" value="12"' in form
    assert 'data-testid="draw-weights"' in client.get(f"/credit/model/{in_force().version}/").content.decode()
