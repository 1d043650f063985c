"""Honours are conferred by another body (issue 15, "Awards and wording"): the bureau organises the evaluation and,
after the public notice, a leader submits the proposed winners to the conferring body (the city government for
the quality award, the promotion committee for famous brands: a setting per kind); a leader then records the
body's decision with its name, document number (文号) and date, or its decision not to confer with the reason. The
honour is valid from the decision date, and its certificate, page and public listing name the conferring body."""

import datetime
import json
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from brands import services
from brands.certificate import certificate_context
from brands.choices import ApplicationStatus, ProgrammeKind, ProgrammeStatus
from brands.models import Conferral, Honour
from credit.models import CreditGrade
from tests.brands_flow import Call
from tests.clients import signed_in, token_api
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTICE_ON = datetime.date(2026, 9, 1)  # its notice ends in September: the submission may follow
SUBMITTED_ON = datetime.date(2026, 9, 21)
DECIDED_ON = datetime.date(2026, 10, 9)
DOCUMENT = "岳政发〔2026〕12号"


def api(user) -> APIClient:
    client = token_api(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


def in_notice(kind=ProgrammeKind.QUALITY_AWARD, winners: int = 2) -> Call:
    """A call whose notice of `winners` proposed winners was published on NOTICE_ON."""
    call = Call(kind=kind, award_count=winners, reviewers=1, min_reviewers=1, stages=["paper", "committee"])
    applications = []
    for _n in range(winners):
        enterprise, user = call.applicant()
        product = ProductFactory(enterprise=enterprise) if kind == ProgrammeKind.FAMOUS_BRAND else None
        applications.append(call.apply(user, product=product))
    call.start_review()
    for application in applications:
        call.propose(application)
    call.publish(on=NOTICE_ON)
    return call


@pytest.fixture
def call() -> Call:
    return in_notice()


@pytest.fixture
def submitted(call) -> Call:
    call.submit(on=SUBMITTED_ON)
    return call


@contextmanager
def refused(field: str | None = None):
    """A ValidationError, naming `field` when given."""
    with pytest.raises(ValidationError) as caught:
        yield caught
    if field is not None:
        assert field in caught.value.error_dict, caught.value


# The submission.


def test_the_bureau_submits_to_the_city_government_and_nothing_is_awarded_yet(call):
    conferral = call.submit(on=SUBMITTED_ON)
    call.programme.refresh_from_db()
    assert call.programme.status == ProgrammeStatus.SUBMITTED
    assert conferral.conferring_body == "岳阳市人民政府" and conferral.awaiting
    assert conferral.submitted_on == SUBMITTED_ON and conferral.submitted_by == call.leader
    assert not Honour.objects.exists()
    assert set(call.programme.applications.values_list("status", flat=True)) == {ApplicationStatus.PROPOSED}
    with refused():  # once
        call.submit(on=SUBMITTED_ON)


def test_famous_brands_go_to_the_promotion_committee_and_the_bodies_are_settings(settings):
    assert (
        in_notice(ProgrammeKind.FAMOUS_BRAND, 1).submit(on=SUBMITTED_ON).conferring_body == "岳阳市名牌战略推进委员会"
    )
    settings.BRANDS_CONFERRING_BODY_AWARD = "临湘市人民政府"
    call = in_notice(winners=1)
    assert call.submit(on=SUBMITTED_ON).conferring_body == "临湘市人民政府"


def test_only_a_leader_submits_and_only_after_the_notice_with_objections_resolved(call):
    for role in (Role.SUPERVISOR, Role.INSPECTOR, Role.EXPERT, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.programme_submit(actor=UserFactory(role=role), programme=call.programme, today=SUBMITTED_ON)
    with refused():  # the notice still runs
        call.submit(on=call.notice.ends_on)
    objection = services.objection_file(
        actor=None,
        notice=call.notice,
        application=call.programme.applications.first(),
        values={"name": "王五", "phone": "13800000000", "text": "异议"},
        today=NOTICE_ON,
    )
    with refused():
        call.submit(on=SUBMITTED_ON)
    services.objection_resolve(actor=call.supervisor, objection=objection, upheld=False, note="与事实不符")
    assert call.submit(on=SUBMITTED_ON).awaiting


# The decision.


def test_the_leader_records_the_decision_and_the_validity_counts_from_its_date(submitted):
    call = submitted
    for role in (Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.conferral_record(
                actor=UserFactory(role=role), programme=call.programme, decided_on=DECIDED_ON, document_number=DOCUMENT
            )
    honours = call.decide(on=DECIDED_ON, document_number=DOCUMENT)
    assert len(honours) == 2
    for honour in honours:
        assert honour.awarded_on == DECIDED_ON and honour.valid_until == datetime.date(2031, 10, 8)
        assert (honour.conferring_body, honour.decision_number) == ("岳阳市人民政府", DOCUMENT)
        assert CreditGrade.objects.get(enterprise=honour.enterprise).indicator_values["brand_honour"] == 1
    conferral = Conferral.objects.get()
    assert conferral.conferred is True and conferral.document_number == DOCUMENT
    assert conferral.decided_on == DECIDED_ON and conferral.decided_by == call.leader
    call.programme.refresh_from_db()
    assert call.programme.status == ProgrammeStatus.DECIDED
    with refused():  # once
        call.decide(on=DECIDED_ON)


def test_the_decision_needs_its_document_number_and_a_date_neither_ahead_nor_before_the_submission(submitted):
    call = submitted
    with refused("document_number"):
        call.decide(on=DECIDED_ON, document_number=" ")
    with refused("decided_on"):
        services.conferral_record(
            actor=call.leader,
            programme=call.programme,
            decided_on=DECIDED_ON + datetime.timedelta(days=1),
            document_number=DOCUMENT,
            today=DECIDED_ON,
        )
    with refused("decided_on"):
        call.decide(on=SUBMITTED_ON - datetime.timedelta(days=1))
    assert not Honour.objects.exists() and Conferral.objects.get().awaiting


def test_no_decision_before_the_submission(call):
    with refused():
        call.decide(on=DECIDED_ON)
    assert not Honour.objects.exists()


def test_the_body_named_in_the_decision_is_kept(submitted):
    [first, _second] = submitted.decide(on=DECIDED_ON, conferring_body="岳阳市人民政府办公室")
    assert first.conferring_body == "岳阳市人民政府办公室" == Conferral.objects.get().conferring_body


def test_a_winner_not_conferred_closes_with_the_reason(submitted):
    call = submitted
    first, second = call.programme.applications.order_by("pk")
    with refused("reason"):
        call.decide(on=DECIDED_ON, not_conferred=[second])
    [honour] = call.decide(on=DECIDED_ON, not_conferred=[second], reason="市政府常务会议未予通过")
    second.refresh_from_db()
    assert honour.application == first and honour.certificate_number.endswith("-001")
    assert second.status == ApplicationStatus.NOT_CONFERRED and "市政府常务会议未予通过" in second.closed_note
    assert Conferral.objects.get().conferred is True


def test_a_decision_not_to_confer_is_recorded_with_its_reason_and_no_document_number(submitted):
    call = submitted
    winners = list(call.programme.applications.all())
    with refused("reason"):
        call.decide(on=DECIDED_ON, document_number="", not_conferred=winners)
    assert call.decide(on=DECIDED_ON, document_number="", not_conferred=winners, reason="本年度暂不授奖") == []
    conferral = Conferral.objects.get()
    assert conferral.conferred is False and conferral.decision_note == "本年度暂不授奖"
    assert set(call.programme.applications.values_list("status", flat=True)) == {ApplicationStatus.NOT_CONFERRED}
    call.programme.refresh_from_db()
    assert call.programme.status == ProgrammeStatus.DECIDED and not Honour.objects.exists()


def test_another_calls_application_cannot_be_named(submitted):
    other = in_notice(ProgrammeKind.FAMOUS_BRAND, 1)
    with refused("not_conferred"):
        submitted.decide(on=DECIDED_ON, not_conferred=list(other.programme.applications.all()), reason="x")


def test_an_enterprise_may_withdraw_while_the_decision_is_awaited(submitted):
    call = submitted
    application = call.programme.applications.order_by("pk").first()
    user = application.enterprise.users.get()
    services.application_withdraw(actor=user, application=application, reason="不再参评")
    assert len(call.decide(on=DECIDED_ON)) == 1


# The API, by role, and hostile input.


def test_the_api_submits_and_records_the_decision_by_a_leader_only(submitted, actors):
    call = submitted
    url = f"/api/v1/brands/programmes/{call.programme.pk}/decision/"
    body = {"decided_on": DECIDED_ON.isoformat(), "document_number": DOCUMENT}
    for role in (Role.SUPERVISOR, Role.INSPECTOR, Role.ENTERPRISE, Role.EXPERT, Role.ADMIN):
        assert api(actors[role]).post(url, body, format="json").status_code == 403, role
    assert APIClient().post(url, body, format="json").status_code in (401, 403)
    read = api(call.supervisor).get(f"/api/v1/brands/programmes/{call.programme.pk}/").json()
    assert read["status"] == ProgrammeStatus.SUBMITTED and read["conferral"]["conferred"] is None
    response = api(call.leader).post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert {row["decision_number"] for row in response.json()} == {DOCUMENT}
    read = api(call.supervisor).get(f"/api/v1/brands/programmes/{call.programme.pk}/").json()
    assert read["conferral"]["document_number"] == DOCUMENT and read["conferral"]["conferred"] is True


def test_the_api_refuses_a_submission_by_another_role(call, actors):
    url = f"/api/v1/brands/programmes/{call.programme.pk}/submit/"
    for role in (Role.SUPERVISOR, Role.ENTERPRISE, Role.EXPERT):
        assert api(actors[role]).post(url, {}, format="json").status_code == 403, role
    assert not Conferral.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("document_number", "岳政发\ud800号"),
        ("document_number", "号" * 100_000),
        ("conferring_body", "\ud800"),
        ("conferring_body", "府" * 100_000),
        ("reason", "\ud800"),
        ("reason", "由" * 100_000),
        ("decided_on", "2026-02-30"),
        ("not_conferred", ["x"]),
        ("not_conferred", [2**40]),
    ],
)
def test_hostile_decisions_are_field_errors(submitted, field, value):
    call = submitted
    body = {"decided_on": DECIDED_ON.isoformat(), "document_number": DOCUMENT, "reason": "理由", field: value}
    response = api(call.leader).post(
        f"/api/v1/brands/programmes/{call.programme.pk}/decision/",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert field in fields(response)
    assert not Honour.objects.exists()


def test_another_enterprises_application_is_a_field_error_in_the_api(submitted):
    other = in_notice(ProgrammeKind.FAMOUS_BRAND, 1)
    body = {
        "decided_on": DECIDED_ON.isoformat(),
        "document_number": DOCUMENT,
        "not_conferred": [other.programme.applications.get().pk],
        "reason": "x",
    }
    response = api(submitted.leader).post(
        f"/api/v1/brands/programmes/{submitted.programme.pk}/decision/", body, format="json"
    )
    assert "not_conferred" in fields(response)


def test_a_hostile_submission_note_is_a_field_error(call):
    for note in ("\ud800", "函" * 100_000):
        response = api(call.leader).post(
            f"/api/v1/brands/programmes/{call.programme.pk}/submit/",
            data=json.dumps({"note": note}),
            content_type="application/json",
        )
        assert "note" in fields(response)
    assert not Conferral.objects.exists()


# The pages, the certificate and the public listing.


def test_the_call_page_shows_the_awaiting_decision_and_refuses_other_roles(client, submitted):
    call = submitted
    url = call.programme.get_absolute_url()
    page = signed_in(client, call.supervisor).get(url)
    assert page.context["conferral"].awaiting and 'data-testid="awaiting-decision"' in page.content.decode()
    assert 'data-testid="decision-form"' not in page.content.decode()  # a leader records it
    assert client.post(url, {"action": "decide", "decided_on": DECIDED_ON.isoformat()}).status_code == 403
    client.force_login(call.leader)
    bad = client.post(url, {"action": "decide", "conferring_body": "岳阳市人民政府", "decided_on": "2999-01-01"})
    assert "decided_on" in bad.context["decide_form"].errors
    assert 'data-testid="decision-form"' in bad.content.decode()


def test_the_certificate_names_the_conferring_body_and_the_bureau_as_organiser(submitted):
    [honour, _second] = submitted.decide(on=DECIDED_ON)
    honour = Honour.objects.select_related("programme", "enterprise", "product").get(pk=honour.pk)
    context = certificate_context(honour, today=DECIDED_ON)
    assert context["conferring_body"] == "岳阳市人民政府" and context["decision_number"] == DOCUMENT
    html = render_to_string("brands/certificate.html", context)
    assert "由岳阳市人民政府以岳政发〔2026〕12号决定授予" in html
    assert '<div class="issuer" data-issuer>岳阳市人民政府<br>' in html
    assert "<dt>组织实施</dt><dd>岳阳市市场监督管理局</dd>" in html and "<dt>决定文号</dt>" in html


def test_a_legacy_certificate_without_document_number_still_names_the_body(submitted):
    [honour, _second] = submitted.decide(on=DECIDED_ON)
    Honour.objects.filter(pk=honour.pk).update(decision_number="")
    honour = Honour.objects.select_related("programme", "enterprise", "product").get(pk=honour.pk)
    html = render_to_string("brands/certificate.html", certificate_context(honour, today=DECIDED_ON))
    assert "由岳阳市人民政府决定授予" in html and "决定文号" not in html


def test_the_public_honours_page_and_api_show_the_body_and_document_number(client, submitted):
    submitted.decide(on=DECIDED_ON)
    page = client.get(reverse("portal:honours")).content.decode()
    assert page.count(DOCUMENT) == 2 and "岳阳市人民政府" in page
    rows = APIClient().get("/api/v1/brands/honours/").json()["results"]
    assert {(row["conferring_body"], row["decision_number"]) for row in rows} == {("岳阳市人民政府", DOCUMENT)}
    rows = APIClient().get("/api/v1/public/honours/").json()["results"]
    assert {(row["conferring_body"], row["decision_number"]) for row in rows} == {("岳阳市人民政府", DOCUMENT)}


def test_a_decision_with_every_winner_withdrawn_closes_the_call(submitted):
    for application in submitted.programme.applications.all():
        user = application.enterprise.users.get()
        services.application_withdraw(actor=user, application=application, reason="不再参评")
    assert submitted.decide(on=DECIDED_ON) == []
    conferral = Conferral.objects.get()
    assert conferral.conferred is False and conferral.decision_note
    submitted.programme.refresh_from_db()
    assert submitted.programme.status == ProgrammeStatus.DECIDED
