"""The per-role tour (issue 21) in headless Chromium, on a desktop (1366×768) and a phone (390×844): each home page
starts with the to-do inbox, one tap from the page to act; the lab bench says a draft is saved, shows it on the
worklist, asks before submitting and lists the submitted results; an axe-core check over the pages visited reports
no serious or critical violation. Screenshots go to $QS_ARTIFACTS (default tests/artifacts/, git-ignored), which CI
keeps as the run's artifacts."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.roles import Role
from inspections.models import LabTest
from tests.factories import PASSWORD, CampaignFactory, assign_task
from tests.spotcheck import SpotCheck

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
ARTIFACTS = Path(os.environ.get("QS_ARTIFACTS") or Path(__file__).parent / "artifacts")
SERIOUS = ("serious", "critical")


def _city(actors):
    """A few waiting items for every role: a plan to approve, a result to review, samples (one a draft), a task
    due today, the enterprise's self-report due."""
    spot_check = SpotCheck(actors, enterprises=2, batches=2)
    spot_check.start()
    tasks = list(spot_check.campaign.tasks.order_by("pk"))
    for task in tasks:
        spot_check.sample(task)
    first, second = (LabTest.objects.get(task=task, kind="initial") for task in tasks)
    spot_check.test_result(first, cadmium="0.1")
    spot_check.receive(second)  # the seal scanned on receipt: the bench takes findings
    CampaignFactory(title="电动自行车产品质量监督抽查")
    task = assign_task(actors[Role.INSPECTOR], spot_check.pool[1])
    task.due_on = timezone.localdate()
    task.save()
    return spot_check, second


def _log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def _axe(page, where: str, problems: list):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{where}: {violation['id']} ({violation['impact']}) {targets}")


def _shot(page, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_every_role_tour(browser, live_server, actors, device):
    spot_check, draft = _city(actors)
    base = live_server.url
    viewport = VIEWPORTS[device]
    problems: list[str] = []
    expected = {
        Role.LEADER: "inspections.campaigns_to_approve",
        Role.SUPERVISOR: "inspections.results_to_review",
        Role.INSPECTOR: "inspections.tasks_today",
        Role.LAB_TECHNICIAN: "inspections.samples_to_test",
        Role.ENTERPRISE: "enterprises.self_report_due",
        Role.EXPERT: None,
    }
    for role, kind in expected.items():
        context = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=device == "phone")
        page = context.new_page()
        _log_in(page, base, actors[role].username)
        inbox = page.get_by_test_id("inbox")
        assert inbox.is_visible()
        box = inbox.bounding_box()
        assert box["y"] < viewport["height"], f"{role}: the inbox is not on the first screen"
        heading = page.get_by_test_id("home-heading").bounding_box()
        assert heading["y"] <= box["y"]  # right under the page's title, before anything else
        if kind:
            item = page.locator(f'.inbox-item[data-kind="{kind}"]')
            assert item.count() == 1, f"{role}: {kind} missing"
            assert int(item.locator(".inbox-count").inner_text()) >= 1
        else:
            assert page.get_by_test_id("inbox-empty").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{role}: the home page scrolls sideways by {overflow}px"
        _shot(page, f"{device}-{role}-home")
        _axe(page, f"{device} {role} home", problems)
        if kind:  # one click to act: the item's link opens its page
            page.locator(f'.inbox-item[data-kind="{kind}"] a').click()
            page.wait_for_load_state()
            assert page.locator("h1").first.inner_text()
            _shot(page, f"{device}-{role}-act")
            _axe(page, f"{device} {role} {page.url.removeprefix(base)}", problems)
        if role == Role.LAB_TECHNICIAN:
            _lab_bench(page, base, spot_check, draft, device, problems)
        context.close()
    assert not problems, "\n".join(problems)


def _lab_bench(page, base, spot_check, draft, device, problems):
    page.goto(f"{base}{draft.get_absolute_url()}")
    page.fill(f"[name=item_{spot_check.cadmium.pk}]", "0.5")
    with page.expect_navigation():
        page.get_by_test_id("save-draft").click()
    page.locator(".message.success").first.wait_for()  # the draft is saved, and the page says so
    page.goto(f"{base}/lab/")
    assert page.get_by_test_id("draft-flag").count() == 1
    _shot(page, f"{device}-lab-worklist")
    _axe(page, f"{device} lab worklist", problems)
    page.goto(f"{base}{draft.get_absolute_url()}")
    page.select_option(f"[name=item_{spot_check.labelling.pk}]", "yes")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_test_id("submit-findings").click()  # dismissed: nothing is sent
    assert questions and page.url.endswith(draft.get_absolute_url())
    page.get_by_test_id("submit-findings").click()  # confirmed
    page.wait_for_url(f"{base}/lab/submitted/")
    assert page.locator(f'[data-testid="submitted-row"]:has-text("{draft.blind_code}")').count() == 1
    _shot(page, f"{device}-lab-submitted")
    _axe(page, f"{device} lab submitted", problems)
    if device == "phone":
        page.click("summary")
    assert page.get_by_role("link", name="已提交的检验结果").is_visible()  # on the lab's menu
