"""A whole spot-check campaign in headless Chromium, each step by the role that takes it: plan, approve, draw,
sample on a phone, test, review, notify, object, re-test, rectify, re-check, publish, and the public page."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.roles import Role
from inspections import custody
from inspections.choices import FollowUpOutcome, TaskKind, TaskStatus, Verdict
from inspections.models import Campaign, Draw, FollowUp, LabTest, PublishedResult, Task
from tests.factories import LaboratoryFactory, ProductFactory, StandardFactory, UserFactory
from tests.spotcheck import PNG
from tests.test_browser import log_in
from tests.test_browser_offline import sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city(actors, reference_data, tmp_path):
    """Two approved laboratories, a roster of two inspectors, a product on the enterprise's file, a photo."""
    enterprise = actors[Role.ENTERPRISE].enterprise
    second_inspector = UserFactory(role=Role.INSPECTOR, username="inspector2")
    retest_technician = UserFactory(role=Role.LAB_TECHNICIAN, username="lab2")
    photo = tmp_path / "sample.png"
    photo.write_bytes(PNG)
    return {
        "enterprise": enterprise,
        "lab": LaboratoryFactory(name="岳阳市产品质量检验检测中心", technicians=[actors[Role.LAB_TECHNICIAN]]),
        "retest_lab": LaboratoryFactory(name="湖南省产品质量检验研究院", technicians=[retest_technician]),
        "inspectors": [actors[Role.INSPECTOR], second_inspector],
        "product": ProductFactory(enterprise=enterprise, name="早籼米"),
        "standard": StandardFactory(),
        "photo": photo,
    }


class Session:
    """One signed-in browser context per user, phone-sized for field work."""

    def __init__(self, browser, live_server):
        self.browser, self.url, self.contexts = browser, live_server.url, {}

    def page(self, username: str, *, phone: bool = False):
        if username not in self.contexts:
            options = {"locale": "zh-CN"}
            if phone:
                options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            context = self.browser.new_context(**options)
            page = context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())  # a confirmation (提交审核, an approval): yes
            log_in(page, self, username)
            page.wait_for_url(f"{self.url}/")
            self.contexts[username] = page
        return self.contexts[username]

    def close(self):
        for page in self.contexts.values():
            page.context.close()


@pytest.fixture
def session(browser, live_server):
    session = Session(browser, live_server)
    yield session
    session.close()


