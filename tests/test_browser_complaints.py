"""A named complaint (投诉) in headless Chromium, from the public form to the end of its mediation: the visitor reads
which kind to choose, is refused without a phone, files, and follows it by its number with the countdown to the
decision on acceptance; the supervisor sees the same countdown, accepts it, and the tracking page counts down to the
end of the mediation; the mediation ends with an agreement, which the visitor then reads, with no clock left."""

import pytest
from django.utils import timezone

from complaints.choices import ComplaintKind, ComplaintStatus, Outcome
from complaints.models import Complaint
from core.workdays import working_days_between
from tests.test_browser_public import answer_of, press, session, visitor  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "经本局组织调解，双方自愿达成调解协议：商店为您更换同型号电热水壶并承担检测费用。"


def countdown(page, key: str) -> tuple[str, int]:
    """The last day and the working days left that the page shows for the clock `key`."""
    clock = page.get_by_test_id(f"countdown-{key}")
    assert clock.get_attribute("data-overdue") == "0"
    days = int("".join(char for char in clock.get_by_test_id("days-left").inner_text() if char.isdigit()))
    return clock.get_attribute("data-due"), days


def test_a_named_complaint_from_filing_to_the_end_of_its_mediation(session, visitor, actors, reference_data):  # noqa: F811
    url = session.url

    # 1. The visitor reads the two kinds, chooses a complaint, and is refused without a phone.
    visitor.goto(f"{url}/public/complaints/new/")
    kind_row = visitor.get_by_test_id("row-kind").inner_text()
    assert "投诉" in kind_row and "举报" in kind_row

    def fill(answer: int, phone: str) -> None:
        visitor.check("input[name=kind][value=complaint]")
        visitor.fill("input[name=product_name]", "电热水壶")
        visitor.fill("input[name=enterprise_name]", "岳阳楼区步行街美好电器商店")
        visitor.fill("input[name=place]", "岳阳楼区步行街美好电器商店")
        visitor.fill("textarea[name=description]", "购买一周后底座漏电，商店拒绝退换。")
        visitor.fill("input[name=contact_name]", "李四")
        visitor.fill("input[name=contact_phone]", phone)
        visitor.fill("input[name=contact_address]", "岳阳楼区洞庭路1号")
        visitor.fill("input[name=answer]", str(answer))

    fill(answer_of(visitor), "")
    press(visitor, "complaint-submit")
    assert visitor.get_by_test_id("error-contact_phone").is_visible()
    assert not Complaint.objects.exists()
    fill(answer_of(visitor), "13800001111")
    press(visitor, "complaint-submit")
    visitor.wait_for_url("**/public/complaints/received/")
    number = visitor.get_by_test_id("tracking-number").inner_text().strip()
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.kind == ComplaintKind.COMPLAINT and complaint.contact_address == "岳阳楼区洞庭路1号"
    assert visitor.get_by_test_id("reward-code").count() == 0  # a complaint has no reward

    # 2. The tracking page counts down to the decision on acceptance (7 working days).
    press(visitor, "follow-link")
    assert visitor.get_by_test_id("status-value").get_attribute("data-value") == ComplaintStatus.RECEIVED
    due, days = countdown(visitor, "accept")
    today = timezone.localdate(complaint.received_at)
    assert due == f"{complaint.accept_due:%Y-%m-%d}" and days == working_days_between(today, complaint.accept_due)
    assert 0 < days <= 7
    visitor.screenshot(path="/tmp/complaint-track-received.png", full_page=True)

    # 3. The supervisor sees the same clock on the list and the complaint's page, and accepts it.
    staff = session.page("supervisor")
    staff.goto(f"{url}/complaints/")
    row = staff.locator(f"[data-testid=complaint-row][data-number='{number}']")
    assert complaint.accept_due.strftime("%Y-%m-%d") in row.get_by_test_id("row-due").inner_text()
    staff.goto(f"{url}/complaints/{complaint.pk}/")
    assert countdown(staff, "accept") == (due, days)
    press(staff, "accept-submit")
    assert staff.get_by_test_id("complaint-status").get_attribute("data-value") == ComplaintStatus.IN_PROGRESS
    complaint.refresh_from_db()
    mediation_due, mediation_days = countdown(staff, "mediation")
    assert mediation_due == f"{complaint.mediation_due:%Y-%m-%d}" and 0 < mediation_days <= 45

    # 4. The visitor's page now counts down to the end of the mediation (45 working days).
    visitor.reload()
    assert visitor.get_by_test_id("status-value").get_attribute("data-value") == ComplaintStatus.IN_PROGRESS
    assert visitor.get_by_test_id("countdown-accept").count() == 0
    assert countdown(visitor, "mediation") == (mediation_due, mediation_days)
    visitor.screenshot(path="/tmp/complaint-track-mediation.png", full_page=True)

    # 5. The mediation ends with an agreement: a complaint offers mediation outcomes only, and no case.
    resolve = staff.get_by_test_id("resolve-form")
    offered = resolve.get_by_test_id("resolve-outcome").locator("option").evaluate_all("os => os.map(o => o.value)")
    assert set(offered) == {Outcome.MEDIATED, Outcome.NOT_MEDIATED}
    assert resolve.get_by_test_id("resolve-led-to-case").count() == 0
    resolve.get_by_test_id("resolve-outcome").select_option(Outcome.MEDIATED)
    resolve.get_by_test_id("resolve-reply").fill(REPLY)
    press(staff, "resolve-submit")
    assert staff.get_by_test_id("complaint-outcome").get_attribute("data-value") == Outcome.MEDIATED

    # 6. The visitor reads the outcome and the reply; no clock runs any more.
    visitor.reload()
    assert visitor.get_by_test_id("status-value").get_attribute("data-value") == ComplaintStatus.RESOLVED
    assert visitor.get_by_test_id("status-outcome").get_attribute("data-value") == Outcome.MEDIATED
    assert visitor.get_by_test_id("status-reply").inner_text().strip() == REPLY
    assert visitor.locator("[data-testid^=countdown-]").count() == 0
    assert "李四" not in visitor.content() and "13800001111" not in visitor.content()
    visitor.screenshot(path="/tmp/complaint-track-mediated.png", full_page=True)
