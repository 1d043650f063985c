"""Field sampling that works offline: photos sent ahead and attached by key, the record filed once under the
phone's idempotency key (a resend files nothing new), conflicts answered 409 with the reason, signatures bound to
the record's SHA-256, the refusal's evidence, and the printed sampling record and seal labels."""

import base64
import hashlib
import io
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image, ImageDraw

from accounts.roles import Role
from inspections import signatures as signing
from inspections.choices import CustodyKind, TaskStatus
from inspections.models import CustodyEvent, LabTest, RetainedSample, SamplingRecord, SamplingUpload
from inspections.services import sampling
from tests.clients import signed_in, token_api
from tests.factories import UserFactory
from tests.spotcheck import PNG, SpotCheck, photo

pytestmark = pytest.mark.django_db
API = "/api/v1"


def signature_png(text: str = "王") -> str:
    image = Image.new("RGB", (300, 120), "white")
    ImageDraw.Draw(image).line([(10, 100), (150, 20), (290, 90)], fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


SIGNATURE = signature_png()


def signatures(roles=("enterprise", "inspector_1", "inspector_2")) -> list[dict]:
    names = {"enterprise": "王质检", "inspector_1": "李检查", "inspector_2": "赵检查"}
    return [{"role": role, "signer_name": names[role], "image": SIGNATURE} for role in roles]


def body(**changes) -> dict:
    values = {
        "client_key": str(uuid.uuid4()),
        "product_name": "东北大米",
        "batch_number": "20261101",
        "production_date": "2026-11-01",
        "quantity": "4 袋：2 袋检验，2 袋备样",
        "sampling_place": "成品仓库",
        "seal_numbers": "FY-0001, FY-0002, FY-0003",
        "enterprise_signatory": "王质检",
        "inspector_signatories": "李检查、赵检查",
        "photo_keys": [],
        "signatures": signatures(),
    }
    return {**values, **changes}


@pytest.fixture
def spot(actors):
    spot = SpotCheck(actors)
    spot.start()
    return spot


def upload(api, task, key=None, content=PNG, name="seal.png"):
    key = key or uuid.uuid4()
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, content, content_type="image/png")
    return api.post(f"{API}/sampling-uploads/", {"task": task.pk, "key": str(key), "file": file}, format="multipart")


def test_photos_go_first_and_the_record_arrives_once_whatever_the_resends(spot):
    task = spot.task_at()
    api = token_api(spot.inspector_of(task))
    key = uuid.uuid4()
    first = upload(api, task, key)
    assert first.status_code == 201, first.json()
    again = upload(api, task, key)  # the answer was lost: the phone sends the photo again
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert SamplingUpload.objects.count() == 1

    payload = body(photo_keys=[str(key)])
    filed = api.post(f"{API}/tasks/{task.pk}/sampling/", payload, format="json")
    assert filed.status_code == 201, filed.json()
    resend = api.post(f"{API}/tasks/{task.pk}/sampling/", payload, format="json")
    assert resend.status_code == 200 and resend.json()["id"] == filed.json()["id"]
    assert SamplingRecord.objects.filter(task=task).count() == 1
    assert LabTest.objects.filter(task=task).count() == 1
    record = SamplingRecord.objects.get(task=task)
    assert str(record.client_key) == payload["client_key"]
    assert [p.sha256 for p in record.photos.all()] == [hashlib.sha256(PNG).hexdigest()]
    assert SamplingUpload.objects.get().record == record
    task.refresh_from_db()
    assert task.status == TaskStatus.SAMPLED
    # Sealed on site, one event per seal; the retained half has its row.
    lab_test = LabTest.objects.get(task=task)
    assert sorted(lab_test.custody_events.values_list("seal_number", flat=True)) == ["FY-0001", "FY-0002", "FY-0003"]
    assert set(lab_test.custody_events.values_list("kind", flat=True)) == {CustodyKind.SEALED}
    assert RetainedSample.objects.filter(task=task).exists()


