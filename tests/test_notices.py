"""Service of notices (送达): clocks from receipt, the day-off roll-over on the pages and the API, provisional years,
paper delivery with a signed receipt, the staff worklist of unopened notices, and the refusals."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.models import AuditEntry, CalendarYear
from credit import services as credit_services
from credit.choices import BlacklistStatus
from inspections.choices import TaskStatus
from inspections.models import FollowUp, LabTest
from inspections.services import followups, testing
from inspections.services.testing import finalise_unobjected_results
from qsportal.demo.spot_checks import signed_receipt
from tests.clients import signed_in, token_api
from tests.dishonesty import propose
from tests.factories import enterprise_user
from tests.spotcheck import SpotCheck, photo

pytestmark = pytest.mark.django_db
D = datetime.date
API = "/api/v1"


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def spot(actors):
    spot = SpotCheck(actors)
    spot.start()
    return spot


def unserved(spot, *, notified=None, is_food=False) -> LabTest:
    """A nonconforming result notified at `notified` that nobody at the enterprise has opened."""
    return spot.checked(spot.task_at(), cadmium="0.3", served=False, now=at(notified or D(2026, 9, 1)))


# The clock runs from receipt


def test_a_notified_result_has_no_clock_until_the_enterprise_opens_it(spot):
    lab_test = unserved(spot)
    follow_up = FollowUp.objects.get(task=lab_test.task)
    assert lab_test.objection_due_on is None and not lab_test.is_served
    assert follow_up.rectification_due_on is None and follow_up.first_recheck_due_on  # the re-check runs from the order
    opened = testing.result_open(actor=spot.enterprise_user, lab_test=lab_test, now=at(D(2026, 9, 16)))
    assert opened.served_on == D(2026, 9, 16) and opened.served_by == spot.enterprise_user
    assert opened.served_how == "portal" and opened.objection_due_on == D(2026, 10, 8)  # 1 October moves to the 8th
    again = testing.result_open(actor=spot.enterprise_user, lab_test=opened, now=at(D(2026, 9, 20)))
    assert again.served_on == D(2026, 9, 16)  # only the first opening counts
    assert AuditEntry.objects.filter(action="notice.served.portal", object_id=lab_test.pk).count() == 1


def test_a_result_opened_on_the_last_working_day_before_national_day(spot, actors):
    lab_test = unserved(spot, notified=D(2026, 9, 28))
    opened = testing.result_open(actor=spot.enterprise_user, lab_test=lab_test, now=at(D(2026, 9, 30), 17))
    assert opened.objection_due_on == D(2026, 10, 15)  # 15 calendar days: a Thursday, no move
    # A food result's 7 working days from the same day end on 15 October too (tests/test_workdays.py).


def test_the_rectification_order_is_served_on_its_own_opening(spot):
    lab_test = unserved(spot)
    follow_up = FollowUp.objects.get(task=lab_test.task)
    follow_up = followups.rectification_order_open(
        actor=spot.enterprise_user, follow_up=follow_up, now=at(D(2026, 8, 2))
    )
    assert follow_up.rectification_due_on == D(2026, 10, 8)  # 60 days: 1 October, moved past the holiday


def test_a_result_never_finalised_while_unserved(spot):
    lab_test = unserved(spot, notified=D(2026, 6, 1))
    assert finalise_unobjected_results(today=D(2026, 12, 1)) == 0
    assert LabTest.objects.get(pk=lab_test.pk).task.status == TaskStatus.SAMPLED
    testing.result_serve_on_paper(
        actor=spot.supervisor,
        lab_test=lab_test,
        received_on=D(2026, 6, 3),
        proof=signed_receipt(),
        now=at(D(2026, 6, 4)),
    )
    assert LabTest.objects.get(pk=lab_test.pk).objection_due_on == D(2026, 6, 18)
    assert finalise_unobjected_results(today=D(2026, 6, 18)) == 0  # the last day is still open
    assert finalise_unobjected_results(today=D(2026, 6, 19)) == 1
    assert finalise_unobjected_results(today=D(2026, 6, 19)) == 0


def test_answers_work_once_served_and_an_answer_serves_an_unopened_result(spot):
    lab_test = unserved(spot, notified=timezone.localdate())
    objection = testing.objection_file(actor=spot.enterprise_user, lab_test=lab_test, reasons="样品储存不当")
    lab_test.refresh_from_db()
    assert objection.pk and lab_test.served_on == timezone.localdate() and lab_test.objection_due_on


# Refusals


def test_only_the_enterprises_own_users_receive_its_notices(spot, actors, other_enterprise):
    lab_test = unserved(spot)
    for user in (actors[Role.INSPECTOR], spot.supervisor, enterprise_user(other_enterprise)):
        with pytest.raises(PermissionDenied):
            testing.result_open(actor=user, lab_test=lab_test)
    assert not LabTest.objects.get(pk=lab_test.pk).is_served


def test_reading_is_not_receipt_for_staff_an_inspector_or_another_enterprise(client, spot, actors, other_enterprise):
    lab_test = unserved(spot)
    url = lab_test.get_absolute_url()
    assert signed_in(client, actors[Role.INSPECTOR]).get(url).status_code == 404
    assert signed_in(client, enterprise_user(other_enterprise)).get(url).status_code == 404
    assert (
        token_api(enterprise_user(other_enterprise, username="x2")).get(f"{API}/results/{lab_test.pk}/").status_code
        == 404
    )
    staff_page = signed_in(client, spot.supervisor).get(url).content.decode()
    assert 'data-testid="not-served"' in staff_page and "serve-on-paper" in staff_page
    assert token_api(spot.supervisor).get(f"{API}/results/{lab_test.pk}/").json()["served_on"] is None
    assert not LabTest.objects.get(pk=lab_test.pk).is_served


def test_an_enterprise_cannot_record_a_paper_delivery(client, spot):
    lab_test = unserved(spot)
    with pytest.raises(PermissionDenied):
        testing.result_serve_on_paper(
            actor=spot.enterprise_user, lab_test=lab_test, received_on=D(2026, 9, 2), proof=signed_receipt()
        )
    company = token_api(spot.enterprise_user)
    body = {"received_on": "2026-09-02", "proof": signed_receipt()}
    assert company.post(f"{API}/results/{lab_test.pk}/serve-on-paper/", body, format="multipart").status_code == 403
    page = signed_in(client, spot.enterprise_user)
    assert page.post(reverse("inspections:result_serve_on_paper", args=[lab_test.pk]), body).status_code == 403
    assert page.get(reverse("inspections:notices_unopened")).status_code == 403
    assert not LabTest.objects.get(pk=lab_test.pk).is_served


# Paper delivery with the signed receipt


def test_staff_record_a_paper_delivery_with_the_receipt_scan_on_the_page(client, spot):
    lab_test = unserved(spot, notified=timezone.localdate() - datetime.timedelta(days=3))
    staff = signed_in(client, spot.supervisor)
    received = timezone.localdate() - datetime.timedelta(days=1)
    url = reverse("inspections:result_serve_on_paper", args=[lab_test.pk])
    response = staff.post(url, {"received_on": received.isoformat(), "proof": signed_receipt()})
    assert response.status_code == 302
    lab_test.refresh_from_db()
    assert lab_test.served_on == received and lab_test.served_how == "paper" and lab_test.served_by == spot.supervisor
    assert lab_test.service_proof_name == "送达回证.pdf" and len(lab_test.service_proof_sha256) == 64
    assert lab_test.objection_due_on == testing.objection_due_on(lab_test.task.campaign, received)
    again = staff.post(url, {"received_on": received.isoformat(), "proof": signed_receipt()})
    assert "already received" in again.content.decode() or "已" in again.content.decode()


def test_paper_delivery_through_the_api_and_for_a_rectification_order(spot):
    lab_test = unserved(spot, notified=timezone.localdate() - datetime.timedelta(days=6))
    staff = token_api(spot.supervisor)
    received = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    done = staff.post(
        f"{API}/results/{lab_test.pk}/serve-on-paper/",
        {"received_on": received, "proof": signed_receipt()},
        format="multipart",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["served_on"] == received and done.json()["served_how"] == "paper"
    assert done.json()["objection_due_on"] and done.json()["objection_due_on_provisional"] in (True, False)
    follow_up = FollowUp.objects.get(task=lab_test.task)
    order = staff.post(
        f"{API}/follow-ups/{follow_up.pk}/serve-on-paper/",
        {"received_on": received, "proof": signed_receipt()},
        format="multipart",
    )
    assert order.status_code == 200, order.json()
    assert order.json()["rectification_due_on"] and order.json()["served_how"] == "paper"


def test_hostile_input_on_the_paper_delivery_is_a_field_error(client, spot):
    lab_test = unserved(spot, notified=timezone.localdate() - datetime.timedelta(days=6))
    staff = token_api(spot.supervisor)
    url = f"{API}/results/{lab_test.pk}/serve-on-paper/"
    surrogate = staff.generic("POST", url, json.dumps({"received_on": "\ud800"}), content_type="application/json")
    assert surrogate.status_code == 400 and "received_on" in surrogate.json()["error"]["fields"]
    huge = staff.post(url, {"received_on": "9" * 100_000, "proof": signed_receipt()}, format="multipart")
    assert huge.status_code == 400 and "received_on" in huge.json()["error"]["fields"]
    missing = staff.post(url, {"received_on": timezone.localdate().isoformat()}, format="multipart")
    assert missing.status_code == 400 and "proof" in missing.json()["error"]["fields"]
    script = SimpleUploadedFile("receipt.exe", b"MZ...")
    bad_type = staff.post(url, {"received_on": timezone.localdate().isoformat(), "proof": script}, format="multipart")
    assert bad_type.status_code == 400 and "proof" in bad_type.json()["error"]["fields"]
    fake = SimpleUploadedFile("receipt.png", b"<script>alert(1)</script>")
    fake_photo = staff.post(url, {"received_on": timezone.localdate().isoformat(), "proof": fake}, format="multipart")
    assert fake_photo.status_code == 400 and "proof" in fake_photo.json()["error"]["fields"]
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    ahead = staff.post(url, {"received_on": future, "proof": signed_receipt()}, format="multipart")
    assert ahead.status_code == 400 and "received_on" in ahead.json()["error"]["fields"]
    before = staff.post(url, {"received_on": "2020-01-01", "proof": signed_receipt()}, format="multipart")
    assert before.status_code == 400 and "received_on" in before.json()["error"]["fields"]
    page = signed_in(client, spot.supervisor).post(
        reverse("inspections:result_serve_on_paper", args=[lab_test.pk]),
        {"received_on": "x" * 100_000, "proof": photo("receipt.png")},
    )
    assert page.status_code == 200 and "field-error" in page.content.decode()
    assert not LabTest.objects.get(pk=lab_test.pk).is_served
    long_name = SimpleUploadedFile("r" * 300 + ".pdf", b"%PDF-1.4")  # the upload handler shortens the name
    named = staff.post(url, {"received_on": timezone.localdate().isoformat(), "proof": long_name}, format="multipart")
    assert named.status_code == 200 and len(LabTest.objects.get(pk=lab_test.pk).service_proof_name) <= 255


# The staff worklist


def test_staff_see_the_notices_not_opened_after_n_days_and_serve_them_from_there(client, spot, actors, settings):
    today = timezone.localdate()
    old = unserved(spot, notified=today - datetime.timedelta(days=6))
    entry = propose(actors[Role.ENTERPRISE].enterprise, supervisor=spot.supervisor)
    entry = credit_services.listing_notify(
        actor=spot.supervisor, entry=entry, notice_number="告9号", today=today - datetime.timedelta(days=7)
    )
    staff = signed_in(client, spot.supervisor)
    shown = staff.get(reverse("inspections:notices_unopened")).content.decode()
    assert reverse("inspections:result_serve_on_paper", args=[old.pk]) in shown
    follow_up = FollowUp.objects.get(task=old.task)
    assert reverse("inspections:follow_up_serve_on_paper", args=[follow_up.pk]) in shown
    assert "告9号" in shown
    settings.NOTICE_UNOPENED_ALERT_DAYS = 10
    assert "告9号" not in staff.get(reverse("inspections:notices_unopened")).content.decode()
    settings.NOTICE_UNOPENED_ALERT_DAYS = 5
    testing.result_open(actor=spot.enterprise_user, lab_test=old)
    shown = staff.get(reverse("inspections:notices_unopened")).content.decode()
    assert reverse("inspections:result_serve_on_paper", args=[old.pk]) not in shown
    assert signed_in(client, actors[Role.INSPECTOR]).get(reverse("inspections:notices_unopened")).status_code == 403


# The listing notice's statement period


def test_the_statement_period_runs_from_receipt_and_never_lapses_unserved(client, actors):
    enterprise = actors[Role.ENTERPRISE].enterprise
    supervisor = actors[Role.SUPERVISOR]
    entry = propose(enterprise, supervisor=supervisor)
    entry = credit_services.listing_notify(actor=supervisor, entry=entry, notice_number="告1号", today=D(2026, 9, 1))
    assert entry.statement_due is None and not entry.statement_period_over(D(2026, 12, 1))
    staff = signed_in(client, supervisor)
    page = staff.get(entry.get_absolute_url()).content.decode()
    assert 'data-testid="not-served"' in page and 'value="serve_on_paper"' in page
    response = staff.post(
        entry.get_absolute_url(),
        {
            "action": "serve_on_paper",
            "serve_on_paper-received_on": "2026-09-30",
            "serve_on_paper-proof": signed_receipt(),
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.served_how == "paper" and entry.statement_due == D(2026, 10, 13)  # 5 working days over the holiday
    with pytest.raises(ValidationError):
        credit_services.listing_notice_serve_on_paper(
            actor=supervisor, entry=entry, received_on=D(2026, 9, 30), proof=signed_receipt()
        )


def test_the_enterprise_opens_its_listing_notice_and_files_its_statement(client, actors, other_enterprise):
    enterprise = actors[Role.ENTERPRISE].enterprise
    supervisor = actors[Role.SUPERVISOR]
    entry = credit_services.listing_notify(
        actor=supervisor, entry=propose(enterprise, supervisor=supervisor), notice_number="告2号"
    )
    assert signed_in(client, enterprise_user(other_enterprise)).get(entry.get_absolute_url()).status_code == 404
    company = signed_in(client, actors[Role.ENTERPRISE])
    assert 'data-testid="served"' in company.get(entry.get_absolute_url()).content.decode()
    entry.refresh_from_db()
    assert (
        entry.served_on == timezone.localdate() and entry.served_by == actors[Role.ENTERPRISE] and entry.statement_due
    )
    credit_services.listing_statement(actor=actors[Role.ENTERPRISE], entry=entry, statement="陈述")
    assert type(entry).objects.get(pk=entry.pk).status == BlacklistStatus.STATEMENT_RECEIVED


# Provisional years and moved dates on the page and in the API


def test_a_2027_deadline_is_flagged_provisional_on_the_page_and_in_the_api(client, spot):
    lab_test = unserved(spot, notified=D(2026, 12, 1))
    testing.result_open(actor=spot.enterprise_user, lab_test=lab_test, now=at(D(2026, 12, 20)))
    lab_test.refresh_from_db()
    assert lab_test.objection_due_on == D(2027, 1, 4)
    page = signed_in(client, spot.supervisor).get(lab_test.get_absolute_url()).content.decode()
    assert 'data-testid="provisional"' in page
    assert (
        token_api(spot.supervisor).get(f"{API}/results/{lab_test.pk}/").json()["objection_due_on_provisional"] is True
    )
    mine = token_api(spot.enterprise_user).get(f"{API}/results/{lab_test.pk}/").json()
    assert mine["objection_due_on_provisional"] is True
    CalendarYear.objects.filter(year=2027).update(is_official=True)
    assert (
        token_api(spot.supervisor).get(f"{API}/results/{lab_test.pk}/").json()["objection_due_on_provisional"] is False
    )
    assert (
        'data-testid="provisional"'
        not in signed_in(client, spot.supervisor).get(lab_test.get_absolute_url()).content.decode()
    )


def test_the_page_shows_the_day_a_deadline_moved_from(client, spot):
    lab_test = unserved(spot)
    testing.result_open(actor=spot.enterprise_user, lab_test=lab_test, now=at(D(2026, 9, 16)))
    page = signed_in(client, spot.supervisor).get(lab_test.get_absolute_url()).content.decode()
    assert 'data-testid="moved-from"' in page and "2026-10-01" in page and "国庆节" in page
    assert "2026-10-08" in page


def test_administrators_are_warned_until_the_years_in_use_are_official(client, actors):
    admin = signed_in(client, actors[Role.ADMIN])
    assert 'data-testid="provisional-calendar"' in admin.get(reverse("home")).content.decode()
    CalendarYear.objects.filter(year__in=[2026, 2027]).update(is_official=True)
    assert 'data-testid="provisional-calendar"' not in admin.get(reverse("home")).content.decode()
    assert (
        'data-testid="provisional-calendar"'
        not in signed_in(client, actors[Role.SUPERVISOR]).get(reverse("home")).content.decode()
    )
