"""Follow-up of a nonconforming result: rectification, re-checks, public notice, referral; every date computed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from core.models import DomainEvent
from enterprises.choices import EnterpriseStatus
from inspections.choices import FollowUpOutcome, FollowUpStage, TaskKind, TaskStatus
from inspections.models import FollowUp, LabTest, Task
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


def test_a_failed_recheck_brings_a_public_notice_and_a_second_recheck_60_to_90_days_later(failed):
    first = followups.recheck_order(actor=failed.supervisor, follow_up=failed.follow_up)
    lab_test = failed.checked(first, cadmium="0.3", now=at(D(2026, 11, 2)))
    testing.result_accept(actor=failed.enterprise_user, lab_test=lab_test, now=at(D(2026, 11, 3)))
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.stage == FollowUpStage.SECOND_RECHECK and failed.follow_up.notice_on == D(2026, 11, 3)
    assert (failed.follow_up.second_recheck_from, failed.follow_up.second_recheck_by) == (
        D(2027, 1, 2),
        D(2027, 2, 1),
    )
    assert failed.enterprise.name in failed.follow_up.notice_text
    second = recheck(failed, 2)
    assert (second.sample_from, second.due_on) == (D(2027, 1, 2), D(2027, 2, 1))
    with pytest.raises(ValidationError, match="2027-01-02"):  # not before the window opens
        failed.sample(second)
    assert Task.objects.get(pk=second.pk).status == TaskStatus.ASSIGNED


def test_a_second_failure_suspends_the_enterprise_and_refers_it(failed, monkeypatch):
    first = followups.recheck_order(actor=failed.supervisor, follow_up=failed.follow_up)
    testing.result_accept(actor=failed.enterprise_user, lab_test=failed.checked(first, cadmium="0.3"))
    second = recheck(failed, 2)
    Task.objects.filter(pk=second.pk).update(sample_from=timezone.localdate())  # as if 60 days had passed
    second.refresh_from_db()
    testing.result_accept(actor=failed.enterprise_user, lab_test=failed.checked(second, cadmium="0.5"))
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.outcome == FollowUpOutcome.REFERRED and failed.follow_up.referred_on
    assert failed.follow_up.stop_sale_lifted_at is None
    failed.enterprise.refresh_from_db()
    assert failed.enterprise.status == EnterpriseStatus.SUSPENDED
    assert failed.enterprise.history.first().history_user == failed.enterprise_user


def test_a_refused_recheck_counts_as_failed(failed):
    from inspections.services import sampling

    first = followups.recheck_order(actor=failed.supervisor, follow_up=failed.follow_up)
    sampling.sampling_file(
        actor=failed.inspector_of(first),
        task=first,
        values={"inspector_signatories": "李检查、赵检查"},
        photos=[],
        refused=True,
        refusal_reason="拒绝复查",
    )
    failed.follow_up.refresh_from_db()
    assert failed.follow_up.stage == FollowUpStage.SECOND_RECHECK
    assert not LabTest.objects.filter(task=first).exists()
