"""Bureau staff check a spreadsheet in headless Debian Chromium: a dry run lists the bad row and writes nothing."""

import pytest

from accounts.roles import Role
from enterprises.models import Enterprise
from tests.factories import DistrictFactory, ResponsibilityAreaFactory, UserFactory, _industry
from tests.test_browser import log_in
from tests.test_import_export import ENTERPRISE_HEADERS, credit_code, csv_file, enterprise_row


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_dry_run_shows_the_bad_row_and_writes_nothing(browser, live_server):
    # Transactional tests start from flushed tables: create the reference data this file names.
    ResponsibilityAreaFactory(district=DistrictFactory(code="430602", name="岳阳楼区"), name="城东责任区")
    _industry("14")
    UserFactory(role=Role.SUPERVISOR, username="supervisor")
    bad_code = credit_code(2)[:17] + ("0" if credit_code(2)[17] != "0" else "1")
    upload = csv_file(ENTERPRISE_HEADERS, [enterprise_row(1), enterprise_row(2, 统一社会信用代码=bad_code)])

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, "supervisor")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/enterprises/import/")
    assert page.locator("input[name=dry_run]").is_checked()
    page.set_input_files(
        "input[name=file]", files=[{"name": "企业.csv", "mimeType": "text/csv", "buffer": upload.read()}]
    )
    page.click("main button[type=submit]")

    rows = page.get_by_test_id("import-errors").locator("tbody tr")
    assert rows.count() == 1
    row, column, reason = (cell.strip() for cell in rows.first.locator("td").all_inner_texts())
    assert (row, column) == ("3", "统一社会信用代码")
    assert credit_code(2)[17] in reason  # names the check character the code should have
    assert not Enterprise.objects.exists()
    context.close()
