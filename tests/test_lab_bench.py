"""The laboratory's bench: a saved draft says so and shows on the worklist, submitting asks first, and the lab lists
what it submitted with the computed verdict and the review state (blind: never the enterprise)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from inspections.models import LabTest
from inspections.services import testing
from qsportal.navigation import navigation_for
from tests.spotcheck import SpotCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench(actors):
    spot_check = SpotCheck(actors, enterprises=1, batches=1)
    spot_check.start()
    task = spot_check.task_at()
    spot_check.sample(task)
    lab_test = LabTest.objects.get(task=task, kind="initial")
    spot_check.receive(lab_test)  # the seal scanned on receipt: findings wait for it
    return spot_check, lab_test


def findings(spot_check, cadmium="0.5", label="yes") -> dict:
    return {f"item_{spot_check.cadmium.pk}": cadmium, f"item_{spot_check.labelling.pk}": label}


def test_saving_a_draft_says_so_and_the_worklist_shows_draft(client, actors, bench):
    spot_check, lab_test = bench
    client.force_login(actors[Role.LAB_TECHNICIAN])
    with translation.override("en"):
        worklist = client.get(reverse("inspections:lab")).content.decode()
        assert 'data-testid="draft-flag"' not in worklist
        page = client.get(lab_test.get_absolute_url()).content.decode()
        # Only the 提交审核 button says "submit": a hidden field of that name made 保存草稿 submit too.
        assert len(re.findall(r'name="submit"', page)) == 1
        response = client.post(
            lab_test.get_absolute_url(), {**findings(spot_check), "save": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Draft saved" in response.content.decode()
    lab_test.refresh_from_db()
    assert lab_test.status == "pending"
    worklist = client.get(reverse("inspections:lab")).content.decode()
    assert 'data-testid="draft-flag"' in worklist and lab_test.blind_code in worklist
    assert 'data-kind="inspections.samples_to_test"' in client.get("/").content.decode()


def test_submit_asks_for_confirmation_and_lands_on_the_submitted_list(client, actors, bench):
    spot_check, lab_test = bench
    client.force_login(actors[Role.LAB_TECHNICIAN])
    page = client.get(lab_test.get_absolute_url()).content.decode()
    (submit_button,) = re.findall(r"<button[^>]*data-testid=\"submit-findings\"[^>]*>", page)
    assert "data-confirm=" in submit_button
    response = client.post(lab_test.get_absolute_url(), {**findings(spot_check), "submit": ""})
    assert response.url == reverse("inspections:lab_submitted")
    listing = client.get(response.url).content.decode()
    lab_test.refresh_from_db()
    assert lab_test.status == "submitted" and lab_test.verdict == "nonconforming"
    assert lab_test.blind_code in listing
    assert 'data-testid="submitted-row"' in listing
    assert 'class="status-submitted"' in listing
    assert spot_check.enterprise.name not in listing  # blind
    assert lab_test.blind_code not in client.get(reverse("inspections:lab")).content.decode()


def test_the_review_state_follows_the_result(client, actors, bench):
    spot_check, lab_test = bench
    spot_check.test_result(lab_test, cadmium="0.1")
    testing.lab_test_review(actor=spot_check.supervisor, lab_test=lab_test, approve=True)
    client.force_login(actors[Role.LAB_TECHNICIAN])
    listing = client.get(reverse("inspections:lab_submitted")).content.decode()
    assert 'class="status-approved"' in listing


def test_only_the_labs_own_results_and_only_for_technicians(client, actors, bench):
    spot_check, lab_test = bench
    spot_check.test_result(lab_test, cadmium="0.1")
    client.force_login(spot_check.retest_technician)
    assert lab_test.blind_code not in client.get(reverse("inspections:lab_submitted")).content.decode()
    for role in (Role.SUPERVISOR, Role.ENTERPRISE, Role.INSPECTOR, Role.EXPERT):
        client.force_login(actors[role])
        assert client.get(reverse("inspections:lab_submitted")).status_code in (403, 404)


def test_the_menu_holds_the_submitted_results(actors):
    with translation.override("en"):
        labels = [str(item["label"]) for item in navigation_for(actors[Role.LAB_TECHNICIAN], "/")]
    assert "Submitted results" in labels and "Samples" in labels


def test_submitted_list_runs_a_fixed_number_of_queries(client, actors, bench, django_assert_max_num_queries):
    spot_check, lab_test = bench
    spot_check.test_result(lab_test, cadmium="0.1")
    client.force_login(actors[Role.LAB_TECHNICIAN])
    with django_assert_max_num_queries(12):
        client.get(reverse("inspections:lab_submitted") + "?page_size=100")