def test_signatures_are_stored_with_their_time_and_the_digest_of_the_record(spot):
    task = spot.task_at()
    api = token_api(spot.inspector_of(task))
    filed = api.post(
        f"{API}/tasks/{task.pk}/sampling/", body(photo_keys=[upload(api, task).json()["key"]]), format="json"
    )
    assert filed.status_code == 201, filed.json()
    record = SamplingRecord.objects.get(task=task)
    digest = hashlib.sha256(signing.canonical_json(signing.record_fields(record))).hexdigest()
    stored = list(record.signatures.order_by("role"))
    assert [s.role for s in stored] == ["enterprise", "inspector_1", "inspector_2"]
    raw = base64.b64decode(SIGNATURE.split(",", 1)[1])
    for signature in stored:
        assert signature.record_sha256 == digest == signing.record_digest(record)
        assert signature.image_sha256 == hashlib.sha256(raw).hexdigest()
        assert signature.image.read() == raw and signature.signed_at is not None
    assert {row["record_sha256"] for row in filed.json()["signatures"]} == {digest}
    # The canonical form: sorted keys, no spaces, the task and the outcome in it.
    canonical = json.loads(signing.canonical_json(signing.record_fields(record)))
    assert canonical["task"] == task.pk and canonical["outcome"] == "sampled"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"signatures": signatures(("enterprise", "inspector_1"))}, "signatures"),
        ({"signatures": [{"role": "enterprise", "image": "data:image/png;base64,AAAA"}]}, "signatures"),
        ({"signatures": [{"role": "enterprise", "image": "\ud800"}]}, "signatures"),
        ({"signatures": [{"role": "nobody", "image": SIGNATURE}]}, "signatures"),
        ({"batch_number": ""}, "batch_number"),
        ({"batch_number": "x" * 100_000}, "batch_number"),
        ({"product_name": "\ud800"}, "product_name"),
        ({"photo_keys": [str(uuid.uuid4())]}, "photo_keys"),
        ({"photo_keys": ["not-a-key"]}, "photo_keys"),
        ({"client_key": "nope"}, "client_key"),
    ],
)
def test_bad_input_is_a_field_error_and_the_phone_keeps_its_copy(spot, change, field):
    task = spot.task_at()
    api = token_api(spot.inspector_of(task))
    key = upload(api, task).json()["key"]
    payload = body(photo_keys=[key], **change) if "photo_keys" not in change else body(**change)
    response = api.post(
        f"{API}/tasks/{task.pk}/sampling/",
        data=json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not SamplingRecord.objects.filter(task=task).exists()


def test_a_signature_longer_than_free_text_is_taken_and_a_huge_one_refused(spot):
    task = spot.task_at()
    api = token_api(spot.inspector_of(task))
    noisy = Image.effect_noise((200, 120), 80).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG")
    big = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    assert 10_000 < len(big) < 700_000
    huge = "data:image/png;base64," + "A" * 800_000
    payload = body(photo_keys=[upload(api, task).json()["key"]])
    refused = api.post(
        f"{API}/tasks/{task.pk}/sampling/",
        {**payload, "signatures": [{**payload["signatures"][0], "image": huge}, *payload["signatures"][1:]]},
        "json",
    )
    assert refused.status_code == 400 and "signatures" in refused.json()["error"]["fields"]
    payload["signatures"][0]["image"] = big
    assert api.post(f"{API}/tasks/{task.pk}/sampling/", payload, "json").status_code == 201


def test_an_empty_signature_is_refused():
    blank = io.BytesIO()
    Image.new("RGB", (50, 20), "white").save(blank, format="PNG")
    data = "data:image/png;base64," + base64.b64encode(blank.getvalue()).decode()
    with pytest.raises(ValidationError):
        signing.png_from_data_url(data, field="image")


def test_a_task_cancelled_meanwhile_answers_409_with_the_reason(spot):
    task = spot.task_at()
    api = token_api(spot.inspector_of(task))
    key = upload(api, task).json()["key"]
    task.status = TaskStatus.CANCELLED
    task.cancel_reason = "重新抽取：原抽样人员回避"
    task.save()
    with translation.override("en"):
        response = api.post(f"{API}/tasks/{task.pk}/sampling/", body(photo_keys=[key]), format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "task_cancelled" and "原抽样人员回避" in error["message"]
    assert not SamplingRecord.objects.exists()
    # A photo for a task no longer open is refused too (409).
    assert upload(api, task).status_code == 409


def test_another_record_filed_meanwhile_answers_409(spot):
    task = spot.task_at()
    first, second = task.inspectors.order_by("pk")[:2]
    keys = [upload(token_api(first), task).json()["key"], upload(token_api(second), task).json()["key"]]
    filed = token_api(first).post(f"{API}/tasks/{task.pk}/sampling/", body(photo_keys=keys[:1]), "json")
    assert filed.status_code == 201
    other = token_api(second).post(f"{API}/tasks/{task.pk}/sampling/", body(photo_keys=keys[1:]), "json")
    assert other.status_code == 409 and other.json()["error"]["code"] == "already_filed"
    # The same key on another task is a conflict, never a second record.
    other_task = spot.task_at(spot.pool[1])
    payload = body(client_key=str(SamplingRecord.objects.get().client_key))
    reused = token_api(other_task.inspectors.first()).post(f"{API}/tasks/{other_task.pk}/sampling/", payload, "json")
    assert reused.status_code in (403, 404, 409)
    assert SamplingRecord.objects.count() == 1


def test_who_may_send_photos_and_records(spot, actors):
    task = spot.task_at()
    outsider = UserFactory(role=Role.INSPECTOR)
    assert upload(token_api(outsider), task).status_code == 400  # not a task of theirs: "no task of yours"
    assert upload(token_api(actors[Role.ENTERPRISE]), task).status_code == 403
    assert upload(token_api(actors[Role.SUPERVISOR]), task).status_code == 403
    response = token_api(outsider).post(f"{API}/tasks/{task.pk}/sampling/", body(), "json")
    assert response.status_code == 404
    response = token_api(actors[Role.ENTERPRISE]).post(f"{API}/tasks/{task.pk}/sampling/", body(), "json")
    assert response.status_code in (403, 404)
    # A photo that is not a photo, and a key used for another task.
    api = token_api(spot.inspector_of(task))
    assert upload(api, task, content=b"<script>", name="x.png").status_code == 400
    other_task = spot.task_at(spot.pool[1])
    key = uuid.uuid4()
    assert upload(token_api(spot.inspector_of(other_task)), other_task, key).status_code == 201
    if spot.inspector_of(other_task) != spot.inspector_of(task):
        assert upload(api, task, key).status_code == 400


def test_a_refusal_needs_confirmation_and_evidence(spot):
    task = spot.task_at()
    inspector = spot.inspector_of(task)
    with pytest.raises(ValidationError) as excinfo:
        sampling.sampling_file(
            actor=inspector,
            task=task,
            values={"inspector_signatories": "李检查、赵检查"},
            photos=[],
            refused=True,
            refusal_reason="拒绝",
        )
    assert "refusal_witness" in excinfo.value.message_dict
    api = token_api(inspector)
    refused = api.post(
        f"{API}/tasks/{task.pk}/sampling/",
        {
            "client_key": str(uuid.uuid4()),
            "refused": True,
            "refusal_reason": "企业负责人拒绝抽样",
            "photo_keys": [upload(api, task).json()["key"]],
            "inspector_signatories": "李检查、赵检查",
            "signatures": signatures(("inspector_1", "inspector_2")),
        },
        "json",
    )
    assert refused.status_code == 201, refused.json()
    task.refresh_from_db()
    assert task.status == TaskStatus.FINAL and not CustodyEvent.objects.exists()


def test_the_page_keeps_photos_across_a_validation_error_and_asks_to_confirm_a_refusal(spot, client):
    task = spot.task_at()
    signed_in(client, spot.inspector_of(task))
    url = f"/tasks/{task.pk}/sampling/"
    page = client.get(url)
    assert page.status_code == 200 and b"data-sampling-form" in page.content
    client_key = str(uuid.uuid4())
    data = {**{k: v for k, v in body().items() if k not in ("photo_keys", "signatures")}, "outcome": "sampled"}
    data.update(client_key=client_key, batch_number="", photos=[photo()])
    first = client.post(url, data)
    assert first.status_code == 200 and not SamplingRecord.objects.exists()
    keys = first.context["form"].data["photo_keys"]
    assert len(keys.split(",")) == 1 and SamplingUpload.objects.count() == 1  # the photo is kept, by reference
    assert "batch_number" in first.context["form"].errors
    data.update(batch_number="20261101", photo_keys=keys, photos=[])
    for role in ("enterprise", "inspector_1", "inspector_2"):
        data[f"signature_{role}"] = SIGNATURE
    second = client.post(url, data)
    assert second.status_code == 302, second.context["form"].errors
    record = SamplingRecord.objects.get(task=task)
    assert record.photos.count() == 1 and record.signatures.count() == 3
    # A refusal on the page: the confirmation box first.
    other = spot.task_at(spot.pool[1])
    signed_in(client, spot.inspector_of(other))
    refusal = {
        "outcome": "refused",
        "client_key": str(uuid.uuid4()),
        "refusal_reason": "拒绝",
        "refusal_witness": "周见证",
        "inspector_signatories": "李检查、赵检查",
        "signature_inspector_1": SIGNATURE,
        "signature_inspector_2": SIGNATURE,
    }
    unconfirmed = client.post(f"/tasks/{other.pk}/sampling/", refusal)
    assert unconfirmed.status_code == 200 and "confirm_refusal" in unconfirmed.context["form"].errors
    confirmed = client.post(f"/tasks/{other.pk}/sampling/", {**refusal, "confirm_refusal": "on"})
    assert confirmed.status_code == 302


def test_the_page_shows_a_conflict(spot, client):
    task = spot.task_at()
    signed_in(client, spot.inspector_of(task))
    task.status = TaskStatus.CANCELLED
    task.cancel_reason = "重新抽取"
    task.save()
    data = {**{k: v for k, v in body().items() if k not in ("photo_keys", "signatures")}, "outcome": "sampled"}
    response = client.post(f"/tasks/{task.pk}/sampling/", {**data, "photos": [photo()]})
    assert response.status_code == 409 and "重新抽取" in response.content.decode()


def test_the_sampling_record_and_seal_labels_print_with_qr_codes(spot, client, actors):
    task = spot.task_at()
    api = token_api(spot.inspector_of(task))
    api.post(f"{API}/tasks/{task.pk}/sampling/", body(photo_keys=[upload(api, task).json()["key"]]), "json")
    for who in (spot.inspector_of(task), actors[Role.SUPERVISOR]):
        signed_in(client, who)
        record = client.get(f"/tasks/{task.pk}/sampling-record.pdf")
        labels = client.get(f"/tasks/{task.pk}/seal-labels.pdf")
        assert record.status_code == labels.status_code == 200
        assert record.content.startswith(b"%PDF") and labels.content.startswith(b"%PDF")
    via_api = api.get(f"{API}/tasks/{task.pk}/seal-labels/")
    assert via_api.status_code == 200 and via_api.content.startswith(b"%PDF")
    assert api.get(f"{API}/tasks/{task.pk}/sampling-record/").content.startswith(b"%PDF")
    signed_in(client, actors[Role.ENTERPRISE])
    assert client.get(f"/tasks/{task.pk}/sampling-record.pdf").status_code == 404
    signed_in(client, UserFactory(role=Role.INSPECTOR))
    assert client.get(f"/tasks/{task.pk}/seal-labels.pdf").status_code == 404
    # Not yet sampled: nothing to print.
    other = spot.task_at(spot.pool[1])
    signed_in(client, spot.inspector_of(other))
    assert client.get(f"/tasks/{other.pk}/sampling-record.pdf").status_code == 404
