"""Writes through the API are validated like the forms and refused like the pages."""

import datetime

import pytest

from accounts.roles import Role
from enterprises.choices import ReportStatus, StandardKind
from enterprises.models import Enterprise, Product, SelfReport, Standard
from tests.clients import token_api
from tests.factories import EnterpriseFactory, ResponsibilityAreaFactory

pytestmark = pytest.mark.django_db


def new_enterprise_body(enterprise, **changes) -> dict:
    template = EnterpriseFactory.build()
    body = {
        "name": "岳阳接口测试有限公司",
        "credit_code": template.credit_code,
        "legal_representative": "赵六",
        "address": "岳阳市岳阳楼区测试路8号",
        "district": enterprise.district_id,
        "area": enterprise.area_id,
        "industry": enterprise.industry_id,
        "scale": "above",
    }
    return {**body, **changes}


def test_staff_create_an_enterprise_and_bad_fields_come_back_one_by_one(actors, enterprise):
    client = token_api(actors[Role.SUPERVISOR])
    bad = client.post(
        "/api/v1/enterprises/",
        new_enterprise_body(enterprise, credit_code="91350100M000100Y44", scale="huge"),
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"credit_code", "scale"}
    foreign_area = ResponsibilityAreaFactory()
    wrong_area = client.post(
        "/api/v1/enterprises/", new_enterprise_body(enterprise, area=foreign_area.pk), format="json"
    )
    assert wrong_area.status_code == 400 and "area" in wrong_area.json()["error"]["fields"]
    assert Enterprise.objects.count() == 1
    created = client.post("/api/v1/enterprises/", new_enterprise_body(enterprise), format="json")
    assert created.status_code == 201
    assert Enterprise.objects.get(pk=created.json()["id"]).history.get().history_user == actors[Role.SUPERVISOR]


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.LAB_TECHNICIAN, Role.ENTERPRISE])
def test_others_cannot_create_enterprises(actors, enterprise, role):
    response = token_api(actors[role]).post("/api/v1/enterprises/", new_enterprise_body(enterprise), format="json")
    assert response.status_code == 403
    assert Enterprise.objects.count() == 1


def test_enterprise_token_changes_contact_data_only(actors, enterprise, other_enterprise):
    client = token_api(actors[Role.ENTERPRISE])
    response = client.patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"name": "改名", "contact_phone": "0730-1234567"}, format="json"
    )
    assert response.status_code == 200
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "0730-1234567" and enterprise.name != "改名"
    other = client.patch(f"/api/v1/enterprises/{other_enterprise.pk}/", {"contact_phone": "1"}, format="json")
    assert other.status_code == 404


def test_inspector_cannot_change_a_file(actors, enterprise, inspector_at_enterprise):
    response = token_api(actors[Role.INSPECTOR]).patch(f"/api/v1/enterprises/{enterprise.pk}/", {"contact_phone": "1"})
    assert response.status_code == 403


def test_products_through_the_api(actors, enterprise, other_enterprise):
    standard = Standard.objects.create(code="GB 7099-2015", title="糕点、面包", kind=StandardKind.NATIONAL)
    foreign = Standard.objects.create(
        code="Q/X 1S-2026",
        title="他人标准",
        kind=StandardKind.FOOD_SAFETY,
        owner=other_enterprise,
        filing_number="1",
        filed_on=datetime.date(2026, 1, 1),
    )
    client = token_api(actors[Role.ENTERPRISE])
    body = {"enterprise": enterprise.pk, "name": "桂花糕", "standards": ["GB 7099-2015"]}
    created = client.post("/api/v1/products/", body, format="json")
    assert created.status_code == 201 and created.json()["standards"] == ["GB 7099-2015"]
    refused = client.post("/api/v1/products/", {**body, "standards": [foreign.code]}, format="json")
    assert refused.status_code == 400 and "standards" in refused.json()["error"]["fields"]
    elsewhere = client.post("/api/v1/products/", {**body, "enterprise": other_enterprise.pk}, format="json")
    assert elsewhere.status_code == 400  # another enterprise looks like no enterprise at all
    product_id = created.json()["id"]
    assert client.post(f"/api/v1/products/{product_id}/discontinue/").json()["discontinued_on"]
    assert client.delete(f"/api/v1/products/{product_id}/").status_code == 405
    assert Product.objects.filter(pk=product_id).exists()
    assert standard.products.count() == 1


