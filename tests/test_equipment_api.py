"""The equipment API: reads narrowed to what each role may see, writes through the services, refusals, hostile
input, the public status by registration number, and bounded queries."""

import datetime
import json

import pytest
from django.utils import timezone

from accounts.roles import Role
from equipment.models import Unit
from tests.clients import token_api
from tests.factories import EnterpriseFactory, enterprise_user
from tests.factories_equipment import UnitFactory, equipment_staff

pytestmark = pytest.mark.django_db
UNITS = "/api/v1/equipment/units/"


def days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def new_unit(**extra):
    return {
        "equipment_code": "311043060020250001",
        "category": "3000",
        "address": "岳阳楼区巴陵中路8号",
        "building": "3栋2单元",
        "put_into_use_on": days(-2),
        **extra,
    }


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_list_runs_a_constant_number_of_queries(django_assert_max_num_queries, page_size):
    UnitFactory.create_batch(50)
    client = token_api(equipment_staff())
    with django_assert_max_num_queries(4):  # token, count, page (categories, using units, districts joined)
        response = client.get(UNITS, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_a_using_unit_reads_only_its_own_units(enterprise):
    own, other = UnitFactory(using_unit=enterprise), UnitFactory()
    client = token_api(enterprise_user(enterprise))
    assert [row["id"] for row in client.get(UNITS).json()["results"]] == [own.pk]
    assert client.get(f"{UNITS}{other.pk}/").status_code == 404
    assert client.get(f"{UNITS}{own.pk}/").status_code == 200
    assert client.post(f"{UNITS}{other.pk}/apply/", {}, format="json").status_code == 404


def test_roles_without_access_are_refused(actors):
    unit = UnitFactory()
    for role in (Role.INSPECTOR, Role.LAB_TECHNICIAN, Role.EXPERT):
        assert token_api(actors[role]).get(UNITS).status_code == 403
    supervisor = token_api(actors[Role.SUPERVISOR])  # another section: reads, never changes
    assert supervisor.get(f"{UNITS}{unit.pk}/").status_code == 200
    body = {"inspected_on": days(-1), "report_number": "R1", "conclusion": "pass"}
    assert supervisor.post(f"{UNITS}{unit.pk}/inspections/", body, format="json").status_code == 403
    assert supervisor.post(UNITS, new_unit(), format="json").status_code == 403
    assert token_api(actors[Role.SUPERVISOR]).get(f"{UNITS}abc/").status_code == 404


def test_a_property_company_registers_an_elevator_and_staff_accept_it(enterprise):
    company = token_api(enterprise_user(enterprise))
    other = EnterpriseFactory()
    refused = company.post(UNITS, new_unit(using_unit=other.pk), format="json")
    assert refused.status_code == 400 and "using_unit" in refused.json()["error"]["fields"]
    created = company.post(UNITS, new_unit(), format="json")
    assert created.status_code == 201, created.json()
    unit = created.json()
    assert unit["using_unit"] == enterprise.pk and unit["registration_number"] == ""
    assert company.post(f"{UNITS}{unit['id']}/apply/", {"note": "新装"}, format="json").status_code == 200
    again = company.post(f"{UNITS}{unit['id']}/apply/", {}, format="json")
    assert again.status_code == 400
    assert company.post(f"{UNITS}{unit['id']}/accept/", {"certificate_number": "X"}, format="json").status_code == 403
    staff = token_api(equipment_staff())
    accepted = staff.post(f"{UNITS}{unit['id']}/accept/", {"certificate_number": "梯11湘F00123"}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["registration_number"] == "梯11湘F00123"
    assert accepted.json()["registrations"][0]["status"] == "accepted"
    nothing_waiting = staff.post(f"{UNITS}{unit['id']}/return/", {"reason": "x"}, format="json")
    assert nothing_waiting.status_code == 400


def test_an_overdue_or_failed_unit_says_must_not_be_used(enterprise):
    overdue = UnitFactory(using_unit=enterprise, next_inspection_due=timezone.localdate() - datetime.timedelta(1))
    fine = UnitFactory(using_unit=enterprise)
    client = token_api(enterprise_user(enterprise))
    flags = {row["id"]: row["must_not_be_used"] for row in client.get(UNITS).json()["results"]}
    assert flags == {overdue.pk: True, fine.pk: False}
    staff = token_api(equipment_staff())
    body = {"inspected_on": days(0), "report_number": "JY-1", "conclusion": "fail"}
    missing_defects = staff.post(f"{UNITS}{fine.pk}/inspections/", body, format="json")
    assert missing_defects.status_code == 400 and "defects" in missing_defects.json()["error"]["fields"]
    failed = staff.post(f"{UNITS}{fine.pk}/inspections/", {**body, "defects": "制动器失效"}, format="json")
    assert failed.status_code == 201 and failed.json()["must_not_be_used"] is True
    assert client.get(UNITS, {"must_not_be_used": "true"}).json()["count"] == 2


def test_the_public_reads_a_registered_units_status_by_its_number(client):
    UnitFactory(registration_number="梯11湘F00001", next_inspection_due=timezone.localdate() - datetime.timedelta(1))
    UnitFactory(registration_number="")
    response = client.get("/api/v1/equipment/public/梯11湘F00001/")
    assert response.status_code == 200 and response.json()["must_not_be_used"] is True
    assert "defects" not in response.json() and "id" not in response.json()
    assert client.get("/api/v1/equipment/public/NOPE/").status_code == 404
    assert client.get(UNITS).status_code in (401, 403)


@pytest.mark.parametrize(
    "field,value",
    [("address", "\ud800"), ("address", "x" * 100_000), ("equipment_code", "\ud800"), ("category", "9999")],
)
def test_hostile_input_is_a_field_error(field, value):
    staff = token_api(equipment_staff())
    body = json.dumps(new_unit(using_unit=EnterpriseFactory().pk, **{field: value}))
    response = staff.post(UNITS, body, content_type="application/json")
    assert response.status_code == 400
    assert not Unit.objects.exists()


def test_action_bodies_refuse_bad_input():
    unit = UnitFactory(registration_number="", registered_on=None)
    staff = token_api(equipment_staff())
    for path, body in [
        ("apply/", {"note": "\ud800"}),
        ("apply/", {"note": "x" * 100_000}),
        ("inspections/", {"inspected_on": "yesterday", "report_number": "R", "conclusion": "maybe"}),
        ("inspections/", {"inspected_on": days(3), "report_number": "R", "conclusion": "pass"}),
        ("status/", {"status": "gone"}),
        ("status/", {"status": "stopped", "since": days(3)}),
    ]:
        response = staff.post(f"{UNITS}{unit.pk}/{path}", json.dumps(body), content_type="application/json")
        assert response.status_code == 400, (path, body, response.content)


def test_categories_are_listed(actors):
    rows = token_api(actors[Role.ENTERPRISE]).get("/api/v1/equipment/categories/").json()
    assert len(rows) == 8 and {"code": "3000"}.items() <= rows[2].items()
