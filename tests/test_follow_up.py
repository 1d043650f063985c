"""Follow-up of a nonconforming result: rectification, re-checks, the report to the provincial bureau and its notice,
the decisions a leader takes (suspension, lifting it), the referral; every date computed. The portal never changes
an enterprise's status by itself."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.roles import Role
from core.models import DomainEvent
from core.workdays import deadline
from enterprises.choices import EnterpriseStatus
from inspections.choices import FollowUpOutcome, FollowUpStage, ProposalKind, ProposalStatus, TaskKind, TaskStatus
from inspections.models import DecisionProposal, FollowUp, LabTest, Task
from inspections.services import followups, testing
from tests.factories import enterprise_user
from tests.spotcheck import SpotCheck

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def failed(actors):
    """A routine check found nonconforming on 2026-09-28 and accepted by the enterprise."""
    spot = SpotCheck(actors)
    spot.start()
    task = spot.task_at()
    lab_test = spot.checked(task, cadmium="0.3", now=at(D(2026, 9, 28)))
    testing.result_accept(actor=spot.enterprise_user, lab_test=lab_test)
    spot.follow_up = FollowUp.objects.get(task=task)
    return spot


def recheck(spot, round_: int) -> Task:
    return Task.objects.get(follow_up=spot.follow_up, recheck_round=round_)


def test_the_enterprise_reports_its_rectification_and_only_it(failed, other_enterprise, actors):
    with pytest.raises(PermissionDenied):
        followups.rectification_submit(
            actor=enterprise_user(other_enterprise), follow_up=failed.follow_up, report="x", files=[]
        )
    with pytest.raises(ValidationError):
        followups.rectification_submit(actor=failed.enterprise_user, follow_up=failed.follow_up, report=" ", files=[])
    followups.rectification_submit(
        actor=failed.enterprise_user, follow_up=failed.follow_up, report="更换原料供应商，加强进货检验", files=[]
    )
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.report_submitted_by == failed.enterprise_user


def test_a_passed_recheck_closes_the_follow_up_and_lifts_the_stop_sale(failed, actors):
    with pytest.raises(PermissionDenied):
        followups.recheck_order(actor=actors[Role.ENTERPRISE], follow_up=failed.follow_up)
    task = followups.recheck_order(actor=failed.supervisor, follow_up=failed.follow_up)
    assert (
        task.kind == TaskKind.RECHECK and task.free_of_charge and task.due_on == D(2026, 12, 14)
    )  # 12 December is a Saturday: Monday
    assert set(task.inspectors.all()) == set(failed.follow_up.task.inspectors.all())
    with pytest.raises(ValidationError):  # ordered once
        followups.recheck_order(actor=failed.supervisor, follow_up=failed.follow_up)
    failed.checked(task, cadmium="0.1")
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.stage == FollowUpStage.CLOSED and failed.follow_up.outcome == FollowUpOutcome.RECTIFIED
    assert failed.follow_up.stop_sale_lifted_at is not None
    assert DomainEvent.objects.filter(kind="inspection.follow_up", payload__outcome="rectified").exists()


FAILED_ON, SENT_ON, NOTICE_ON = D(2026, 11, 3), D(2026, 11, 10), D(2026, 11, 20)


def fail_first_recheck(spot, *, on=FAILED_ON) -> FollowUp:
    first = followups.recheck_order(actor=spot.supervisor, follow_up=spot.follow_up)
    lab_test = spot.checked(first, cadmium="0.3", now=at(on - datetime.timedelta(days=1)))
    testing.result_accept(actor=spot.enterprise_user, lab_test=lab_test, now=at(on))
    spot.follow_up.refresh_from_db()
    return spot.follow_up


def notice_published(spot, *, sent_on=SENT_ON, notice_on=NOTICE_ON) -> FollowUp:
    report = followups.province_report_create(actor=spot.supervisor, now=at(sent_on - datetime.timedelta(days=2)))
    followups.province_report_sent(
        actor=spot.supervisor, report=report, sent_on=sent_on, reference="岳市监函〔2026〕8号"
    )
    followups.provincial_notice_record(
        actor=spot.supervisor,
        follow_up=spot.follow_up,
        notice_on=notice_on,
        reference="湘市监公告〔2026〕31号",
        url="https://amr.hunan.gov.cn/notice/31",
    )
    spot.follow_up.refresh_from_db()
    return spot.follow_up


def fail_second_recheck(spot) -> DecisionProposal:
    fail_first_recheck(spot)
    notice_published(spot)
    second = recheck(spot, 2)
    Task.objects.filter(pk=second.pk).update(sample_from=timezone.localdate())  # as if 60 days had passed
    second.refresh_from_db()
    testing.result_accept(actor=spot.enterprise_user, lab_test=spot.checked(second, cadmium="0.5"))
    spot.follow_up.refresh_from_db()
    return spot.follow_up.proposals.get()


def test_a_failed_first_recheck_waits_for_the_provincial_notice_before_any_second_recheck(failed):
    follow_up = fail_first_recheck(failed)
    assert follow_up.stage == FollowUpStage.PROVINCE and follow_up.first_recheck_failed_on == D(2026, 11, 3)
    assert follow_up.notice_on is None and not follow_up.notice_text  # the province publishes the notice
    assert not Task.objects.filter(follow_up=follow_up, recheck_round=2).exists()
    assert follow_up.awaiting_report
    with pytest.raises(ValidationError, match="sent"):  # no notice before the report is sent
        followups.provincial_notice_record(
            actor=failed.supervisor, follow_up=follow_up, notice_on=D(2026, 11, 20), reference="x"
        )
    assert DomainEvent.objects.filter(kind="inspection.follow_up", payload__stage="province").exists()


def test_the_second_recheck_window_counts_from_the_provincial_notice_not_from_the_failure(failed):
    fail_first_recheck(failed, on=D(2026, 11, 3))
    follow_up = notice_published(failed, sent_on=D(2026, 11, 10), notice_on=D(2026, 11, 20))
    assert follow_up.stage == FollowUpStage.SECOND_RECHECK
    assert (follow_up.notice_on, follow_up.notice_reference) == (D(2026, 11, 20), "湘市监公告〔2026〕31号")
    assert (follow_up.second_recheck_from, follow_up.second_recheck_by) == (D(2027, 1, 19), D(2027, 2, 18))
    assert failed.enterprise.name in follow_up.notice_text and "湘市监公告〔2026〕31号" in follow_up.notice_text
    second = recheck(failed, 2)
    assert (second.sample_from, second.due_on) == (D(2027, 1, 19), D(2027, 2, 18)) and second.free_of_charge
    with pytest.raises(ValidationError, match="2027-01-19"):  # not before the window opens
        failed.sample(second)
    assert Task.objects.get(pk=second.pk).status == TaskStatus.ASSIGNED


def test_the_provincial_notice_is_checked_before_it_is_recorded(failed):
    fail_first_recheck(failed)
    report = followups.province_report_create(actor=failed.supervisor, now=at(D(2026, 11, 8)))
    with pytest.raises(ValidationError) as error:
        followups.province_report_sent(actor=failed.supervisor, report=report, sent_on=D(2026, 11, 7))
    assert "sent_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        followups.province_report_sent(actor=failed.supervisor, report=report, sent_on=D(2099, 1, 1))
    assert "sent_on" in error.value.message_dict
    followups.province_report_sent(actor=failed.supervisor, report=report, sent_on=D(2026, 11, 10))
    with pytest.raises(ValidationError):  # recorded once
        followups.province_report_sent(actor=failed.supervisor, report=report, sent_on=D(2026, 11, 11))
    for notice_on, reference, url, field in [
        (D(2026, 11, 9), "公告", "", "notice_on"),  # before the report was sent
        (D(2099, 1, 1), "公告", "", "notice_on"),
        (D(2026, 11, 20), "  ", "", "reference"),
        (D(2026, 11, 20), "公" * 201, "", "reference"),
        (D(2026, 11, 20), "公告", "javascript:alert(1)", "url"),
    ]:
        with pytest.raises(ValidationError) as error:
            followups.provincial_notice_record(
                actor=failed.supervisor, follow_up=failed.follow_up, notice_on=notice_on, reference=reference, url=url
            )
        assert field in error.value.message_dict, field
    with pytest.raises(PermissionDenied):
        followups.provincial_notice_record(
            actor=failed.enterprise_user, follow_up=failed.follow_up, notice_on=D(2026, 11, 20), reference="公告"
        )
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.stage == FollowUpStage.PROVINCE


def test_a_second_failure_proposes_a_suspension_and_the_status_waits_for_the_leaders_decision(failed):
    proposal = fail_second_recheck(failed)
    follow_up = failed.follow_up
    assert follow_up.stage == FollowUpStage.TO_SUSPEND and follow_up.outcome == ""
    assert (proposal.kind, proposal.status, proposal.proposed_by) == (
        ProposalKind.SUSPEND,
        ProposalStatus.PENDING,
        None,
    )
    assert "湘市监公告〔2026〕31号" in proposal.grounds
    failed.enterprise.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.ACTIVE  # the portal never suspends by itself
    today = timezone.localdate()
    decision = {
        "decision_number": "岳市监责停〔2026〕3号",
        "decision_on": today,
        "period_end": today + datetime.timedelta(days=90),
    }
    with pytest.raises(PermissionDenied):  # a supervisor proposes, a leader decides
        followups.proposal_decide(actor=failed.supervisor, proposal=proposal, approve=True, **decision)
    with pytest.raises(ValidationError, match="hearing"):  # the right to a hearing is notified first
        followups.proposal_decide(actor=failed.leader, proposal=proposal, approve=True, **decision)
    followups.proposal_hearing(
        actor=failed.supervisor, proposal=proposal, notified_on=today, requested=True, held_on=None
    )
    with pytest.raises(ValidationError, match="hearing"):  # asked for, so held before the decision
        followups.proposal_decide(actor=failed.leader, proposal=proposal, approve=True, **decision)
    followups.proposal_hearing(
        actor=failed.supervisor, proposal=proposal, notified_on=today, requested=True, held_on=today
    )
    with pytest.raises(ValidationError) as error:
        followups.proposal_decide(
            actor=failed.leader,
            proposal=proposal,
            approve=True,
            decision_number=" ",
            decision_on=None,
            period_end=today,
        )
    assert {"decision_number", "decision_on"} <= set(error.value.message_dict)
    failed.enterprise.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.ACTIVE
    followups.proposal_decide(actor=failed.leader, proposal=proposal, approve=True, opinion="同意", **decision)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED and proposal.decided_by == failed.leader
    failed.enterprise.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.SUSPENDED
    assert failed.enterprise.history.first().history_user == failed.leader
    follow_up.refresh_from_db()
    assert follow_up.stage == FollowUpStage.SUSPENDED and follow_up.suspension() == proposal
    after = recheck(failed, 3)
    period_end = decision["period_end"]
    assert (after.sample_from, after.due_on) == (
        period_end + datetime.timedelta(days=1),
        deadline(period_end, 30, "calendar").date,  # 30 days on, moved off a day off (2027-04-05 is Qingming)
    )
    assert DomainEvent.objects.filter(kind="inspection.follow_up", payload__stage="suspended").exists()


def test_a_rejected_suspension_leaves_the_status_and_can_be_proposed_again(failed):
    proposal = fail_second_recheck(failed)
    with pytest.raises(ValidationError) as error:
        followups.proposal_decide(actor=failed.leader, proposal=proposal, approve=False, opinion="  ")
    assert "opinion" in error.value.message_dict
    followups.proposal_decide(actor=failed.leader, proposal=proposal, approve=False, opinion="事实认定需补充")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.decision_note == "事实认定需补充"
    failed.enterprise.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.ACTIVE
    with pytest.raises(PermissionDenied):
        followups.proposal_submit(actor=failed.enterprise_user, proposal=proposal, grounds="x")
    again = followups.proposal_submit(
        actor=failed.supervisor, proposal=proposal, grounds="补充：两次复查镉含量均超标。"
    )
    assert again.status == ProposalStatus.PENDING and again.proposed_by == failed.supervisor
    with pytest.raises(ValidationError):  # one pending at a time
        followups.proposal_submit(actor=failed.supervisor, proposal=proposal, grounds="再次")
    followups.proposal_hearing(
        actor=failed.supervisor, proposal=again, notified_on=timezone.localdate(), requested=False, held_on=None
    )
    failed.supervisor.role = "leader"  # the proposer never decides their own proposal, whatever their role
    with pytest.raises(ValidationError, match="another person"):
        followups.proposal_decide(
            actor=failed.supervisor,
            proposal=again,
            approve=True,
            decision_number="1",
            decision_on=timezone.localdate(),
            period_end=timezone.localdate() + datetime.timedelta(days=30),
        )


def suspended(spot) -> Task:
    proposal = fail_second_recheck(spot)
    today = timezone.localdate()
    followups.proposal_hearing(
        actor=spot.supervisor, proposal=proposal, notified_on=today, requested=False, held_on=None
    )
    followups.proposal_decide(
        actor=spot.leader, proposal=proposal, approve=True, decision_number="岳市监责停〔2026〕3号", decision_on=today,
        period_end=today + datetime.timedelta(days=30),
    )  # fmt: skip
    after = recheck(spot, 3)
    Task.objects.filter(pk=after.pk).update(sample_from=today)  # as if the period had ended
    after.refresh_from_db()
    return after


def test_a_passed_recheck_after_the_suspension_lifts_it_only_by_a_recorded_decision(failed):
    after = suspended(failed)
    failed.checked(after, cadmium="0.1")  # a conforming result is final once notified
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.stage == FollowUpStage.TO_RESTORE
    failed.enterprise.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.SUSPENDED  # until the decision is recorded
    restore = failed.follow_up.proposals.get(kind=ProposalKind.RESTORE)
    followups.proposal_decide(
        actor=failed.leader,
        proposal=restore,
        approve=True,
        decision_number="岳市监恢〔2026〕1号",
        decision_on=timezone.localdate(),
    )
    failed.enterprise.refresh_from_db()
    failed.follow_up.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.ACTIVE
    assert failed.follow_up.stage == FollowUpStage.CLOSED and failed.follow_up.outcome == FollowUpOutcome.RECTIFIED
    assert failed.follow_up.stop_sale_lifted_at is not None


def test_a_failed_recheck_after_the_suspension_is_referred_with_the_receiving_authority(failed):
    after = suspended(failed)
    testing.result_accept(actor=failed.enterprise_user, lab_test=failed.checked(after, cadmium="0.9"))
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.stage == FollowUpStage.TO_REFER and failed.follow_up.is_open
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        followups.referral_record(
            actor=failed.supervisor, follow_up=failed.follow_up, authority=" ", referred_on=None, reference=""
        )
    assert {"authority", "referred_on", "reference"} <= set(error.value.message_dict)
    with pytest.raises(PermissionDenied):
        followups.referral_record(
            actor=failed.enterprise_user, follow_up=failed.follow_up, authority="x", referred_on=today, reference="x"
        )
    followups.referral_record(
        actor=failed.supervisor, follow_up=failed.follow_up, authority="岳阳市行政审批服务局", referred_on=today,
        reference="岳市监移〔2026〕2号",
    )  # fmt: skip
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.outcome == FollowUpOutcome.REFERRED and failed.follow_up.referred_on == today
    assert failed.follow_up.referral_authority == "岳阳市行政审批服务局"
    assert failed.follow_up.stop_sale_lifted_at is None
    failed.enterprise.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.SUSPENDED  # as the leader's decision left it


def test_a_refused_recheck_counts_as_failed_and_is_proposed_a_penalty(failed):
    from inspections.services import sampling

    first = followups.recheck_order(actor=failed.supervisor, follow_up=failed.follow_up)
    sampling.sampling_file(
        actor=failed.inspector_of(first),
        task=first,
        values={"inspector_signatories": "李检查、赵检查"},
        photos=[],
        refused=True,
        refusal_reason="拒绝复查",
        refusal_witness="市场管理员 周见证",
    )
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.stage == FollowUpStage.PROVINCE
    assert not LabTest.objects.filter(task=first).exists()
    assert DecisionProposal.objects.get(task=first).kind == ProposalKind.REFUSAL_PENALTY


@pytest.fixture(autouse=True)
def _english():
    """The rules' messages are matched in English (the portal speaks Chinese by default)."""
    with translation.override("en"):
        yield
