"""Credit grading in headless Chromium: the explained grade on the file, an override requested by a supervisor
and approved by the leader, a proposal for the serious-dishonesty list that the public does not read yet, a warning
acknowledged, and the enterprise reading its own explanation."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from credit.choices import BlacklistStatus, GradeCause, OverrideStatus, WarningKind
from credit.models import BlacklistEntry, CreditGrade, GradeOverride, RiskWarning
from credit.recalculation import recalculate
from tests.factories import CampaignFactory, EnterpriseFactory, PenaltyFactory, listing_ground
from tests.test_browser_spot_check import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(browser, live_server):
    session = Session(browser, live_server)
    yield session
    session.close()


def _clean_checks(enterprise, count: int) -> None:
    from inspections.choices import TaskStatus, Verdict
    from inspections.models import Task

    campaign = CampaignFactory()
    for n in range(count):
        Task.objects.create(
            campaign=campaign,
            enterprise=enterprise,
            due_on=campaign.period_end,
            status=TaskStatus.FINAL,
            verdict=Verdict.CONFORMING,
            finalised_at=timezone.now() - datetime.timedelta(days=30 + n),
        )


def test_grades_overrides_the_list_and_warnings_in_the_browser(session, actors, reference_data):
    enterprise = actors[Role.ENTERPRISE].enterprise
    other = EnterpriseFactory(name="岳阳市失信示例食品有限公司")
    _clean_checks(enterprise, 1)
    recalculate(cause=GradeCause.SCHEDULED)
    RiskWarning.objects.create(
        kind=WarningKind.RISK_JUMP, enterprise=other, raised_at=timezone.now(), value=65, previous_value=20
    )

    # The file explains the grade: score, thresholds, each indicator, and what one more clean check would do.
    staff = session.page("supervisor")
    staff.goto(f"{session.url}/enterprises/{enterprise.pk}/")
    section = staff.locator("#credit")
    assert "85" in section.inner_text() and "90" in section.inner_text()
    assert "再有 1 次抽查合格即可升至 A 级" in section.inner_text()

    # A supervisor requests an override; the leader approves it; the file shows it as an override.
    staff.goto(f"{session.url}/credit/enterprises/{enterprise.pk}/override/")
    staff.select_option("select[name=grade]", "A")
    staff.fill("textarea[name=reason]", "获评市长质量奖，培育期内按A类管理。")
    staff.fill("input[name=expires_on]", (timezone.localdate() + datetime.timedelta(days=90)).isoformat())
    staff.locator("main form button[type=submit]").click()
    staff.wait_for_load_state()
    override = GradeOverride.objects.get(enterprise=enterprise)
    assert override.status == OverrideStatus.PENDING
    leader = session.page("leader")
    leader.goto(f"{session.url}/credit/overrides/{override.pk}/")
    leader.check("input[name=decide-decision][value=approve]")
    leader.locator("form:has(input[name=action][value=decide]) button[type=submit]").click()
    leader.wait_for_load_state()
    grade = CreditGrade.objects.get(enterprise=enterprise)
    assert (grade.grade, grade.computed_grade, grade.override_id) == ("A", "B", override.pk)
    leader.goto(f"{session.url}/enterprises/{enterprise.pk}/")
    assert "人工调整" in leader.locator("#credit").inner_text()

    # The supervisor proposes the other enterprise for the serious-dishonesty list, on its heavier penalty: nothing
    # is public before the notice, the statement and a leader's decision (tests/test_browser_dishonesty_list.py).
    penalty = PenaltyFactory(enterprise=other, is_heavier=True)
    staff.goto(f"{session.url}/credit/blacklist/new/")
    staff.fill("input[name=credit_code]", other.credit_code)
    staff.select_option("select[name=ground]", label=listing_ground("refused_inspection").title)
    staff.fill("input[name=penalty_number]", penalty.decision_number)
    staff.fill("textarea[name=facts]", "拒绝监督抽查，经责令改正后仍拒不配合。")
    staff.locator("main form button[type=submit]").click()
    staff.wait_for_load_state()
    assert BlacklistEntry.objects.get(enterprise=other).status == BlacklistStatus.PROPOSED
    public = session.browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{session.url}/public/blacklist/")
    assert "岳阳市失信示例食品有限公司" not in public.content()
    public.context.close()

    # The warning is acknowledged with a note.
    warning = RiskWarning.objects.get(enterprise=other)
    staff.goto(f"{session.url}/credit/warnings/")
    staff.click(f"a[href$='/credit/warnings/{warning.pk}/acknowledge/']")
    staff.fill("textarea[name=note]", "已安排约谈。")
    staff.locator("main form button[type=submit]").click()
    staff.wait_for_load_state()
    warning.refresh_from_db()
    assert warning.status == "acknowledged" and warning.note == "已安排约谈。"

    # The enterprise reads its own explanation, the override included.
    own = session.page("enterprise", phone=True)
    own.goto(f"{session.url}/credit/mine/")
    text = own.locator("main").inner_text()
    assert "人工调整" in text and "85" in text
