"""Final results are published as a snapshot, set-based; withdrawn with a reason; the enterprise replies beside."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from core.models import AuditEntry
from inspections.choices import Verdict
from inspections.models import PublishedResult, Task
from inspections.services import publication, testing
from tests.factories import enterprise_user
from tests.spotcheck import SpotCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(actors):
    spot = SpotCheck(actors)
    spot.start()
    own, other = (
        spot.task_at(),
        Task.objects.live().filter(campaign=spot.campaign).exclude(enterprise=spot.enterprise)[0],
    )
    testing.result_accept(actor=spot.enterprise_user, lab_test=spot.checked(own, cadmium="0.35"))
    spot.checked(other, cadmium="0.1")
    return spot


def test_only_staff_publish_and_only_final_results(finished, actors):
    for role in (Role.INSPECTOR, Role.ENTERPRISE, Role.LAB_TECHNICIAN):
        with pytest.raises(PermissionDenied):
            publication.results_publish(actor=actors[role], campaign=finished.campaign)
    assert publication.results_publish(actor=finished.supervisor, campaign=finished.campaign) == 2
    assert publication.results_publish(actor=finished.supervisor, campaign=finished.campaign) == 0
    with pytest.raises(ValidationError):
        publication.results_publish(actor=finished.supervisor, campaign=finished.campaign, task_ids=[10**9])


def test_the_snapshot_names_the_failed_items_with_value_and_limit(finished):
    publication.results_publish(actor=finished.supervisor, campaign=finished.campaign)
    failed = PublishedResult.objects.get(verdict=Verdict.NONCONFORMING)
    assert failed.enterprise_name == finished.enterprise.name and failed.batch_number == "20261101"
    assert failed.failed_items == "镉(以Cd计) (0.35 mg/kg; ≤ 0.2 mg/kg)"
    assert failed.lab_name == finished.lab.name
    assert AuditEntry.objects.filter(action="result.publish").count() == 2


def test_publishing_runs_a_fixed_number_of_queries(actors, django_assert_max_num_queries):
    spot = SpotCheck(actors, enterprises=6, roster=6, batches=6)
    spot.start()
    for task in Task.objects.live().filter(campaign=spot.campaign):
        spot.checked(task, cadmium="0.1")
    with django_assert_max_num_queries(12):
        assert publication.results_publish(actor=spot.supervisor, campaign=spot.campaign) == 6


def test_withdrawal_needs_a_reason_and_keeps_the_record(finished):
    publication.results_publish(actor=finished.supervisor, campaign=finished.campaign)
    row = PublishedResult.objects.first()
    with pytest.raises(ValidationError):
        publication.publication_withdraw(actor=finished.supervisor, publication=row, reason="")
    publication.publication_withdraw(actor=finished.supervisor, publication=row, reason="批次号录入错误")
    row.refresh_from_db()
    assert row.withdrawn_at and row.withdraw_reason == "批次号录入错误"


def test_only_the_enterprise_concerned_replies(finished, other_enterprise):
    publication.results_publish(actor=finished.supervisor, campaign=finished.campaign)
    own = PublishedResult.objects.get(verdict=Verdict.NONCONFORMING)
    with pytest.raises(PermissionDenied):
        publication.publication_reply(actor=enterprise_user(other_enterprise), publication=own, reply="x")
    publication.publication_reply(actor=finished.enterprise_user, publication=own, reply="已整改，复查合格")
    assert PublishedResult.objects.get(pk=own.pk).reply == "已整改，复查合格"
