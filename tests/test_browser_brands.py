"""A whole government-quality-award call in headless Chromium, each step by the role that takes it: the call, three
applications (one ineligible, explained), the expert review with a recusal and independent scoring, the ranking,
the committee, the public notice with a signed objection, the award and its certificate, and the revocation that
follows a failed spot check."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.roles import Role
from brands import services
from brands.choices import (
    ApplicationStatus,
    HonourStatus,
    ObjectionStatus,
    ProgrammeStatus,
    ProposalStatus,
    ReviewStatus,
    RevocationCause,
)
from brands.criteria import CRITERIA
from brands.models import (
    Application,
    Conferral,
    Honour,
    Notice,
    Objection,
    Programme,
    ReviewAssignment,
    RevocationProposal,
)
from credit.choices import GradeCause
from credit.models import CreditGrade
from credit.services import recalculate_enterprises
from inspections.choices import Verdict
from inspections.services.verdicts import task_finalise
from tests.factories import EnterpriseFactory, UserFactory, assign_task, enterprise_user, final_task
from tests.test_browser_spot_check import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WINNER, RUNNER_UP, FAILED = "岳阳洞庭精密机械有限公司", "岳阳君山茶业有限公司", "岳阳南湖化工有限公司"
FIRST_COMMENT = "战略目标清晰，过程管理规范。"


@pytest.fixture
def session(browser, live_server):
    session = Session(browser, live_server)
    yield session
    session.close()


@pytest.fixture
def award(actors, reference_data, tmp_path):
    """Three applicants graded from their record (one with a failed spot check 200 days ago) and five experts."""
    winner = EnterpriseFactory(name=WINNER)
    runner_up = EnterpriseFactory(name=RUNNER_UP)
    failed = EnterpriseFactory(name=FAILED)
    failed_check = final_task(failed, Verdict.NONCONFORMING, days_ago=200)
    recalculate_enterprises([winner.pk, runner_up.pk, failed.pk], cause=GradeCause.MANUAL)
    for enterprise, username in ((winner, "dongting"), (runner_up, "junshan"), (failed, "nanhu")):
        enterprise_user(enterprise, username=username)
    report = tmp_path / "自评报告.pdf"
    report.write_bytes(b"%PDF-1.4\n% self-assessment report\n%%EOF\n")
    return {
        "winner": winner,
        "runner_up": runner_up,
        "failed": failed,
        "failed_on": timezone.localdate(failed_check.finalised_at),
        "experts": [
            UserFactory(role=Role.EXPERT, username=f"expert{n}", full_name=f"评审专家{n}") for n in range(1, 5)
        ],
        "report": report,
    }


def points(fraction: float) -> dict[str, float]:
    """A share of every category's points (the totals come out whole: 0.85 → 850)."""
    return {code: round(maximum * fraction, 1) for code, _label, maximum in CRITERIA}


def fill_points(page, scores: dict[str, float]) -> None:
    for code, value in scores.items():
        page.fill(f"input[name=score_{code}]", f"{value:g}")


def press(page, test_id: str) -> None:
    page.get_by_test_id(test_id).click()
    page.wait_for_load_state()


def status_of(page, test_id: str) -> str:
    return page.get_by_test_id(test_id).get_attribute("data-status")