def test_self_reports_through_the_api(actors, enterprise):
    body = {
        "enterprise": enterprise.pk,
        "year": 2026,
        "quarter": 3,
        "quality_awareness": "good",
        "assurance_system": "good",
        "quality_level": "good",
        "site_management": "good",
        "after_sales": "good",
        "output_value": "100.00",
        "quality_loss_rate": "0.50",
        "complaints_received": 0,
    }
    client = token_api(actors[Role.ENTERPRISE])
    created = client.post("/api/v1/self-reports/", body, format="json")
    assert created.status_code == 201 and created.json()["due_on"] == "2026-10-15"
    duplicate = client.post("/api/v1/self-reports/", body, format="json")
    assert duplicate.status_code == 400
    report_id = created.json()["id"]
    assert client.post(f"/api/v1/self-reports/{report_id}/review/", {"decision": "accept"}).status_code == 403
    staff = token_api(actors[Role.SUPERVISOR])
    assert staff.post("/api/v1/self-reports/", body, format="json").status_code == 403  # only the enterprise files
    missing_reason = staff.post(f"/api/v1/self-reports/{report_id}/review/", {"decision": "return"}, format="json")
    assert missing_reason.status_code == 400 and "comment" in missing_reason.json()["error"]["fields"]
    returned = staff.post(
        f"/api/v1/self-reports/{report_id}/review/", {"decision": "return", "comment": "请补充附件"}, format="json"
    )
    assert returned.json()["status"] == ReportStatus.RETURNED
    assert SelfReport.objects.get().reviewed_by == actors[Role.SUPERVISOR]


def test_the_enterprise_detail_nests_products_and_self_reports(actors, enterprise):
    Product.objects.create(enterprise=enterprise, name="桂花糕")
    body = token_api(actors[Role.ENTERPRISE]).get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert [p["name"] for p in body["products"]] == ["桂花糕"]
    assert body["self_reports"] == [] and "licences" in body


def test_licences_are_recorded_by_staff_and_validated_like_the_form(
    actors, enterprise, other_enterprise, inspector_at_enterprise
):
    body = {
        "enterprise": enterprise.pk,
        "kind": "food_production",
        "number": "SC11443060200099",
        "issued_on": "2026-01-10",
        "expires_on": "2031-01-09",
    }
    assert token_api(actors[Role.ENTERPRISE]).post("/api/v1/licences/", body, format="json").status_code == 403
    assert token_api(actors[Role.INSPECTOR]).post("/api/v1/licences/", body, format="json").status_code == 403
    staff = token_api(actors[Role.SUPERVISOR])
    backwards = staff.post("/api/v1/licences/", {**body, "expires_on": "2025-01-01"}, format="json")
    assert backwards.status_code == 400 and backwards.json()["error"]["code"] == "invalid"
    created = staff.post("/api/v1/licences/", body, format="json")
    assert created.status_code == 201
    duplicate = staff.post("/api/v1/licences/", {**body, "enterprise": other_enterprise.pk}, format="json")
    assert duplicate.status_code == 400  # same kind and number
    licence_id = created.json()["id"]
    renewed = staff.patch(f"/api/v1/licences/{licence_id}/", {"expires_on": "2036-01-09"}, format="json")
    assert renewed.status_code == 200
    from enterprises.models import Licence

    licence = Licence.objects.get(pk=licence_id)
    assert [h.expires_on.year for h in licence.history.order_by("history_date")] == [2031, 2036]
    own = token_api(actors[Role.ENTERPRISE]).get("/api/v1/licences/").json()
    assert [row["id"] for row in own["results"]] == [licence_id]
    assert token_api(actors[Role.ENTERPRISE]).get(f"/api/v1/licences/{licence_id}/").status_code == 200
    assert (
        token_api(actors[Role.ENTERPRISE]).patch(f"/api/v1/licences/{licence_id}/", {"scope": "x"}).status_code == 403
    )