def submit(page, action_suffix: str):
    """Press the button of the form posting to an URL ending in `action_suffix`."""
    page.locator(f"form[action$='{action_suffix}'] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_campaign_runs_end_to_end(session, city, actors):
    today = timezone.localdate()
    enterprise = city["enterprise"]

    # 1. A supervisor plans the campaign: one batch from the enterprise's responsibility area.
    staff = session.page("supervisor")
    staff.goto(f"{session.url}/spot-checks/new/")
    staff.fill("input[name=title]", "大米产品质量监督抽查")
    staff.fill("textarea[name=legal_basis]", "《中华人民共和国产品质量法》第十五条")
    staff.fill("textarea[name=product_categories]", "大米")
    staff.fill("input[name=batches]", "1")
    staff.fill("input[name=period_start]", today.isoformat())
    staff.fill("input[name=period_end]", (today + datetime.timedelta(days=60)).isoformat())
    staff.select_option("select[name=lab]", str(city["lab"].pk))
    for inspector in city["inspectors"]:
        staff.check(f"input[name=roster][value='{inspector.pk}']")
    staff.select_option("select[name=pool_area]", str(enterprise.area_id))
    staff.click("main button[type=submit]")
    staff.wait_for_url(re.compile(r"/spot-checks/\d+/$"))
    campaign = Campaign.objects.get()
    staff.get_by_test_id("add-item").click()
    staff.fill("input[name=name]", "镉(以Cd计)")
    staff.select_option("select[name=standard]", str(city["standard"].pk))
    staff.select_option("select[name=limit_kind]", "max")
    staff.fill("input[name=upper]", "0.2")
    staff.fill("input[name=unit]", "mg/kg")
    staff.click("main button[type=submit]")
    staff.wait_for_url(f"**/spot-checks/{campaign.pk}/")
    assert "≤ 0.2 mg/kg" in staff.inner_text("#items")

    # 2. A leader approves it; 3. the supervisor publishes the commitment, draws and starts sampling.
    leader = session.page("leader")
    leader.goto(f"{session.url}/spot-checks/{campaign.pk}/")
    submit(leader, "/approve/")
    staff.reload()
    submit(staff, "/commit/")
    draw = Draw.objects.get(campaign=campaign)
    assert staff.get_by_test_id("commitment").first.inner_text().startswith(draw.commitment[:10])
    submit(staff, "/draw/")
    submit(staff, "/start/")
    assert staff.get_by_test_id("campaign-status").inner_text() == campaign.__class__.objects.get().get_status_display()
    anonymous = session.browser.new_page()
    anonymous.goto(f"{session.url}/public/draws/{draw.pk}/")
    assert draw.seed not in anonymous.content()  # revealed once the visits are made
    task = Task.objects.get(campaign=campaign)
    assert set(task.inspectors.all()) == set(city["inspectors"]) and task.enterprise == enterprise

    # 4. An inspector files the sampling record on a phone.
    sample_on_phone(session, city, task)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SAMPLED

    # 5. The laboratory tests the sample blind; 6. a reviewer approves and notifies.
    lab_test = LabTest.objects.get(task=task)
    enter_findings(session, "lab_technician", lab_test, "0.35")
    review_and_notify(session, lab_test)
    assert LabTest.objects.get(pk=lab_test.pk).verdict == Verdict.NONCONFORMING

    # 7. The enterprise opens the result (served: its objection window starts), sees the countdown and objects; a
    # re-test laboratory is drawn.
    firm = session.page("enterprise", phone=True)
    firm.goto(f"{session.url}/")
    assert firm.get_by_test_id("not-served").first.is_visible()
    firm.goto(f"{session.url}/results/{lab_test.pk}/")
    firm.goto(f"{session.url}/")
    assert firm.get_by_test_id("days-left").first.is_visible()
    firm.goto(f"{session.url}/results/{lab_test.pk}/")
    firm.fill("textarea[name=reasons]", "样品运输过程中受潮，申请复检。")
    submit(firm, "/object/")
    assert firm.get_by_test_id("retest-lab").inner_text() == "湖南省产品质量检验研究院"

    # 8. The re-test confirms the failure: final.
    retest = LabTest.objects.get(task=task, kind="retest")
    enter_findings(session, "lab2", retest, "0.31")
    review_and_notify(session, retest)
    task.refresh_from_db()
    assert task.status == TaskStatus.FINAL and task.verdict == Verdict.NONCONFORMING

    # 9. The enterprise reports its rectification; 10. staff order the re-check.
    follow_up = FollowUp.objects.get(task=task)
    firm.goto(f"{session.url}/follow-ups/{follow_up.pk}/")
    firm.click(f"a[href$='/follow-ups/{follow_up.pk}/report/']")
    firm.fill("textarea[name=report]", "更换稻谷供应商，增加镉含量进厂检验。")
    firm.click("main button[type=submit]")
    firm.wait_for_url(f"**/follow-ups/{follow_up.pk}/")
    staff.goto(f"{session.url}/follow-ups/{follow_up.pk}/")
    submit(staff, "/recheck/")

    # 11. The re-check, free of charge, passes: the stop-sale is lifted and the follow-up closes.
    recheck = Task.objects.get(follow_up=follow_up, kind=TaskKind.RECHECK)
    sample_on_phone(session, city, recheck)
    enter_findings(session, "lab_technician", LabTest.objects.get(task=recheck), "0.08")
    review_and_notify(session, LabTest.objects.get(task=recheck))
    follow_up.refresh_from_db()
    assert follow_up.outcome == FollowUpOutcome.RECTIFIED and follow_up.stop_sale_lifted_at
    firm.goto(f"{session.url}/follow-ups/{follow_up.pk}/")
    assert firm.get_by_test_id("follow-up-outcome").inner_text() == follow_up.get_outcome_display()

    # 12. Staff publish; the public reads the results, nothing more.
    staff.goto(f"{session.url}/spot-checks/{campaign.pk}/")
    submit(staff, "/publish/")
    assert PublishedResult.objects.count() == 2
    anonymous.goto(f"{session.url}/public/spot-checks/{campaign.pk}/")
    table = anonymous.get_by_test_id("public-results").inner_text()
    assert enterprise.name in table and "镉(以Cd计)" in table
    anonymous.goto(f"{session.url}/results/{lab_test.pk}/")
    assert "/accounts/login/" in anonymous.url  # unpublished records stay behind the login

    # 13. A leader closes the campaign: the draw's seed and result are public and re-run identically.
    leader.goto(f"{session.url}/spot-checks/{campaign.pk}/")
    submit(leader, "/close/")
    anonymous.goto(f"{session.url}/public/draws/{draw.pk}/")
    assert draw.seed[:16] in anonymous.get_by_test_id("seed").inner_text()
    assert anonymous.get_by_test_id("verification").get_attribute("class").endswith("success")
    anonymous.close()


def sample_on_phone(session, city, task):
    phone = session.page(task.inspectors.order_by("pk").first().username, phone=True)
    phone.goto(f"{session.url}/")
    phone.locator(f"a[href$='/tasks/{task.pk}/sampling/']").click()
    phone.select_option("select[name=product]", str(city["product"].pk))
    phone.fill("input[name=batch_number]", "20261101")
    phone.fill("input[name=quantity]", "4 袋：2 袋检验，2 袋备样")
    phone.fill("input[name=seal_numbers]", "YYSJ-00001")
    phone.fill("input[name=enterprise_signatory]", "王质检")
    phone.set_input_files("input[name=photos]", str(city["photo"]))
    phone.wait_for_selector("[data-photo-list] [data-key]")
    for role in ("enterprise", "inspector_1", "inspector_2"):
        sign(phone, role)
    phone.get_by_test_id("sampling-form").locator("button[type=submit]").click()
    phone.wait_for_function("() => document.querySelector('[data-sync-status]').dataset.state === 'sent'")
    phone.goto(f"{session.url}/tasks/{task.pk}/")


def enter_findings(session, username, lab_test, cadmium):
    lab = session.page(username)
    lab.goto(f"{session.url}/custody/scan/")  # the receipt scan first: no findings before it
    lab.fill("input[name=code]", custody.qr_content(lab_test))
    lab.select_option("select[name=kind]", "received")
    lab.select_option("select[name=seal_intact]", "true")
    lab.locator("[data-testid=scan-form] button[type=submit]").click()
    lab.wait_for_load_state()
    lab.goto(f"{session.url}/")
    lab.locator(f"a[href$='/results/{lab_test.pk}/']").first.click()
    item = lab_test.task.campaign.items.get()
    lab.fill(f"input[name=item_{item.pk}]", cadmium)
    lab.click("button[name=submit]")
    lab.wait_for_load_state()
    assert LabTest.objects.get(pk=lab_test.pk).status == "submitted"


def review_and_notify(session, lab_test):
    staff = session.page("supervisor")
    staff.goto(f"{session.url}/results/review/")
    staff.locator(f"a[href$='/results/{lab_test.pk}/']").first.click()
    staff.check("input[name=decision][value=approve]")
    submit(staff, "/review/")
    submit(staff, "/notify/")
    assert LabTest.objects.get(pk=lab_test.pk).status == "notified"
