"""The equipment pages: the register and its worklists, a unit's page and its forms, the import (dry run,
all-or-nothing, row errors), the export of the filtered list, and the public status page."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from accounts.roles import Role
from equipment.choices import Conclusion, RegistrationStatus
from equipment.models import Inspection, Unit
from tests.clients import signed_in
from tests.factories import EnterpriseFactory, enterprise_user
from tests.factories_equipment import UnitFactory, equipment_staff

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def test_the_list_shows_the_worklist_and_flags_units_that_must_not_be_used(client, django_assert_max_num_queries):
    staff = equipment_staff()
    UnitFactory(equipment_code="DUE1", next_inspection_due=days(5))
    UnitFactory(equipment_code="LATE1", next_inspection_due=days(-5))
    UnitFactory.create_batch(30)
    signed_in(client, staff)
    with django_assert_max_num_queries(12):
        response = client.get("/equipment/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="due-row"') == 2
    assert html.count('data-testid="must-not-be-used"') == 1
    filtered = client.get("/equipment/", {"inspection": "overdue"}).content.decode()
    assert 'data-code="LATE1"' in filtered and 'data-code="DUE1"' not in filtered.split('data-testid="units"')[1]


def test_a_using_unit_sees_only_its_own_units_and_others_are_404(client, enterprise):
    own, other = UnitFactory(using_unit=enterprise), UnitFactory()
    signed_in(client, enterprise_user(enterprise))
    html = client.get("/equipment/").content.decode()
    assert own.equipment_code in html and other.equipment_code not in html
    assert client.get(f"/equipment/{other.pk}/").status_code == 404
    assert client.get(f"/equipment/{own.pk}/").status_code == 200
    assert client.get("/equipment/import/").status_code == 403
    assert client.get("/equipment/registrations/").status_code == 403


def test_roles_without_access_get_403_and_anonymous_logs_in(client, actors):
    signed_in(client, actors[Role.INSPECTOR])
    assert client.get("/equipment/").status_code == 403
    client.logout()
    assert client.get("/equipment/").status_code == 302


def test_a_using_unit_enters_a_unit_and_applies_and_staff_accept_on_the_page(client, enterprise):
    user = enterprise_user(enterprise)
    signed_in(client, user)
    form = {
        "equipment_code": "3110430600A",
        "category": "",
        "address": "巴陵中路8号",
        "put_into_use_on": days(-1).isoformat(),
    }
    from equipment.models import Category

    form["category"] = Category.objects.get(code="3000").pk
    response = client.post("/equipment/new/", form)
    unit = Unit.objects.get(equipment_code="3110430600A")
    assert response.status_code == 302 and unit.using_unit == enterprise
    client.post(f"/equipment/{unit.pk}/", {"action": "apply", "apply-note": "新装电梯"})
    assert unit.registrations.get().status == RegistrationStatus.APPLIED
    refused = client.post(f"/equipment/{unit.pk}/", {"action": "accept", "accept-certificate_number": "X"})
    assert refused.status_code == 403
    staff = equipment_staff()
    signed_in(client, staff)
    assert "3110430600A" in client.get("/equipment/registrations/").content.decode()
    client.post(f"/equipment/{unit.pk}/", {"action": "accept", "accept-certificate_number": "梯11湘F00777"})
    unit.refresh_from_db()
    assert unit.registration_number == "梯11湘F00777"


def test_a_failed_inspection_shows_must_not_be_used_on_the_page_and_the_public_page(client):
    unit = UnitFactory(registration_number="梯11湘F00042")
    signed_in(client, equipment_staff())
    response = client.post(
        f"/equipment/{unit.pk}/",
        {
            "action": "inspection",
            "inspection-inspected_on": today().isoformat(),
            "inspection-report_number": "JY2026-1",
            "inspection-conclusion": Conclusion.FAIL,
            "inspection-defects": "",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "names its defects" in response.content.decode()
    client.post(
        f"/equipment/{unit.pk}/",
        {
            "action": "inspection",
            "inspection-inspected_on": today().isoformat(),
            "inspection-report_number": "JY2026-1",
            "inspection-conclusion": Conclusion.FAIL,
            "inspection-defects": "层门锁失效",
        },
    )
    assert 'data-testid="must-not-be-used"' in client.get(f"/equipment/{unit.pk}/").content.decode()
    client.logout()
    public = client.get("/public/equipment/梯11湘F00042/").content.decode()
    assert 'data-testid="public-must-not-be-used"' in public and "层门锁失效" not in public
    assert client.get("/public/equipment/NOPE/").status_code == 404
    assert client.get("/public/equipment/", {"number": "梯11湘f00042"}).status_code == 302


def _csv(rows) -> io.BytesIO:
    text = "\n".join(",".join(row) for row in rows)
    file = io.BytesIO(text.encode("utf-8-sig"))
    file.name = "units.csv"
    return file


def test_the_import_checks_every_row_and_writes_nothing_unless_all_are_valid(client, enterprise):
    staff = equipment_staff()
    signed_in(client, staff)
    header = ["设备代码", "设备类别", "使用单位统一社会信用代码", "地址", "投入使用日期"]
    header += ["使用登记证编号", "检验日期", "检验结论"]
    good = ["E1", "电梯", enterprise.credit_code, "巴陵中路1号", "2024-05-01", "梯11湘F10001", "2026-05-01", "合格"]
    bad = ["E1", "飞机", "91430600MA4XXXXX0X", "", "not a date", "", "", ""]
    response = client.post("/equipment/import/", {"kind": "units", "file": _csv([header, good, bad])})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-errors"' in html
    assert not Unit.objects.exists()
    dry = client.post("/equipment/import/", {"kind": "units", "file": _csv([header, good]), "dry_run": "on"})
    assert 'data-testid="import-summary"' in dry.content.decode() and not Unit.objects.exists()
    client.post("/equipment/import/", {"kind": "units", "file": _csv([header, good])})
    unit = Unit.objects.get()
    assert unit.next_inspection_due == datetime.date(2027, 5, 1) and unit.registration_number == "梯11湘F10001"
    results = _csv(
        [
            ["设备代码", "检验日期", "报告编号", "检验结论", "主要问题"],
            ["E1", days(-1).isoformat(), "R-1", "不合格", "钢丝绳断丝"],
            ["E1", today().isoformat(), "R-2", "复检合格", ""],
        ]
    )
    client.post("/equipment/import/", {"kind": "inspections", "file": results})
    unit.refresh_from_db()
    assert Inspection.objects.filter(imported=True).count() == 2
    assert unit.last_conclusion == Conclusion.PASS_AFTER_REINSPECTION and not unit.must_not_be_used()


def test_the_export_follows_the_filters_and_can_be_read_back(client, enterprise):
    UnitFactory(equipment_code="X1", using_unit=enterprise, next_inspection_due=days(-1))
    UnitFactory(equipment_code="X2", using_unit=EnterpriseFactory())
    signed_in(client, enterprise_user(enterprise))
    response = client.get("/equipment/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["X1"] and rows[1][-1] == "是"
    signed_in(client, equipment_staff())
    rows = list(
        openpyxl.load_workbook(io.BytesIO(client.get("/equipment/export.xlsx", {"q": "X2"}).content)).active.iter_rows(
            values_only=True
        )
    )
    assert [row[0] for row in rows[1:]] == ["X2"]


def test_the_operators_page_lists_a_using_units_own_and_records_one(client, enterprise):
    from equipment.models import Category, Operator

    Operator.objects.create(
        using_unit=EnterpriseFactory(),
        name="外单位",
        category=Category.objects.get(code="4000"),
        certificate_number="OTHER1",
        issued_on=today(),
        expires_on=days(1000),
    )
    signed_in(client, enterprise_user(enterprise))
    response = client.post(
        "/equipment/operators/",
        {
            "name": "王强",
            "category": Category.objects.get(code="4000").pk,
            "certificate_number": "Q1",
            "issued_on": today().isoformat(),
        },
    )
    assert response.status_code == 302
    html = client.get("/equipment/operators/").content.decode()
    assert "Q1" in html and "OTHER1" not in html
    unit = UnitFactory(using_unit=enterprise, category=Category.objects.get(code="1000"))
    assert 'data-testid="lacks-operator"' in client.get(f"/equipment/{unit.pk}/").content.decode()
