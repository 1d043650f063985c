"""The serious-dishonesty list in headless Chromium: a supervisor proposes a listing on a heavier penalty and serves
the notice; the enterprise sees the notice with its countdown and files its statement and defence; a leader lists
it; the public page shows it; three years on (a fixed as-of date given to the daily task) it is removed."""

import pytest
from django.utils import timezone

from accounts.roles import Role
from credit.choices import BlacklistStatus, RemovalKind
from credit.models import BlacklistEntry
from credit.tasks import dishonesty_list_daily_task
from tests.factories import EnterpriseFactory, PenaltyFactory, listing_ground
from tests.test_browser_spot_check import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "岳阳市名单示例食品有限公司"


@pytest.fixture
def session(browser, live_server):
    session = Session(browser, live_server)
    yield session
    session.close()


def _submit(page, action: str) -> None:
    page.locator(f"form:has(input[name=action][value={action}]) button[type=submit]").click()
    page.wait_for_load_state()


def test_a_listing_from_proposal_to_removal_in_the_browser(session, actors, reference_data):
    enterprise = actors[Role.ENTERPRISE].enterprise
    enterprise.name = NAME
    enterprise.save()
    penalty = PenaltyFactory(enterprise=enterprise, is_heavier=True, decision_number="岳市监罚〔2026〕31号")
    other = EnterpriseFactory()

    # The supervisor proposes the listing, naming the ground and the heavier penalty, and serves the notice.
    staff = session.page("supervisor")
    staff.goto(f"{session.url}/credit/blacklist/new/")
    staff.fill("input[name=credit_code]", enterprise.credit_code)
    staff.select_option("select[name=ground]", label=listing_ground("counterfeit").title)
    staff.fill("input[name=penalty_number]", penalty.decision_number)
    staff.fill("textarea[name=facts]", "生产销售掺杂掺假的食用植物油。")
    staff.locator("main form button[type=submit]").click()
    staff.wait_for_load_state()
    entry = BlacklistEntry.objects.get(enterprise=enterprise)
    assert entry.status == BlacklistStatus.PROPOSED and entry.penalty == penalty
    staff.goto(f"{session.url}{entry.get_absolute_url()}")
    staff.fill("input[name=notify-notice_number]", "岳市监信告〔2026〕8号")
    _submit(staff, "notify")
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.NOTIFIED

    # The enterprise sees its notice with the working days left, and files its statement and defence.
    company = session.page("enterprise")
    company.goto(f"{session.url}/credit/blacklist/mine/")
    assert "岳市监信告〔2026〕8号" in company.locator("[data-testid=my-listings]").inner_text()
    company.goto(f"{session.url}{entry.get_absolute_url()}")
    assert company.locator("[data-testid=countdown]").is_visible()
    assert company.locator("[data-testid=action-decide_listing]").count() == 0
    company.fill("textarea[name=statement-statement]", "涉事产品已全部召回，请求从轻处理。")
    _submit(company, "statement")
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.STATEMENT_RECEIVED and not entry.statement_on_paper

    # Another enterprise reaches nothing of it; the public reads nothing yet.
    public = session.browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{session.url}/public/blacklist/")
    assert NAME not in public.content()

    # The leader reads the statement and lists the enterprise.
    leader = session.page("leader")
    leader.goto(f"{session.url}{entry.get_absolute_url()}")
    assert "涉事产品已全部召回" in leader.locator("[data-testid=statement]").inner_text()
    leader.check("input[name=decide_listing-decision][value=list]")
    leader.fill("textarea[name=decide_listing-reasons]", "违法事实清楚，陈述申辩理由不成立。")
    leader.fill("input[name=decide_listing-decision_number]", "岳市监信〔2026〕21号")
    _submit(leader, "decide_listing")
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.LISTED and entry.published_on == timezone.localdate()

    public.goto(f"{session.url}/public/blacklist/")
    table = public.locator("[data-testid=public-blacklist]").inner_text()
    assert NAME in table and "岳市监信〔2026〕21号" in table and other.name not in table

    # Three years after publication the daily task removes it, once, on its due date.
    as_of = entry.expires_on.isoformat()
    assert dishonesty_list_daily_task.delay(as_of=as_of).get()["removed"] == 1
    assert dishonesty_list_daily_task.delay(as_of=as_of).get()["removed"] == 0
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.REMOVED and entry.removal_kind == RemovalKind.EXPIRED
    assert entry.removed_on == entry.expires_on
    public.goto(f"{session.url}/public/blacklist/")
    assert NAME not in public.locator("[data-testid=public-blacklist]").inner_text()
    leader.goto(f"{session.url}{entry.get_absolute_url()}")
    assert entry.removed_on.strftime("%Y-%m-%d") in leader.locator("[data-testid=entry-status]").inner_text()
    public.context.close()
