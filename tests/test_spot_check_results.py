"""From the sampling record to the final verdict: blind testing, review, notice, objection and re-test."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from core.models import DomainEvent
from inspections.choices import FollowUpStage, LabTestKind, LabTestStatus, TaskStatus, Verdict
from inspections.models import FollowUp, LabTest, Objection, Task
from inspections.services import sampling, testing
from tests.factories import LaboratoryFactory, ProductFactory, UserFactory
from tests.spotcheck import PNG, SpotCheck, photo, sampling_values

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def spot(actors):
    spot = SpotCheck(actors)
    spot.start()
    return spot


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_only_an_inspector_of_the_task_files_its_sampling_record(spot, actors):
    task = spot.task_at()
    outsider = next(i for i in spot.inspectors if i not in task.inspectors.all())
    for user in (outsider, actors[Role.SUPERVISOR], actors[Role.ENTERPRISE]):
        with pytest.raises(PermissionDenied):
            sampling.sampling_file(actor=user, task=task, values=sampling_values(), photos=[photo()])
    assert not hasattr(Task.objects.get(pk=task.pk), "sampling")


def test_a_sampling_record_sends_the_sample_to_the_lab_under_a_blind_code(spot):
    task = spot.task_at()
    record = spot.sample(task)
    task.refresh_from_db()
    assert task.status == TaskStatus.SAMPLED
    assert record.photos.get().sha256 == hashlib.sha256(PNG).hexdigest()
    assert record.product_name.startswith("大米") and record.trademark == "洞庭"
    lab_test = LabTest.objects.get(task=task)
    assert lab_test.lab == spot.lab and len(lab_test.blind_code) == 11 and lab_test.status == LabTestStatus.PENDING
    assert spot.enterprise.name not in lab_test.blind_code


def test_an_incomplete_sampling_record_is_refused_field_by_field(spot):
    task = spot.task_at()
    values = {**sampling_values(), "seal_numbers": "", "enterprise_signatory": ""}
    with pytest.raises(ValidationError) as excinfo:
        sampling.sampling_file(actor=spot.inspector_of(task), task=task, values=values, photos=[])
    assert {"seal_numbers", "enterprise_signatory", "photos", "product_name"} <= set(excinfo.value.message_dict)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ASSIGNED


def test_a_product_of_another_enterprise_is_refused(spot, other_enterprise):
    task = spot.task_at()
    values = sampling_values(product=ProductFactory(enterprise=other_enterprise))
    with pytest.raises(ValidationError) as excinfo:
        sampling.sampling_file(actor=spot.inspector_of(task), task=task, values=values, photos=[photo()])
    assert "product" in excinfo.value.message_dict


def test_sampling_waits_for_the_campaign_to_start(actors):
    spot = SpotCheck(actors)
    spot.approve_and_draw()
    task = spot.task_at()
    with pytest.raises(ValidationError, match="启动抽查计划"):
        spot.sample(task)


def test_a_refusal_counts_as_nonconforming_at_once(spot):
    task = spot.task_at()
    with pytest.raises(ValidationError) as excinfo:
        sampling.sampling_file(actor=spot.inspector_of(task), task=task, values={}, photos=[], refused=True)
    assert "refusal_reason" in excinfo.value.message_dict
    sampling.sampling_file(
        actor=spot.inspector_of(task),
        task=task,
        values={"inspector_signatories": "李检查、赵检查"},
        photos=[],
        refused=True,
        refusal_reason="企业负责人拒绝抽样",
        refusal_witness="市场管理员 周见证",
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.FINAL and task.verdict == Verdict.REFUSED
    assert not FollowUp.objects.filter(task=task).exists()  # a violation of its own: a penalty is proposed instead
    assert task.proposals.get().kind == "refusal_penalty"
    assert DomainEvent.objects.filter(kind="inspection.refusal", enterprise=spot.enterprise).count() == 1
    assert not LabTest.objects.filter(task=task).exists()


def test_only_the_labs_own_technicians_enter_results(spot, actors):
    task = spot.task_at()
    spot.sample(task)
    lab_test = LabTest.objects.get(task=task)
    for user in (spot.retest_technician, actors[Role.SUPERVISOR], spot.inspector_of(task)):
        with pytest.raises(PermissionDenied):
            spot.test_result(lab_test, cadmium="0.1", technician=user)


def test_the_verdict_is_computed_one_failed_item_fails_the_batch(spot):
    first, second = Task.objects.live().filter(campaign=spot.campaign)
    for task in (first, second):
        spot.sample(task)
    passing = spot.test_result(LabTest.objects.get(task=first), cadmium="0.2")  # at the limit: conforms
    failing = spot.test_result(LabTest.objects.get(task=second), cadmium="0.05", label_ok=False)
    assert passing.verdict == Verdict.CONFORMING and failing.verdict == Verdict.NONCONFORMING
    assert [item.name for item in failing.failed_items()] == ["标签"]


def test_results_cannot_be_submitted_incomplete_or_changed_after_submission(spot):
    task = spot.task_at()
    spot.sample(task)
    lab_test = LabTest.objects.get(task=task)
    spot.receive(lab_test)
    testing.lab_test_save_results(
        actor=spot.technician, lab_test=lab_test, findings={spot.cadmium.pk: {"value": "0.3"}}, submit=False
    )
    with pytest.raises(ValidationError, match="标签"):
        testing.lab_test_save_results(actor=spot.technician, lab_test=lab_test, findings={}, submit=True)
    spot.test_result(lab_test, cadmium="0.1")
    with pytest.raises(ValidationError):
        spot.test_result(lab_test, cadmium="0.5")
    assert LabTest.objects.get(pk=lab_test.pk).verdict == Verdict.CONFORMING


def test_a_reviewer_returns_a_result_with_a_reason_and_the_lab_corrects_it(spot):
    task = spot.task_at()
    spot.sample(task)
    lab_test = spot.test_result(LabTest.objects.get(task=task), cadmium="0.3")
    with pytest.raises(ValidationError):
        testing.lab_test_review(actor=spot.supervisor, lab_test=lab_test, approve=False)
    with pytest.raises(ValidationError):  # not approved yet: cannot be notified
        testing.lab_test_notify(actor=spot.supervisor, lab_test=lab_test)
    testing.lab_test_review(actor=spot.supervisor, lab_test=lab_test, approve=False, comment="复核镉含量")
    lab_test.refresh_from_db()
    assert lab_test.status == LabTestStatus.PENDING and lab_test.verdict == ""
    spot.test_result(lab_test, cadmium="0.15")
    assert LabTest.objects.get(pk=lab_test.pk).verdict == Verdict.CONFORMING


def test_a_conforming_result_is_final_when_notified(spot):
    task = spot.task_at()
    lab_test = spot.checked(task, cadmium="0.1")
    task.refresh_from_db()
    assert task.status == TaskStatus.FINAL and task.verdict == Verdict.CONFORMING
    assert lab_test.objection_due_on is None and not FollowUp.objects.filter(task=task).exists()
    assert DomainEvent.objects.filter(kind="inspection.verdict", enterprise=spot.enterprise).count() == 1
    assert task.publish_due_on > timezone.localdate()


def test_a_nonconforming_result_stops_sale_at_once_and_opens_a_15_day_objection_window(spot):
    task = spot.task_at()
    lab_test = spot.checked(task, cadmium="0.3", now=at(D(2026, 9, 28)))
    assert lab_test.objection_due_on == D(2026, 10, 13)
    follow_up = FollowUp.objects.get(task=task)
    assert follow_up.stop_sale_at == at(D(2026, 9, 28))
    assert follow_up.rectification_due_on == D(2026, 11, 27) and follow_up.first_recheck_due_on == D(
        2026, 12, 14
    )  # Saturday 12th → Monday
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SAMPLED  # not final while it may be objected to


def test_food_results_may_be_objected_to_within_7_working_days(actors):
    spot = SpotCheck(actors, is_food=True)
    spot.start()
    lab_test = spot.checked(spot.task_at(), cadmium="0.3", now=at(D(2026, 9, 28)))
    assert lab_test.objection_due_on == D(2026, 10, 13)  # across the National Day holiday


def test_only_the_enterprise_concerned_answers_its_result(spot, actors, other_enterprise):
    lab_test = spot.checked(spot.task_at(), cadmium="0.3")
    from tests.factories import enterprise_user

    for user in (enterprise_user(other_enterprise), actors[Role.SUPERVISOR], actors[Role.INSPECTOR]):
        with pytest.raises(PermissionDenied):
            testing.objection_file(actor=user, lab_test=lab_test, reasons="不服")
        with pytest.raises(PermissionDenied):
            testing.result_accept(actor=user, lab_test=lab_test)


def test_an_objection_in_time_brings_a_blind_retest_by_another_lab(spot):
    LaboratoryFactory(is_approved=False)  # never drawn
    task = spot.task_at()
    lab_test = spot.checked(task, cadmium="0.3")
    with pytest.raises(ValidationError):
        testing.objection_file(actor=spot.enterprise_user, lab_test=lab_test, reasons="  ")
    objection = testing.objection_file(actor=spot.enterprise_user, lab_test=lab_test, reasons="送检样品储存不当")
    assert objection.retest_lab == spot.retest_lab and objection.lab_draw_candidates == [spot.retest_lab.pk]
    retest = LabTest.objects.get(task=task, kind=LabTestKind.RETEST)
    assert retest.lab == spot.retest_lab and retest.blind_code != lab_test.blind_code
    with pytest.raises(ValidationError):  # one objection only
        testing.objection_file(actor=spot.enterprise_user, lab_test=lab_test, reasons="again")
    spot.test_result(retest, cadmium="0.1", technician=spot.retest_technician)
    spot.notify(retest)
    task.refresh_from_db()
    assert task.status == TaskStatus.FINAL and task.verdict == Verdict.CONFORMING  # the re-test is final
    follow_up = FollowUp.objects.get(task=task)
    assert follow_up.stage == FollowUpStage.CLOSED and follow_up.outcome == "overturned"
    assert follow_up.stop_sale_lifted_at is not None


def test_a_late_objection_is_refused_clearly_and_changes_nothing(spot):
    lab_test = spot.checked(spot.task_at(), cadmium="0.3", now=at(D(2026, 9, 28)))
    with pytest.raises(ValidationError, match="2026-10-13.*视为认可"):
        testing.objection_file(actor=spot.enterprise_user, lab_test=lab_test, reasons="不服", now=at(D(2026, 10, 14)))
    assert not Objection.objects.exists() and LabTest.objects.filter(task=lab_test.task).count() == 1


def test_no_other_approved_lab_means_the_objection_goes_to_the_bureau(spot):
    spot.retest_lab.is_approved = False
    spot.retest_lab.save()
    lab_test = spot.checked(spot.task_at(), cadmium="0.3")
    with pytest.raises(ValidationError, match="请联系市场监督管理部门"):
        testing.objection_file(actor=spot.enterprise_user, lab_test=lab_test, reasons="不服")


def test_accepting_makes_the_result_final_and_a_passed_deadline_does_too_once(spot):
    first, second = Task.objects.live().filter(campaign=spot.campaign)
    accepted = spot.checked(first, cadmium="0.3")
    testing.result_accept(actor=UserFactory(role=Role.ENTERPRISE, enterprise=first.enterprise), lab_test=accepted)
    assert Task.objects.get(pk=first.pk).verdict == Verdict.NONCONFORMING
    lapsed = spot.checked(second, cadmium="0.3", now=at(D(2026, 9, 28)))
    assert testing.finalise_unobjected_results(today=D(2026, 10, 13)) == 0  # the last day to object
    assert testing.finalise_unobjected_results(today=D(2026, 10, 14)) == 1
    assert testing.finalise_unobjected_results(today=D(2026, 10, 15)) == 0  # idempotent
    second.refresh_from_db()
    assert second.status == TaskStatus.FINAL and second.verdict == Verdict.NONCONFORMING
    assert LabTest.objects.get(pk=lapsed.pk).accepted_at is not None
    assert DomainEvent.objects.filter(kind="inspection.verdict").count() == 2


def test_malformed_findings_are_refused_item_by_item(spot):
    task = spot.task_at()
    spot.sample(task)
    lab_test = LabTest.objects.get(task=task)
    for findings in (
        {spot.cadmium.pk: {"value": "abc"}},
        {spot.cadmium.pk: {"value": "NaN"}},
        {spot.labelling.pk: {"value": "1"}},
        {"x": {"value": "1"}},
        {10**9: {"value": "1"}},
    ):
        with pytest.raises(ValidationError):
            testing.lab_test_save_results(actor=spot.technician, lab_test=lab_test, findings=findings, submit=False)
    assert not lab_test.item_results.exists()


def test_a_discontinued_product_cannot_be_sampled_as_on_file(spot):
    task = spot.task_at()
    product = ProductFactory(enterprise=task.enterprise, discontinued_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        sampling.sampling_file(
            actor=spot.inspector_of(task), task=task, values=sampling_values(product=product), photos=[photo()]
        )
    assert "product" in excinfo.value.message_dict