def test_a_quality_award_runs_from_the_call_to_the_revocation(session, actors, award):
    today = timezone.localdate()
    url = session.url
    winner, runner_up, failed = award["winner"], award["runner_up"], award["failed"]
    assert CreditGrade.objects.get(enterprise=winner).grade in ("A", "B")
    assert CreditGrade.objects.get(enterprise=runner_up).grade in ("A", "B")

    # 1. A supervisor opens the call: paper review then the committee, three reviewers, one award.
    staff = session.page("supervisor")
    staff.goto(f"{url}/brands/programmes/new/")
    staff.select_option("select[name=kind]", "quality_award")
    staff.fill("input[name=year]", str(today.year))
    staff.fill("input[name=title]", f"{today.year}年度岳阳市政府质量奖")
    staff.fill("textarea[name=description]", "面向本市实施卓越绩效管理、质量效益突出的企业。")
    staff.fill("input[name=closes_on]", (today + datetime.timedelta(days=30)).isoformat())
    staff.fill("input[name=award_count]", "1")
    staff.fill("input[name=validity_years]", "5")
    for stage in ("presentation", "site"):
        staff.uncheck(f"input[name=stages][value={stage}]")
    staff.fill("input[name=min_reviewers]", "3")
    staff.fill("input[name=trim_from]", "5")
    staff.click("main button[type=submit]")
    staff.wait_for_url(re.compile(r"/brands/programmes/\d+/$"))
    programme = Programme.objects.get()
    assert programme.stages == ["paper", "committee"] and programme.award_count == 1
    assert programme.eligibility == {
        "grades": ["A", "B"],
        "clean_years": 3,
        "trading_years": 3,
        "valid_licences": True,
    }
    assert status_of(staff, "programme-status") == ProgrammeStatus.OPEN

    # 2. Two eligible enterprises apply with their self-assessment; a bad score first comes back with an error.
    firm = session.page("dongting")
    firm.goto(f"{url}/brands/mine/")
    firm.get_by_test_id("open-call").get_by_test_id("apply").click()
    firm.wait_for_url(f"**/brands/programmes/{programme.pk}/apply/")
    firm.fill("textarea[name=summary]", "全面推行卓越绩效管理模式，主导产品市场占有率全国第一。")
    fill_points(firm, points(0.9) | {"results": 999})
    firm.set_input_files("input[name=attachments]", str(award["report"]))
    press(firm, "submit-application")
    assert firm.locator("tr.has-error input[name=score_results]").is_visible()
    assert firm.get_by_role("alert").count() >= 1
    assert not Application.objects.exists()
    firm.fill("input[name=score_results]", "360")
    firm.set_input_files("input[name=attachments]", str(award["report"]))  # a file input is empty again
    press(firm, "submit-application")
    first = Application.objects.get(enterprise=winner)
    assert firm.url.endswith(f"/brands/applications/{first.pk}/")
    assert firm.get_by_test_id("eligible").is_visible()
    assert status_of(firm, "application-status") == ApplicationStatus.IN_REVIEW
    assert firm.get_by_test_id("application-stage").get_attribute("data-stage") == "paper"
    assert "自评报告.pdf" in firm.get_by_test_id("attachments").inner_text()
    assert first.self_total == 900 and first.attachments.count() == 1

    second_firm = session.page("junshan", phone=True)
    second_firm.goto(f"{url}/brands/programmes/{programme.pk}/apply/")
    second_firm.fill("textarea[name=summary]", "茶叶全产业链质量管控，连续十年无质量事故。")
    fill_points(second_firm, points(0.7))
    press(second_firm, "submit-application")
    second = Application.objects.get(enterprise=runner_up)
    assert second.status == ApplicationStatus.IN_REVIEW and second.eligible

    # The third failed a spot check 200 days ago: it is told so, rule by rule, and is not in the review.
    third_firm = session.page("nanhu")
    third_firm.goto(f"{url}/brands/programmes/{programme.pk}/apply/")
    third_firm.fill("textarea[name=summary]", "精细化工产品质量稳步提升。")
    fill_points(third_firm, points(0.8))
    press(third_firm, "submit-application")
    third = Application.objects.get(enterprise=failed)
    assert third_firm.url.endswith(f"/brands/applications/{third.pk}/")
    assert third_firm.get_by_test_id("ineligible").is_visible()
    assert status_of(third_firm, "application-status") == ApplicationStatus.INELIGIBLE
    spot_checks = third_firm.get_by_test_id("check-spot_checks")
    assert spot_checks.get_attribute("data-passed") == "no"
    assert award["failed_on"].isoformat() in spot_checks.inner_text()  # the failed check's date explains it
    assert third_firm.get_by_test_id("check-trading").get_attribute("data-passed") == "yes"
    third_firm.screenshot(path="/tmp/brands-ineligible.png", full_page=True)

    # 3. The supervisor closes applications and assigns four experts to each eligible application.
    staff.reload()
    press(staff, "start-review")
    assert status_of(staff, "programme-status") == ProgrammeStatus.REVIEWING
    experts = award["experts"]
    for application in (first, second):
        staff.goto(f"{url}/brands/applications/{application.pk}/")
        for expert in experts:
            staff.check(f"input[name=reviewers][value='{expert.pk}']")
        press(staff, "assign-reviewers")
        assert staff.get_by_test_id("review-row").count() == 4
    assert ReviewAssignment.objects.filter(status=ReviewStatus.ASSIGNED).count() == 8

    def assignment(expert, application):
        return ReviewAssignment.objects.get(reviewer=expert, application=application)

    # Expert 4 advised the winner last year: they recuse, saying why.
    recusing = session.page("expert4")
    recusing.goto(f"{url}/brands/reviews/")
    recusing.locator(f"a[href$='/brands/reviews/{assignment(experts[3], first).pk}/']").click()
    recusing.wait_for_load_state()
    recusing.fill("textarea[name=reason]", "本人去年曾为该企业提供卓越绩效咨询服务。")
    press(recusing, "recuse")
    assert status_of(recusing, "assignment-status") == ReviewStatus.RECUSED
    assert assignment(experts[3], first).recusal_reason == "本人去年曾为该企业提供卓越绩效咨询服务。"

    # Expert 1 has scored already (through the service, to keep the test short); the runner-up's four too.
    services.review_submit(
        actor=experts[0], assignment=assignment(experts[0], first), scores=points(0.9), comment=FIRST_COMMENT
    )
    for expert, fraction in zip(experts, (0.7, 0.65, 0.6, 0.75), strict=True):
        services.review_submit(actor=expert, assignment=assignment(expert, second), scores=points(fraction))

    # Independence: expert 2 sees nothing of expert 1's score before submitting, and both after.
    scorer = session.page("expert2")
    scorer.goto(f"{url}/brands/reviews/{assignment(experts[1], first).pk}/")
    assert scorer.get_by_test_id("score-form").is_visible()
    assert scorer.get_by_test_id("peer-score").count() == 0
    assert FIRST_COMMENT not in scorer.locator("main").inner_text()
    scorer.goto(f"{url}/brands/applications/{first.pk}/")
    assert scorer.get_by_test_id("review-row").count() == 1  # only their own assignment
    assert scorer.get_by_test_id("review-row").get_attribute("data-mine") == "yes"
    scorer.goto(f"{url}/brands/reviews/{assignment(experts[1], first).pk}/")
    fill_points(scorer, points(0.85))
    scorer.fill("textarea[name=comment]", "领导作用突出，结果指标领先。")
    press(scorer, "submit-scores")
    assert status_of(scorer, "assignment-status") == ReviewStatus.SUBMITTED
    assert scorer.get_by_test_id("my-total").inner_text() == "850"
    [peer] = scorer.get_by_test_id("peer-score").all_inner_texts()
    assert "900" in peer and FIRST_COMMENT in peer
    scorer.screenshot(path="/tmp/brands-review.png", full_page=True)

    third_scorer = session.page("expert3")
    third_scorer.goto(f"{url}/brands/reviews/")
    third_scorer.locator(f"a[href$='/brands/reviews/{assignment(experts[2], first).pk}/']").click()
    third_scorer.wait_for_load_state()
    assert third_scorer.get_by_test_id("peer-score").count() == 0
    fill_points(third_scorer, points(0.8))
    press(third_scorer, "submit-scores")
    assert third_scorer.get_by_test_id("my-total").inner_text() == "800"
    peers = third_scorer.get_by_test_id("peer-score").all_inner_texts()
    assert len(peers) == 2 and any("900" in p for p in peers) and any("850" in p for p in peers)

    # The recusal and its reason are on file for staff, on the application's page.
    staff.goto(f"{url}/brands/applications/{first.pk}/")
    recused = staff.locator("[data-testid=review-row][data-status=recused]")
    assert recused.count() == 1 and "卓越绩效咨询服务" in recused.inner_text()
    assert staff.get_by_test_id("current-stage-score").inner_text() == "850"  # (900 + 850 + 800) / 3
    assert staff.get_by_test_id("current-stage-rank").inner_text() == "1"

    # 4. The call's page ranks the two: 850 first, 675 ((700 + 650 + 600 + 750) / 4) second.
    staff.goto(f"{url}/brands/programmes/{programme.pk}/")
    rows = staff.get_by_test_id("application-row")
    ranked = [
        (
            rows.nth(n).get_attribute("data-application"),
            rows.nth(n).get_by_test_id("stage-score").inner_text(),
            rows.nth(n).get_by_test_id("stage-rank").inner_text(),
        )
        for n in range(rows.count())
    ]
    assert ranked[:2] == [(str(first.pk), "850", "1"), (str(second.pk), "675", "2")]
    assert WINNER in rows.nth(0).inner_text() and RUNNER_UP in rows.nth(1).inner_text()
    staff.screenshot(path="/tmp/brands-ranking.png", full_page=True)

    # Both go on from the paper review to the committee.
    for application in (first, second):
        staff.goto(f"{url}/brands/applications/{application.pk}/")
        staff.check("input[name=decision][value=advance]")
        press(staff, "decide-stage")
        assert staff.get_by_test_id("application-stage").get_attribute("data-stage") == "committee"
        assert staff.locator("[data-testid=stage-result][data-stage=paper]").is_visible()

    # The leader records the committee: the first proposed; the second not, which needs a reason.
    leader = session.page("leader")
    leader.goto(f"{url}/brands/applications/{first.pk}/")
    leader.check("input[name=decision][value=propose]")
    press(leader, "committee-decide")
    assert status_of(leader, "application-status") == ApplicationStatus.PROPOSED
    leader.goto(f"{url}/brands/applications/{second.pk}/")
    leader.check("input[name=decision][value=not]")
    press(leader, "committee-decide")
    assert leader.locator("[data-testid=committee-form] .field-error").is_visible()
    assert Application.objects.get(pk=second.pk).status == ApplicationStatus.IN_REVIEW
    leader.check("input[name=decision][value=not]")
    leader.fill("textarea[name=note]", "综合得分低于拟推荐企业，本年度不予推荐。")
    press(leader, "committee-decide")
    assert status_of(leader, "application-status") == ApplicationStatus.NOT_SELECTED
    assert "本年度不予推荐" in leader.get_by_test_id("closed-note").inner_text()

    # 5. The supervisor publishes the notice; anyone may object, signed, without logging in.
    staff.goto(f"{url}/brands/programmes/{programme.pk}/")
    staff.fill("[data-testid=notice-form] textarea[name=text]", f"拟授予{WINNER}{today.year}年度岳阳市政府质量奖。")
    press(staff, "publish-notice")
    assert status_of(staff, "programme-status") == ProgrammeStatus.NOTICE
    notice = Notice.objects.get(programme=programme)
    assert notice.ends_on > today

    public = session.browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{url}/public/notices/")
    public.locator(f"[data-testid=notice-row][data-notice='{notice.pk}'] a").click()
    public.wait_for_url(f"**/public/notices/{notice.pk}/")
    assert public.get_by_test_id("notice-status").get_attribute("data-open") == "true"
    winners = public.get_by_test_id("winner-row")
    assert winners.count() == 1 and WINNER in winners.inner_text()
    assert RUNNER_UP not in public.locator("main").inner_text() and FAILED not in public.locator("main").inner_text()
    public.select_option("select[name=application]", str(first.pk))
    public.fill("input[name=name]", "李明")
    public.fill("input[name=phone]", "0730-8888888")
    public.fill("input[name=organisation]", "岳阳市某机械配件厂")
    public.fill("textarea[name=text]", "该企业去年曾发生产品质量投诉，请核实。")
    public.screenshot(path="/tmp/brands-objection.png", full_page=True)
    press(public, "objection-submit")
    # The form posts to the notice's "#objection"; the browser keeps that fragment through the redirect.
    public.wait_for_url(re.compile(rf"/public/notices/{notice.pk}/objection-filed/(#objection)?$"))
    assert public.get_by_test_id("objection-filed").is_visible()
    objection = Objection.objects.get()
    assert (objection.name, objection.application_id, objection.filed_by) == ("李明", first.pk, None)

    # The supervisor sees it and dismisses it with the findings; the award waits for it.
    staff.reload()
    listed = staff.locator(f"[data-testid=objection][data-objection='{objection.pk}']")
    assert listed.get_attribute("data-status") == ObjectionStatus.OPEN and "李明" in listed.inner_text()
    assert staff.get_by_test_id("open-objections").inner_text().startswith("1")
    form = staff.get_by_test_id(f"resolve-form-{objection.pk}")
    form.locator("input[name=resolution][value=dismissed]").check()
    form.locator("textarea[name=note]").fill("经查投诉已于去年妥善处理，与本次评审无关，不予采纳。")
    form.get_by_test_id("resolve-objection").click()
    staff.wait_for_load_state()
    assert listed.get_attribute("data-status") == ObjectionStatus.DISMISSED
    assert staff.get_by_test_id("open-objections").count() == 0

    # The leader may not submit the winners to the conferring body while the notice runs.
    leader.goto(f"{url}/brands/programmes/{programme.pk}/")
    press(leader, "submit-conferral")
    assert status_of(leader, "programme-status") == ProgrammeStatus.NOTICE and not Honour.objects.exists()
    assert not Conferral.objects.exists()

    # Time passes: the notice is moved back so that its period is over. This stands for the 7 working days
    # (notice_working_days) the public notice runs before the award.
    Notice.objects.filter(pk=notice.pk).update(
        published_on=today - datetime.timedelta(days=14), ends_on=today - datetime.timedelta(days=1)
    )
    leader.goto(f"{url}/brands/programmes/{programme.pk}/")  # a GET: the refused submission's page was a POST
    press(leader, "submit-conferral")
    assert status_of(leader, "programme-status") == ProgrammeStatus.SUBMITTED and not Honour.objects.exists()
    assert leader.get_by_test_id("awaiting-decision").is_visible()
    # The city government decides; the leader records its decision, with the document number.
    decision = leader.get_by_test_id("decision-form")
    decision.locator("input[name=document_number]").fill("岳政发〔2026〕12号")
    decision.locator("input[name=decided_on]").fill(today.isoformat())
    press(leader, "record-decision")
    assert status_of(leader, "programme-status") == ProgrammeStatus.DECIDED
    assert leader.get_by_test_id("document-number").inner_text() == "岳政发〔2026〕12号"
    honour = Honour.objects.get()
    assert honour.enterprise == winner and honour.valid_until.year == today.year + 5
    assert honour.certificate_number in leader.get_by_test_id("honours").inner_text()

    # 6. The honour is on the public list; its holder downloads the certificate; the grade counts it.
    public.goto(f"{url}/public/honours/")
    row = public.locator(f"[data-testid=honour-row][data-certificate='{honour.certificate_number}']")
    assert row.count() == 1 and WINNER in row.inner_text()
    assert RUNNER_UP not in public.get_by_test_id("public-honours").inner_text()
    public.screenshot(path="/tmp/brands-public-honours.png", full_page=True)

    firm.goto(f"{url}/brands/mine/")
    firm.locator(f"[data-testid=my-honours] a[href$='/brands/honours/{honour.pk}/']").click()
    firm.wait_for_url(f"**/brands/honours/{honour.pk}/")
    assert status_of(firm, "honour-status") == HonourStatus.CURRENT
    certificate = firm.request.get(url + firm.get_by_test_id("certificate").get_attribute("href"))
    assert certificate.status == 200 and certificate.headers["content-type"] == "application/pdf"
    assert certificate.body().startswith(b"%PDF")
    assert CreditGrade.objects.get(enterprise=winner).indicator_values["brand_honour"] == 1

    # 7. A spot check after the award finds the holder's product nonconforming: the verdict's event (dispatched
    # after the commit, the task run in-process) raises a revocation proposal, which the supervisor confirms.
    task = assign_task(actors[Role.INSPECTOR], winner)
    task_finalise(task=task, verdict=Verdict.NONCONFORMING, actor=actors[Role.SUPERVISOR], source="browser test")
    proposal = RevocationProposal.objects.get(honour=honour, cause=RevocationCause.NONCONFORMING)
    assert proposal.trigger == f"task:{task.pk}" and proposal.status == ProposalStatus.OPEN

    staff.goto(f"{url}/brands/revocations/")
    row = staff.locator(f"[data-testid=proposal-row][data-proposal='{proposal.pk}']")
    assert WINNER in row.inner_text()
    row.locator("a").first.click()
    staff.wait_for_url(f"**/brands/revocations/{proposal.pk}/")
    assert status_of(staff, "proposal-status") == ProposalStatus.OPEN
    staff.check("input[name=decision][value=confirm]")
    staff.fill("textarea[name=note]", "获奖后监督抽查不合格，依据评审管理办法撤销称号。")
    press(staff, "decide-proposal")
    assert status_of(staff, "proposal-status") == ProposalStatus.CONFIRMED
    assert status_of(staff, "honour-status") == HonourStatus.REVOKED
    staff.goto(f"{url}/brands/honours/{honour.pk}/")
    assert status_of(staff, "honour-status") == HonourStatus.REVOKED
    assert "撤销称号" in staff.get_by_test_id("honour-status").inner_text()
    assert Honour.objects.get(pk=honour.pk).status == HonourStatus.REVOKED
    assert CreditGrade.objects.get(enterprise=winner).indicator_values["brand_honour"] == 0

    public.goto(f"{url}/public/honours/")
    assert public.get_by_test_id("honour-row").count() == 0
    assert WINNER not in public.get_by_test_id("public-honours").inner_text()
    public.context.close()
