"""Every role logs in through headless Debian Chromium and lands on its own home page."""

import pytest

from tests.factories import PASSWORD
from tests.test_web import HOME_HEADINGS


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    yield context.new_page()
    context.close()


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_role_logs_in_and_sees_its_home_page(browser, live_server, actors):
    for role, heading in HOME_HEADINGS.items():
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, actors[role].username)
        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_test_id("home-heading").inner_text() == heading
        assert actors[role].get_role_display() in page.get_by_test_id("current-user").inner_text()
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_menu_opens_and_english_is_one_tap_away(phone, live_server, actors):
    log_in(phone, live_server, "enterprise")
    phone.wait_for_url(f"{live_server.url}/")
    assert not phone.get_by_role("link", name="我的企业").is_visible()  # folded away on a narrow screen
    phone.click("summary")
    phone.get_by_role("link", name="我的企业").click()
    assert phone.get_by_role("heading", level=1).inner_text() != ""
    phone.click("summary")
    phone.get_by_role("button", name="English").click()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", level=2).first.inner_text() == "Identity"
    phone.click("summary")
    assert phone.get_by_role("button", name="Log out").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_explained_in_chinese(browser, live_server, actors):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", "wrong-password")
    page.click("main button[type=submit]")
    assert "用户名或密码错误" in page.locator(".form-errors").inner_text()
    context.close()
