"""Issue 20's "done when", in headless Debian Chromium: standards staff load a refreshed catalogue in which a
standard is replaced; the enterprises whose products execute it see the warning; one names its new executed
standard, and its row leaves the worklist."""

import pytest

from enterprises.models import Product
from tests.factories import EnterpriseFactory, enterprise_user
from tests.factories_standards import csv_file, product_executing, standard, standards_staff
from tests.test_browser import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_replaced_standard_warns_its_enterprises_until_they_move(browser, live_server):
    standards_staff(username="standards")
    old = standard("GB 1000-2010", title="旧版标准")
    first, second = EnterpriseFactory(), EnterpriseFactory()
    product = product_executing(first, old, name="复合肥料")
    product_executing(second, old, name="有机肥料")
    enterprise_user(first, username="first")
    enterprise_user(second, username="second")
    refreshed = csv_file(
        [
            ["GB 1000-2010", "旧版标准", "", "被代替", "GB 1000-2024", "", "", "2025-01-01"],
            ["GB 1000-2024", "新版标准", "", "现行", "", "2024-06-01", "2025-01-01", ""],
        ]
    ).read()

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, "standards")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/standards/load/")
    page.set_input_files("input[name=file]", files=[{"name": "目录.csv", "mimeType": "text/csv", "buffer": refreshed}])
    page.uncheck("input[name=dry_run]")
    page.get_by_test_id("load-submit").click()
    page.wait_for_url(f"{live_server.url}/standards/")
    assert page.locator("[data-testid=standard-row][data-code='GB 1000-2010']").get_attribute("data-status") == (
        "replaced"
    )
    page.goto(f"{live_server.url}/standards/worklists/outdated/")
    assert page.get_by_test_id("outdated-row").count() == 2
    context.close()

    for username in ("first", "second"):  # both enterprises see the warning on their home page
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, username)
        page.wait_for_url(f"{live_server.url}/")
        assert page.locator("[data-kind='standards.outdated_own']").count() == 1
        if username == "first":
            page.locator("[data-kind='standards.outdated_own'] a").click()
            page.get_by_test_id("replace").click()
            assert page.input_value("input[name=new]") == "GB 1000-2024"  # the successor, offered first
            page.click("main button[type=submit]")
            page.wait_for_url(f"{live_server.url}/standards/mine/")
            assert page.get_by_test_id("no-outdated").count() == 1
            page.goto(f"{live_server.url}/")
            assert page.locator("[data-kind='standards.outdated_own']").count() == 0
        context.close()

    assert [s.code for s in Product.objects.get(pk=product.pk).standards.all()] == ["GB 1000-2024"]
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, "standards")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/standards/worklists/outdated/")
    rows = page.get_by_test_id("outdated-row")
    assert rows.count() == 1 and rows.first.get_attribute("data-product") != str(product.pk)
    context.close()
