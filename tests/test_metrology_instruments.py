"""Instruments under compulsory verification: filing and acceptance, verifications, due and overdue, "must not be
used for trade settlement", the reminders recorded once, the inbox, the status page, and who may do what."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role, Section
from core.inbox import inbox_for
from metrology import selectors, services
from metrology.choices import FilingStatus, InstrumentStatus, ReminderKind, VerificationResult
from metrology.models import Instrument, Reminder, add_months, valid_until
from tests.clients import signed_in, token_api
from tests.factories import EnterpriseFactory, UserFactory, enterprise_user
from tests.factories_metrology import InstrumentFactory, category, metrology_staff

pytestmark = pytest.mark.django_db
API = "/api/v1/metrology/instruments/"


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def staff(db):
    return metrology_staff()


@pytest.fixture
def owner(enterprise):
    return enterprise_user(enterprise)


def file_one(actor, **overrides):
    values = dict(category=category(), location="2号岛", maker="托肯恒山", model_name="TK-1", serial="A-1")
    values.update(overrides)
    return services.instrument_file(actor=actor, **values)


# Dates


def test_months_are_added_within_the_month_and_the_validity_ends_the_day_before():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 12, 15), 2) == datetime.date(2025, 2, 15)
    assert valid_until(datetime.date(2026, 3, 15), 12) == datetime.date(2027, 3, 14)
    assert valid_until(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 27)


def test_the_categories_are_loaded_as_data_with_their_intervals():
    assert category("fuel_dispenser").interval_months == 12
    assert category("pressure_gauge").interval_months == 6
    assert category("sphygmomanometer").purpose == "health"


# Filing and acceptance


def test_an_owner_files_its_own_and_staff_accept(owner, staff, enterprise, other_enterprise):
    instrument = file_one(owner, enterprise=other_enterprise, owner_name="别人", district=other_enterprise.district)
    assert instrument.enterprise == enterprise  # its own file, whatever it sent
    assert instrument.owner_name == enterprise.name and instrument.district == enterprise.district
    assert instrument.filing_status == FilingStatus.FILED
    assert not selectors.due_counts(instruments=Instrument.objects.all())["due_soon"]  # not supervised yet
    with pytest.raises(PermissionDenied):
        services.instrument_accept(actor=owner, instrument=instrument)
    services.instrument_accept(actor=staff, instrument=instrument)
    instrument.refresh_from_db()
    assert instrument.filing_status == FilingStatus.ACCEPTED and instrument.accepted_by == staff
    with pytest.raises(ValidationError):
        services.instrument_accept(actor=staff, instrument=instrument)  # accepted once


def test_a_returned_filing_is_corrected_and_filed_again(owner, staff):
    instrument = file_one(owner)
    with pytest.raises(ValidationError):
        services.instrument_return(actor=staff, instrument=instrument, comment="  ")
    services.instrument_return(actor=staff, instrument=instrument, comment="型号不对")
    instrument.refresh_from_db()
    assert instrument.filing_status == FilingStatus.RETURNED
    services.instrument_update(actor=owner, instrument=instrument, model_name="TK-2")
    instrument.refresh_from_db()
    assert instrument.filing_status == FilingStatus.FILED and instrument.model_name == "TK-2"
    services.instrument_accept(actor=staff, instrument=instrument)
    with pytest.raises(PermissionDenied):  # accepted: the owner no longer changes it
        services.instrument_update(actor=owner, instrument=Instrument.objects.get(pk=instrument.pk), maker="x")


def test_staff_file_for_a_stall_holder_without_a_file_and_it_is_accepted_at_once(staff, enterprise):
    instrument = file_one(
        staff, category=category("trade_scale"), owner_name="摊主李四", district=enterprise.district, serial="S1"
    )
    assert instrument.enterprise is None and instrument.owner_name == "摊主李四"
    assert instrument.filing_status == FilingStatus.ACCEPTED
    with pytest.raises(ValidationError) as error:
        file_one(staff, owner_name="摊主", serial="S2")  # no district
    assert "district" in error.value.message_dict


def test_the_same_serial_of_a_maker_and_category_is_filed_once_while_in_use(staff, owner):
    instrument = file_one(owner)
    with pytest.raises(ValidationError):
        file_one(owner)
    services.instrument_retire(actor=staff, instrument=instrument, reason="报废")
    assert file_one(owner).pk != instrument.pk  # a retired one is kept, not counted


def test_other_roles_may_not_file_or_manage(actors, enterprise):
    with pytest.raises(PermissionDenied):
        file_one(actors[Role.INSPECTOR])
    instrument = InstrumentFactory()
    for role in (Role.SUPERVISOR, Role.INSPECTOR, Role.ENTERPRISE, Role.LAB_TECHNICIAN):
        with pytest.raises(PermissionDenied):
            services.verification_record(
                actor=actors[role],
                instrument=instrument,
                verified_on=today(),
                result="passed",
                certificate_number="X",
                institution="所",
            )
    # A leader changes metrology records, as the section does.
    services.instrument_retire(actor=actors[Role.LEADER], instrument=instrument, reason="停用")


# Verifications and "must not be used for trade settlement"


def test_a_passed_verification_is_valid_for_the_category_interval(staff):
    instrument = InstrumentFactory(last_verified_on=None, last_result="", certificate_number="", next_due_on=None)
    assert instrument.not_for_trade_on(today())  # never verified
    day = today() - datetime.timedelta(days=3)
    services.verification_record(
        actor=staff,
        instrument=instrument,
        verified_on=day,
        result="passed",
        certificate_number="JD1",
        institution="岳阳市计量所",
    )
    instrument.refresh_from_db()
    assert instrument.next_due_on == valid_until(day, 12) and instrument.certificate_number == "JD1"
    assert not instrument.not_for_trade_on(today())
    assert instrument.not_for_trade_on(instrument.next_due_on + datetime.timedelta(days=1))


def test_a_failed_verification_makes_it_unusable_and_an_older_one_does_not_overwrite(staff):
    instrument = InstrumentFactory()
    services.verification_record(
        actor=staff,
        instrument=instrument,
        verified_on=today(),
        result="failed",
        certificate_number="BHG1",
        institution="所",
    )
    instrument.refresh_from_db()
    assert instrument.last_result == "failed" and instrument.next_due_on is None
    assert instrument.not_for_trade_on(today())
    services.verification_record(
        actor=staff,
        instrument=instrument,
        verified_on=today() - datetime.timedelta(days=30),
        result="passed",
        certificate_number="OLD",
        institution="所",
    )
    instrument.refresh_from_db()
    assert instrument.last_result == "failed"  # the latest verification stands


def test_a_verification_in_the_future_or_twice_is_refused(staff):
    instrument = InstrumentFactory()
    kwargs = dict(actor=staff, instrument=instrument, result="passed", institution="所")
    with pytest.raises(ValidationError) as error:
        services.verification_record(verified_on=today() + datetime.timedelta(days=1), certificate_number="A", **kwargs)
    assert "verified_on" in error.value.message_dict
    services.verification_record(verified_on=today(), certificate_number="A", **kwargs)
    with pytest.raises(ValidationError):
        services.verification_record(verified_on=today(), certificate_number="A", **kwargs)
    with pytest.raises(ValidationError):
        services.verification_record(verified_on=today(), certificate_number="\ud800", **kwargs)


def test_use_after_failure_is_recorded_only_after_a_failure(staff):
    instrument = InstrumentFactory()
    with pytest.raises(ValidationError):
        services.instrument_record_used_after_failure(actor=staff, instrument=instrument, note="在用")
    instrument = InstrumentFactory(last_result="failed", next_due_on=None)
    services.instrument_record_used_after_failure(actor=staff, instrument=instrument, note="检查发现仍在使用")
    instrument.refresh_from_db()
    assert instrument.used_after_failure


# Due, overdue, reminders


def test_reminders_are_recorded_once_before_and_after_the_due_date(enterprise):
    soon = InstrumentFactory(enterprise=enterprise, next_due_on=today() + datetime.timedelta(days=10))
    late = InstrumentFactory(enterprise=enterprise, next_due_on=today() - datetime.timedelta(days=1))
    InstrumentFactory(next_due_on=today() + datetime.timedelta(days=31))  # outside the window
    InstrumentFactory(next_due_on=today() - datetime.timedelta(days=5), filing_status=FilingStatus.FILED)
    InstrumentFactory(next_due_on=today() - datetime.timedelta(days=5), status=InstrumentStatus.RETIRED)
    InstrumentFactory(last_result="failed", next_due_on=None)
    assert services.reminders_record(today=today()) == 2
    assert services.reminders_record(today=today()) == 0  # a re-run records nothing
    assert set(Reminder.objects.values_list("instrument_id", "kind")) == {
        (soon.pk, ReminderKind.DUE_SOON),
        (late.pk, ReminderKind.OVERDUE),
    }
    # The day it runs out, the due-soon one becomes overdue, and the one 31 days out comes due soon: once each.
    later = soon.next_due_on + datetime.timedelta(days=1)
    assert services.reminders_record(today=later) == 2
    assert services.reminders_record(today=later) == 0


@override_settings(METROLOGY_DUE_SOON_DAYS=5)
def test_the_reminder_period_is_a_setting():
    InstrumentFactory(next_due_on=today() + datetime.timedelta(days=10))
    assert services.reminders_record(today=today()) == 0


def test_the_task_records_the_reminders():
    from metrology.tasks import record_verification_reminders_task

    InstrumentFactory(next_due_on=today() - datetime.timedelta(days=1))
    assert record_verification_reminders_task.apply().get() == 1


def test_due_lists_and_counts_by_district_and_category(staff, client):
    district_instruments = [
        InstrumentFactory(next_due_on=today() + datetime.timedelta(days=5)),
        InstrumentFactory(next_due_on=today() - datetime.timedelta(days=5)),
    ]
    rows = selectors.due_by_district_and_category(today=today())
    assert {(row["district_id"], row["due_soon"], row["overdue"]) for row in rows} == {
        (district_instruments[0].district_id, 1, 0),
        (district_instruments[1].district_id, 0, 1),
    }
    signed_in(client, staff)
    page = client.get(reverse("metrology:instruments"), {"due": "overdue"})
    assert page.status_code == 200
    assert [row.serial for row in page.context["page"]] == [district_instruments[1].serial]
    assert 'data-testid="not-for-trade"' in page.content.decode()
    assert client.get(reverse("metrology:due")).status_code == 200


def test_the_inbox_reminds_the_owner_and_the_section(enterprise, staff, actors):
    owner = enterprise_user(enterprise)
    InstrumentFactory(enterprise=enterprise, next_due_on=today() + datetime.timedelta(days=5))
    InstrumentFactory(enterprise=enterprise, next_due_on=today() - datetime.timedelta(days=5))
    InstrumentFactory(next_due_on=today() - datetime.timedelta(days=5))
    file_one(owner)
    owner_items = {item.kind: item.count for item in inbox_for(owner)}
    assert owner_items["metrology.own_due_soon"] == 1 and owner_items["metrology.own_overdue"] == 1
    staff_items = {item.kind: item.count for item in inbox_for(staff)}
    assert staff_items["metrology.overdue"] == 2 and staff_items["metrology.filings_to_accept"] == 1
    assert not [item for item in inbox_for(actors[Role.INSPECTOR]) if item.kind.startswith("metrology")]


# Rates


def test_the_verification_rate_by_category_and_district():
    fuel = InstrumentFactory()
    InstrumentFactory(enterprise=fuel.enterprise, district=fuel.district, next_due_on=today() - datetime.timedelta(1))
    InstrumentFactory(enterprise=fuel.enterprise, district=fuel.district, category=category("trade_scale"))
    InstrumentFactory(enterprise=fuel.enterprise, district=fuel.district, filing_status=FilingStatus.FILED)
    rows = selectors.verification_rates(today=today())
    assert [(row["category__name"], row["total"], row["valid"], row["rate"]) for row in rows] == [
        (category("fuel_dispenser").name, 2, 1, 50.0),
        (category("trade_scale").name, 1, 1, 100.0),
    ]
    assert (
        selectors.verification_rates(today=today(), by=("district",), category_code="fuel_dispenser")[0]["rate"] == 50
    )


# Access


def test_who_sees_which_instruments(actors, enterprise, other_enterprise, staff):
    own = InstrumentFactory(enterprise=enterprise)
    other = InstrumentFactory(enterprise=other_enterprise)
    stall = InstrumentFactory(enterprise=None)
    everything = {own.pk, other.pk, stall.pk}
    visible = {
        name: set(Instrument.objects.visible_to(user).values_list("pk", flat=True))
        for name, user in {**{role: user for role, user in actors.items()}, "staff": staff}.items()
    }
    assert visible["staff"] == everything
    assert visible[Role.LEADER] == everything and visible[Role.SUPERVISOR] == everything  # other supervisors read
    assert visible[Role.ENTERPRISE] == {own.pk}
    assert visible[Role.INSPECTOR] == set() and visible[Role.LAB_TECHNICIAN] == set() and visible[Role.EXPERT] == set()
    assert not actors[Role.SUPERVISOR].has_perm("metrology.manage")
    assert UserFactory(role=Role.INSPECTOR, section=Section.METROLOGY).has_perm("metrology.manage")


def test_pages_refuse_and_hide(client, actors, enterprise, other_enterprise):
    other = InstrumentFactory(enterprise=other_enterprise)
    own = InstrumentFactory(enterprise=enterprise)
    signed_in(client, actors[Role.ENTERPRISE])
    assert client.get(reverse("metrology:instrument", args=[other.pk])).status_code == 404
    assert client.get(reverse("metrology:instrument", args=[own.pk])).status_code == 200
    assert client.get(reverse("metrology:due")).status_code == 403
    assert client.post(reverse("metrology:instrument_accept", args=[own.pk])).status_code == 403
    assert client.get(reverse("metrology:verification_import")).status_code == 403
    signed_in(client, actors[Role.INSPECTOR])
    assert client.get(reverse("metrology:instruments")).status_code == 403
    client.logout()
    assert client.get(reverse("metrology:instruments")).status_code == 302  # log in first


def test_the_instrument_page_warns_it_must_not_be_used(client, staff):
    instrument = InstrumentFactory(next_due_on=today() - datetime.timedelta(days=1))
    signed_in(client, staff)
    with translation.override("en"):
        page = client.get(reverse("metrology:instrument", args=[instrument.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert b"not-for-trade" in page.content


def test_the_list_page_runs_a_bounded_number_of_queries(client, staff, django_assert_max_num_queries):
    for _ in range(30):
        InstrumentFactory()
    signed_in(client, staff)
    client.get(reverse("metrology:instruments"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("metrology:instruments")).status_code == 200


def test_staff_file_accept_verify_and_retire_through_the_pages(client, staff, enterprise):
    signed_in(client, staff)
    response = client.post(
        reverse("metrology:instrument_new"),
        {
            "category": category().pk,
            "location": "1号岛",
            "maker": "正星",
            "model_name": "Z1",
            "serial": "P1",
            "enterprise": enterprise.pk,
        },
    )
    instrument = Instrument.objects.get(serial="P1")
    assert response.status_code == 302 and instrument.filing_status == FilingStatus.ACCEPTED
    response = client.post(
        reverse("metrology:verification_new", args=[instrument.pk]),
        {
            "verified_on": today().isoformat(),
            "result": "passed",
            "certificate_number": "JD-77",
            "institution": "所",
        },
    )
    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.certificate_number == "JD-77"
    bad = client.post(reverse("metrology:instrument_new"), {"category": category().pk, "location": "x" * 300})
    assert bad.status_code == 200 and bad.context["form"].errors
    client.post(reverse("metrology:instrument_retire", args=[instrument.pk]), {"reason": "报废"})
    instrument.refresh_from_db()
    assert instrument.status == InstrumentStatus.RETIRED


# API


def test_the_api_files_lists_and_refuses(enterprise, other_enterprise, staff, actors):
    owner = token_api(actors[Role.ENTERPRISE])
    body = {
        "category": "fuel_dispenser",
        "location": "1号岛",
        "maker": "正星",
        "model_name": "Z",
        "serial": "N1",
        "enterprise": other_enterprise.pk,
    }
    created = owner.post(API, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["enterprise"] == enterprise.pk and created.json()["not_for_trade"] is True
    pk = created.json()["id"]
    assert owner.post(f"{API}{pk}/accept/").status_code == 403
    other = InstrumentFactory(enterprise=other_enterprise)
    assert owner.get(f"{API}{other.pk}/").status_code == 404
    assert [row["id"] for row in owner.get(API).json()["results"]] == [pk]
    section = token_api(staff)
    assert section.post(f"{API}{pk}/accept/").status_code == 200
    verified = section.post(
        f"{API}{pk}/verify/",
        {"verified_on": today().isoformat(), "result": "passed", "certificate_number": "JD9", "institution": "所"},
        format="json",
    )
    assert verified.status_code == 201
    detail = section.get(f"{API}{pk}/").json()
    assert detail["not_for_trade"] is False and detail["due_state"] == "valid"
    assert token_api(actors[Role.INSPECTOR]).get(API).status_code == 403
    assert token_api(actors[Role.SUPERVISOR]).get(API).status_code == 200
    assert (
        token_api(actors[Role.SUPERVISOR]).post(f"{API}{pk}/retire/", {"reason": "x"}, format="json").status_code == 403
    )


@pytest.mark.parametrize(
    "field, value",
    [("location", "\ud800"), ("location", "x" * 100_000), ("category", "no-such"), ("serial", "")],
)
def test_bad_api_input_is_a_400(actors, field, value):
    body = {"category": "fuel_dispenser", "location": "1号岛", "maker": "正星", "model_name": "Z", "serial": "N1"}
    body[field] = value
    client = token_api(actors[Role.ENTERPRISE])
    response = client.post(API, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content


def test_bad_verification_input_is_a_400(staff):
    instrument = InstrumentFactory()
    client = token_api(staff)
    for body in (
        {"verified_on": "nope", "result": "passed", "certificate_number": "1", "institution": "所"},
        {"verified_on": today().isoformat(), "result": "maybe", "certificate_number": "1", "institution": "所"},
        {
            "verified_on": (today() + datetime.timedelta(days=2)).isoformat(),
            "result": "passed",
            "certificate_number": "1",
            "institution": "所",
        },
        {"verified_on": today().isoformat(), "result": "passed", "certificate_number": "1" * 100, "institution": "所"},
    ):
        assert client.post(f"{API}{instrument.pk}/verify/", body, format="json").status_code == 400, body


def test_the_api_list_runs_a_bounded_number_of_queries(staff, django_assert_max_num_queries):
    for _ in range(25):
        InstrumentFactory()
    client = token_api(staff)
    with django_assert_max_num_queries(8):
        assert client.get(API, {"page_size": 100}).status_code == 200


# The public status page


def test_the_public_checks_a_certificate(client):
    valid = InstrumentFactory(certificate_number="JD2026-001")
    InstrumentFactory(certificate_number="JD2025-999", next_due_on=today() - datetime.timedelta(days=2))
    page = client.get(reverse("metrology:public_certificate", args=["JD2026-001"]))
    assert page.status_code == 200 and b"public-valid" in page.content and valid.serial.encode() in page.content
    page = client.get(reverse("metrology:public_certificate", args=["JD2025-999"]))
    assert b"public-not-for-trade" in page.content
    assert client.get(reverse("metrology:public_certificate", args=["NOPE"])).status_code == 404
    assert client.get(reverse("metrology:public_status"), {"number": "JD2026-001"}).status_code == 302
    api = client.get("/api/v1/metrology/status/JD2026-001/")
    assert api.status_code == 200 and api.json()["not_for_trade"] is False
    assert client.get("/api/v1/metrology/status/NOPE/").status_code == 404


def test_a_filing_not_accepted_is_not_public(owner):
    instrument = file_one(owner)
    Instrument.objects.filter(pk=instrument.pk).update(certificate_number="PENDING1")
    assert selectors.instrument_by_certificate("PENDING1") is None


def test_an_enterprise_of_its_own_sees_no_other_owners_verification_counts(enterprise, other_enterprise):
    InstrumentFactory(enterprise=other_enterprise, next_due_on=today() - datetime.timedelta(days=3))
    owner = enterprise_user(enterprise)
    assert not [item for item in inbox_for(owner) if item.kind == "metrology.own_overdue"]
    assert EnterpriseFactory()  # the factory works alongside
    assert VerificationResult.PASSED == "passed"
