"""Standards work: standard-setting projects, yearly targets and their achievement, the public's list of standards
led, and the demo city's standardization."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.roles import Role
from standards import selectors, services
from standards.choices import ProjectLevel, ProjectRole, ProjectStage, TargetMeasure
from standards.models import StandardProject
from tests.clients import signed_in
from tests.factories import EnterpriseFactory
from tests.factories_standards import standards_staff

pytestmark = pytest.mark.django_db
YEAR = 2026


def project(enterprise=None, **kwargs):
    values = {
        "title": "岳阳黄茶 加工技术规程",
        "level": ProjectLevel.LOCAL,
        "role": ProjectRole.LEAD,
        "enterprise": enterprise,
        "stage": ProjectStage.PROPOSAL,
        "proposed_on": datetime.date(YEAR - 1, 3, 1),
        **kwargs,
    }
    if enterprise is None:
        values.setdefault("body", "岳阳市标准化研究院")
    return services.project_save(actor=standards_staff(), project=StandardProject(**values))


def test_a_project_takes_its_district_from_its_enterprise(enterprise):
    saved = project(enterprise)
    assert saved.district_id == enterprise.district_id and saved.industry_id == enterprise.industry_id


def test_a_published_project_needs_its_number_and_date(enterprise):
    with translation.override("en"), pytest.raises(ValidationError, match="number and date"):
        project(enterprise, stage=ProjectStage.PUBLISHED)
    with translation.override("en"), pytest.raises(ValidationError, match="enterprise or the body"):
        services.project_save(
            actor=standards_staff(),
            project=StandardProject(
                title="x",
                level="local",
                role="lead",
                district=enterprise.district,
                proposed_on=datetime.date(YEAR, 1, 1),
            ),
        )


def test_achievement_against_targets_by_district(enterprise):
    other = EnterpriseFactory()
    published = {"stage": ProjectStage.PUBLISHED, "published_on": datetime.date(YEAR, 5, 1), "number": "DB43/T 1-2026"}
    project(enterprise, **published)
    project(enterprise, **{**published, "published_on": datetime.date(YEAR - 1, 5, 1)})
    project(other, role=ProjectRole.PARTICIPANT, **published)
    project(enterprise)  # not published
    staff = standards_staff()
    services.target_set(actor=staff, year=YEAR, measure=TargetMeasure.LED, target=3)
    services.target_set(actor=staff, year=YEAR, measure=TargetMeasure.LED, target=4)  # changed, not doubled
    services.target_set(actor=staff, year=YEAR, measure=TargetMeasure.LED, district=enterprise.district, target=2)
    rows = {row["measure"]: row for row in selectors.achievement(YEAR)}
    assert (rows["led"]["target"], rows["led"]["achieved"]) == (4, 1)
    assert rows["joined"]["achieved"] == 1
    by_district = {cell["district"].pk: cell for cell in rows["led"]["districts"]}
    assert (by_district[enterprise.district_id]["target"], by_district[enterprise.district_id]["achieved"]) == (2, 1)
    assert selectors.standards_led_count(enterprise.pk) == 2
    assert selectors.standards_led_count(enterprise.pk, since=datetime.date(YEAR, 1, 1)) == 1


def test_who_sees_and_keeps_projects(client, actors, enterprise):
    mine = project(enterprise)
    theirs = project(EnterpriseFactory())
    assert set(StandardProject.objects.visible_to(actors[Role.ENTERPRISE])) == {mine}
    assert set(StandardProject.objects.visible_to(actors[Role.SUPERVISOR])) == {mine, theirs}
    assert not StandardProject.objects.restrict(actors[Role.SUPERVISOR], "change").exists()
    assert signed_in(client, actors[Role.SUPERVISOR]).get(f"/standards/projects/{mine.pk}/").status_code == 403
    assert signed_in(client, actors[Role.SUPERVISOR]).get("/standards/projects/").status_code == 200
    staff = signed_in(client, standards_staff())
    data = {
        "title": "新项目",
        "level": "group",
        "role": "lead",
        "enterprise": enterprise.pk,
        "stage": "drafting",
        "proposed_on": "2026-01-05",
    }
    assert staff.post("/standards/projects/new/", data).status_code == 302
    response = staff.post("/standards/projects/new/", {**data, "enterprise": "", "body": ""})
    assert response.status_code == 200 and response.context["form"].errors


def test_targets_page_and_who_sets_them(client, actors):
    assert signed_in(client, actors[Role.SUPERVISOR]).post("/standards/targets/", {}).status_code == 403
    staff = signed_in(client, standards_staff())
    response = staff.post("/standards/targets/", {"year": YEAR, "measure": "led", "target": 5})
    assert response.status_code == 302
    assert staff.get(f"/standards/targets/?year={YEAR}").context["achievement"][0]["target"] == 5
    assert staff.post("/standards/targets/", {"year": YEAR, "measure": "led", "target": -1}).status_code == 200


def test_the_public_sees_published_standards_led(client, enterprise):
    published = {"stage": ProjectStage.PUBLISHED, "published_on": datetime.date(YEAR, 5, 1), "number": "T/HNAS 1-2026"}
    project(enterprise, title="领头的标准", **published)
    project(enterprise, title="参与的标准", role=ProjectRole.PARTICIPANT, **published)
    project(enterprise, title="起草中的标准")
    titles = [p.title for p in client.get("/public/standards/").context["projects"]]
    assert titles == ["领头的标准"]


def test_the_demo_city_shows_standardization(reference_data):
    from enterprises.choices import StandardStatus
    from enterprises.models import Standard
    from qsportal.demo.seed import seed_demo_city
    from standards.models import Declaration

    seed_demo_city(seed=3, enterprises=120, as_of=datetime.date(2026, 11, 1))
    assert Standard.objects.count() >= 300
    assert Standard.objects.filter(status=StandardStatus.REPLACED, successor__isnull=False).exists()
    assert selectors.outdated_executions().exists()
    assert selectors.outdated_executions(enterprise_id=_demo_enterprise_id()).exists()
    assert Declaration.objects.filter(below_national=True, check_outcome="").exists()
    assert Declaration.objects.filter(check_outcome="below").exists()
    assert StandardProject.objects.count() == 10
    assert len(set(StandardProject.objects.values_list("stage", flat=True))) == len(ProjectStage)


def _demo_enterprise_id():
    from accounts.models import User

    return User.objects.get(username="enterprise").enterprise_id
