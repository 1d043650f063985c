"""The sealed sample's chain of custody: each scan records who, when and where; the laboratory enters no findings
before the receipt, a broken seal blocks testing and tells the supervisors; the trail on the result (names for
staff only); the retained sample's storage and disposal."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.roles import Role
from core.events import DomainEvent
from core.inbox import inbox_for
from inspections import custody
from inspections.choices import CustodyKind, LabTestStatus, TaskStatus
from inspections.models import CustodyEvent, LabTest, RetainedSample
from inspections.services import testing
from tests.clients import signed_in, token_api
from tests.factories import UserFactory
from tests.spotcheck import PNG, SpotCheck, photo

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def spot(actors):
    spot = SpotCheck(actors)
    spot.start()
    return spot


@pytest.fixture
def sample(spot) -> LabTest:
    task = spot.task_at()
    spot.sample(task)
    return LabTest.objects.get(task=task)


def findings(spot) -> dict:
    return {spot.cadmium.pk: {"value": Decimal("0.1")}, spot.labelling.pk: {"conforms": True}}


def test_the_qr_content_names_the_blind_code_and_the_seal_never_the_enterprise(sample):
    code = custody.qr_content(sample, "FY-0001")
    assert code == f"QSS:{sample.blind_code}:FY-0001"
    assert custody.parse_qr(code) == (sample.blind_code, "FY-0001")
    assert custody.parse_qr(sample.blind_code.lower()) == (sample.blind_code, "")
    for bad in ("", "QSS:nope:1", "a:b", "x" * 300, "QSS:" + sample.blind_code + ":" + "s" * 65):
        with pytest.raises(ValidationError):
            custody.parse_qr(bad)
    assert sample.task.enterprise.name not in code


def test_no_findings_before_the_receipt_then_the_receipt_unlocks_testing(spot, sample):
    with translation.override("en"), pytest.raises(ValidationError, match="receipt"):
        testing.lab_test_save_results(actor=spot.technician, lab_test=sample, findings=findings(spot), submit=True)
    assert not sample.item_results.exists()
    api = token_api(spot.technician)
    key = str(uuid.uuid4())
    scan = {
        "code": custody.qr_content(sample, "FY-0001"),
        "kind": "received",
        "seal_intact": True,
        "place": "检验中心收样室",
        "latitude": "28.228209",
        "longitude": "112.938814",
        "key": key,
    }
    received = api.post(f"{API}/custody/", scan, format="json")
    assert received.status_code == 201, received.json()
    again = api.post(f"{API}/custody/", scan, format="json")  # the scanner's answer was lost: sent again
    assert again.status_code == 200 and again.json()["id"] == received.json()["id"]
    event = CustodyEvent.objects.get(kind=CustodyKind.RECEIVED)
    assert (event.actor, event.seal_number, event.latitude) == (spot.technician, "FY-0001", Decimal("28.228209"))
    assert event.at is not None and event.place == "检验中心收样室"
    tested = testing.lab_test_save_results(actor=spot.technician, lab_test=sample, findings=findings(spot), submit=True)
    assert tested.status == LabTestStatus.SUBMITTED
    # A second receipt of the same sample is refused.
    assert api.post(f"{API}/custody/", {**scan, "key": str(uuid.uuid4())}, format="json").status_code == 400


def test_a_broken_seal_blocks_testing_and_tells_the_supervisors(spot, sample, actors, client):
    api = token_api(spot.technician)
    scan = {"code": custody.qr_content(sample, "FY-0002"), "kind": "received", "seal_intact": False}
    no_photo = api.post(f"{API}/custody/", scan, format="json")
    assert no_photo.status_code == 400 and "photo" in no_photo.json()["error"]["fields"]
    broken = api.post(
        f"{API}/custody/", {**scan, "seal_intact": "false", "photo": photo("seal.png")}, format="multipart"
    )
    assert broken.status_code == 201, broken.json()
    event = CustodyEvent.objects.get(kind=CustodyKind.RECEIVED)
    assert event.seal_intact is False and event.photo_sha256 and event.photo.read() == PNG
    with translation.override("en"), pytest.raises(ValidationError, match="broken seal"):
        testing.lab_test_save_results(actor=spot.technician, lab_test=sample, findings=findings(spot), submit=False)
    assert DomainEvent.objects.filter(kind=custody.SEAL_BROKEN, payload__lab_test=sample.pk).exists()
    items = {item.kind: item for item in inbox_for(actors[Role.SUPERVISOR])}
    assert items["inspections.broken_seals"].count == 1 and items["inspections.broken_seals"].urgent
    assert "inspections.broken_seals" not in {item.kind for item in inbox_for(spot.technician)}
    client = signed_in(client, actors[Role.SUPERVISOR])
    page = client.get("/custody/broken-seals/")
    assert page.status_code == 200 and sample.blind_code in page.content.decode()
    signed_in(client, spot.technician)
    assert client.get("/custody/broken-seals/").status_code == 403


def test_who_may_scan_what(spot, sample, actors):
    code = custody.qr_content(sample, "FY-0001")
    inspector = spot.inspector_of(sample.task)
    # The lab's technician receives; an inspector of the task hands over; nobody else sees the sample at all.
    assert (
        token_api(inspector)
        .post(f"{API}/custody/", {"code": code, "kind": "dispatched", "place": "快递 顺丰"}, format="json")
        .status_code
        == 201
    )
    assert (
        token_api(inspector)
        .post(f"{API}/custody/", {"code": code, "kind": "received", "seal_intact": True}, format="json")
        .status_code
        == 404
    )
    assert (
        token_api(spot.retest_technician)
        .post(f"{API}/custody/", {"code": code, "kind": "received", "seal_intact": True}, format="json")
        .status_code
        == 404
    )
    assert (
        token_api(UserFactory(role=Role.INSPECTOR))
        .post(f"{API}/custody/", {"code": code, "kind": "dispatched"}, format="json")
        .status_code
        == 404
    )
    assert (
        token_api(actors[Role.ENTERPRISE])
        .post(f"{API}/custody/", {"code": code, "kind": "dispatched"}, format="json")
        .status_code
        == 403
    )
    # A sample is sealed only by filing its record; bad input is a field error, never a 500.
    api = token_api(spot.technician)
    for body, field in [
        ({"code": code, "kind": "sealed"}, "kind"),
        ({"code": code, "kind": "received"}, "seal_intact"),
        ({"code": "\ud800", "kind": "received", "seal_intact": True}, "code"),
        ({"code": "x" * 100_000, "kind": "received", "seal_intact": True}, "code"),
        ({"code": code, "kind": "received", "seal_intact": True, "latitude": "91"}, "latitude"),
        ({"code": code, "kind": "received", "seal_intact": True, "place": "\ud800"}, "place"),
        ({"code": code, "kind": "retained_stored"}, "place"),
    ]:
        response = api.post(f"{API}/custody/", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["error"]["fields"], (field, response.json())
    assert not CustodyEvent.objects.filter(kind=CustodyKind.RECEIVED).exists()


def test_the_trail_shows_names_to_staff_and_not_to_the_enterprise(spot, sample, actors, client):
    spot.receive(sample)
    spot.test_result(sample, cadmium="0.1")
    notified = spot.notify(sample)
    staff = token_api(actors[Role.SUPERVISOR]).get(f"{API}/custody/", {"result": notified.pk})
    assert staff.status_code == 200
    kinds = [row["kind"] for row in staff.json()]
    assert kinds[-1] == "received" and kinds.count("sealed") == 2
    assert all(row["by"] for row in staff.json())
    company = token_api(spot.enterprise_user).get(f"{API}/custody/", {"result": notified.pk})
    assert company.status_code == 200 and [row["kind"] for row in company.json()] == kinds
    assert not any(row["by"] for row in company.json())
    assert token_api(actors[Role.ENTERPRISE]).get(f"{API}/custody/", {"result": "x"}).status_code == 400
    # The laboratory works blind: no place from the field (the sampling place may be the enterprise's address).
    lab = token_api(spot.technician).get(f"{API}/custody/", {"result": notified.pk}).json()
    assert [row["place"] for row in lab if row["kind"] == "sealed"] == ["", ""]
    assert all(row["place"] for row in staff.json() if row["kind"] == "sealed")
    outsider = token_api(UserFactory(role=Role.ENTERPRISE, enterprise=spot.pool[1]))
    assert outsider.get(f"{API}/custody/", {"result": notified.pk}).status_code == 404
    assert token_api(actors[Role.INSPECTOR]).get(f"{API}/custody/", {"result": notified.pk}).status_code == 403
    client = signed_in(client, spot.enterprise_user)
    page = client.get(f"/results/{notified.pk}/").content.decode()
    assert 'data-testid="custody-trail"' in page and spot.technician.get_full_name() not in page
    signed_in(client, actors[Role.SUPERVISOR])
    assert spot.technician.get_full_name() in client.get(f"/results/{notified.pk}/").content.decode()


def test_the_retained_sample_is_stored_and_disposed_of_after_the_result_is_final(spot, sample, actors, settings):
    settings.RETAINED_SAMPLE_HOLD_DAYS = 30
    retained = RetainedSample.objects.get(task=sample.task)
    scan = {"code": custody.qr_content(sample, "FY-0002"), "kind": "retained_stored", "place": "样品库 B-3 柜"}
    stored = token_api(spot.technician).post(f"{API}/custody/", scan, format="json")
    assert stored.status_code == 201
    retained.refresh_from_db()
    assert retained.storage_place == "样品库 B-3 柜" and retained.stored_at is not None
    supervisor = actors[Role.SUPERVISOR]
    api = token_api(supervisor)
    assert api.get(f"{API}/retained-samples/{retained.pk}/").json()["dispose_after"] is None
    early = api.post(f"{API}/retained-samples/{retained.pk}/dispose/", {"note": "销毁"}, format="json")
    assert early.status_code == 400  # not final yet
    spot.test_result(sample, cadmium="0.1")
    spot.notify(sample)
    sample.task.refresh_from_db()
    assert sample.task.status == TaskStatus.FINAL
    due = timezone.localdate(sample.task.finalised_at) + datetime.timedelta(days=30)
    assert api.get(f"{API}/retained-samples/{retained.pk}/").json()["dispose_after"] == due.isoformat()
    assert (
        api.post(f"{API}/retained-samples/{retained.pk}/dispose/", {"note": "销毁"}, format="json").status_code == 400
    )
    later = timezone.now() + datetime.timedelta(days=31)
    with pytest.raises(ValidationError):
        custody.retained_dispose(actor=supervisor, retained=retained, note="", now=later)
    with pytest.raises(Exception):  # noqa: B017  (PermissionDenied for the laboratory)
        custody.retained_dispose(actor=spot.technician, retained=retained, note="销毁", now=later)
    done = custody.retained_dispose(actor=supervisor, retained=retained, note="高温销毁", now=later)
    assert done.disposed_by == supervisor and done.disposal_note == "高温销毁"
    with pytest.raises(ValidationError):
        custody.retained_dispose(actor=supervisor, retained=retained, note="再次", now=later)
    # Who reads the retained samples: staff and the sample's laboratory, not the enterprise, nor another lab.
    assert token_api(spot.technician).get(f"{API}/retained-samples/").json()["count"] == 1
    assert token_api(spot.retest_technician).get(f"{API}/retained-samples/").json()["count"] == 0
    assert token_api(actors[Role.ENTERPRISE]).get(f"{API}/retained-samples/").status_code == 403
    bad = api.post(f"{API}/retained-samples/{retained.pk}/store/", {"storage_place": "x" * 100_000}, format="json")
    assert bad.status_code == 400


def test_the_scan_page_records_a_receipt(spot, sample, client):
    signed_in(client, spot.technician)
    page = client.get("/custody/scan/")
    assert page.status_code == 200 and b"data-scan-form" in page.content
    response = client.post(
        "/custody/scan/",
        {"code": custody.qr_content(sample, "FY-0001"), "kind": "received", "seal_intact": "true"},
    )
    assert response.status_code == 302
    assert CustodyEvent.objects.filter(kind=CustodyKind.RECEIVED, seal_intact=True).count() == 1
    unknown = client.post("/custody/scan/", {"code": "QSS:AAAAA-BBBBB:1", "kind": "received", "seal_intact": "true"})
    assert unknown.status_code == 200 and "code" in unknown.context["form"].errors


def test_custody_lists_run_a_bounded_number_of_queries(spot, actors, django_assert_max_num_queries):
    tasks = [spot.task_at(enterprise) for enterprise in spot.pool]
    for task in tasks:
        spot.sample(task)
    supervisor = token_api(actors[Role.SUPERVISOR])
    supervisor.get(f"{API}/retained-samples/")
    with django_assert_max_num_queries(8):
        response = supervisor.get(f"{API}/retained-samples/")
    assert response.json()["count"] == len(tasks)
    lab_test = LabTest.objects.filter(task=tasks[0]).get()
    with django_assert_max_num_queries(8):
        assert len(supervisor.get(f"{API}/custody/", {"result": lab_test.pk}).json()) == 2
