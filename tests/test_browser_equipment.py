"""Issue 18's "done when", in headless Chromium: a property company registers a new elevator and applies for its
use registration, staff accept it; a month before its inspection is due the company is reminded; the
institution's result is imported as failed, and the elevator's public status page says it must not be used; after
the company rectifies, the re-inspection passes and the public page shows it usable again.

The year between registration and the reminder is not waited for: the elevator's next inspection date is moved
to 20 days ahead, as the year passing would leave it, and the daily task is run."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from equipment.models import Category, Reminder, Unit
from equipment.services import reminders_record
from tests.factories_equipment import equipment_staff
from tests.test_browser_public import press, visitor  # noqa: F401 (fixtures)
from tests.test_browser_spot_check import session  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "31104306002026B001"
NUMBER = "梯11湘F20260(26)"


def test_an_elevator_from_registration_to_a_passed_reinspection(session, visitor, actors, tmp_path):  # noqa: F811
    from equipment.reference_data import ensure_categories

    ensure_categories(Category)  # a transactional test's flush removed the migration's rows
    equipment_staff(username="equipment")
    today = timezone.localdate()
    url = session.url

    # 1. The property company enters its new elevator and applies for its registration.
    company = session.page(actors[Role.ENTERPRISE].username, phone=True)
    company.goto(f"{url}/equipment/new/")
    company.fill("input[name=equipment_code]", CODE)
    company.select_option("select[name=category]", str(Category.objects.get(code="3000").pk))
    company.fill("input[name=address]", "岳阳市南湖名都")
    company.fill("input[name=building]", "3栋2单元")
    company.fill("input[name=put_into_use_on]", (today - datetime.timedelta(days=3)).isoformat())
    company.locator("main button[type=submit]").click()
    company.wait_for_load_state()
    unit = Unit.objects.get(equipment_code=CODE)
    assert unit.using_unit_id == actors[Role.ENTERPRISE].enterprise_id
    press(company, "apply-submit")
    assert company.get_by_test_id("registration-row").get_attribute("data-status") == "applied"

    # 2. Staff of the special-equipment section accept it with the certificate number.
    staff = session.page("equipment")
    staff.goto(f"{url}/equipment/{unit.pk}/")
    staff.fill("input[name=accept-certificate_number]", NUMBER)
    press(staff, "accept-submit")
    assert staff.get_by_test_id("registration-number").inner_text().startswith(NUMBER)

    # 3. Eleven months on: the inspection is due in 20 days; the daily task reminds the company, once.
    Unit.objects.filter(pk=unit.pk).update(next_inspection_due=today + datetime.timedelta(days=20))
    assert reminders_record() == 1 and reminders_record() == 0
    assert Reminder.objects.get(unit=unit).kind == Reminder.Kind.INSPECTION
    company.goto(f"{url}/equipment/")
    assert company.locator(f"[data-testid=due-row][data-code='{CODE}']").is_visible()

    # 4. The institution's result is imported: failed.
    results = tmp_path / "results.csv"
    results.write_text(
        f"设备代码,检验日期,报告编号,检验结论,检验机构,主要问题\n"
        f"{CODE},{today.isoformat()},JY2026-0001,不合格,岳阳市特种设备检验检测所,制动器制动力不足\n",
        encoding="utf-8-sig",
    )
    staff.goto(f"{url}/equipment/import/")
    staff.check("input[name=kind][value=inspections]")
    staff.set_input_files("input[name=file]", str(results))
    staff.locator("main form[enctype] button[type=submit]").click()
    staff.wait_for_load_state()
    unit.refresh_from_db()
    assert unit.last_conclusion == "fail"

    # 5. The public page (the QR code on the certificate) says it must not be used.
    visitor.goto(f"{url}/public/equipment/")
    visitor.fill("input[name=number]", NUMBER)
    visitor.locator("main button[type=submit]").click()
    visitor.wait_for_load_state()
    assert visitor.get_by_test_id("public-must-not-be-used").is_visible()
    assert "制动器" not in visitor.content()

    # 6. The company rectifies; the re-inspection passes, recorded by staff; the public page shows it usable.
    staff.goto(f"{url}/equipment/{unit.pk}/")
    assert staff.get_by_test_id("must-not-be-used").is_visible()
    staff.fill("input[name=inspection-inspected_on]", today.isoformat())
    staff.fill("input[name=inspection-report_number]", "JY2026-0002")
    staff.select_option("select[name=inspection-conclusion]", "pass_reinspected")
    press(staff, "inspection-submit")
    assert staff.get_by_test_id("must-not-be-used").count() == 0
    visitor.reload()
    assert visitor.get_by_test_id("public-usable").is_visible()
