"""The complaints API: filing without an account (with photos, throttled), following by number (public fields only),
staff triage to a credit effect, who reads which complaint, the reward, nominations and their adoption, 400s with
field errors, bounded queries and the schema."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import RequestFactory
from PIL import Image
from rest_framework.test import APIClient

from accounts.roles import Role
from complaints import services
from complaints.api.views import FALLBACK_RATES
from complaints.choices import ComplaintKind, NominationStatus, Outcome
from complaints.models import Complaint, Nomination
from credit.models import CreditGrade
from inspections.choices import CampaignStatus
from tests.clients import token_api
from tests.factories import CampaignFactory, EnterpriseFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/complaints"


def api(user) -> APIClient:
    client = token_api(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def anonymous() -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def photo(name: str = "label.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def values(**changes) -> dict:
    return {
        "kind": ComplaintKind.COMPLAINT,
        "product_name": "电热水壶",
        "place": "岳阳楼区步行街某商店",
        "description": "使用一周后底座漏电",
        "contact_name": "李四",
        "contact_phone": "13800001111",
        "contact_address": "岳阳楼区洞庭路1号",
        "enterprise_name": "某电器商店",
        **changes,
    }


def filed(**changes) -> Complaint:
    return services.complaint_file(values=values(**changes))


def errors(response) -> dict:
    return response.json()["error"]["fields"]


# The public's side


def test_anyone_files_a_complaint_with_photos_and_gets_its_number():
    response = anonymous().post(
        f"{API}/public/",
        {**values(kind="tip", anonymous="true"), "photos": [photo("a.png"), photo("b.png")]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"tracking_number", "status", "received_at", "track_url", "reward_code"}
    assert body["reward_code"] is None  # none asked for
    complaint = Complaint.objects.get(tracking_number=body["tracking_number"])
    assert body["track_url"] == f"{API}/track/{complaint.tracking_number}/"
    assert complaint.anonymous and (complaint.contact_name, complaint.contact_phone) == ("", "")
    assert complaint.photos.count() == 2


def test_filing_as_json_keeps_the_contact():
    response = anonymous().post(f"{API}/public/", values(), format="json")
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert (complaint.contact_name, complaint.contact_phone) == ("李四", "13800001111")


def test_filing_answers_400_with_the_field_errors(settings):
    public = anonymous()
    missing = public.post(f"{API}/public/", {"kind": "complaint", "product_name": "", "place": "", "description": ""})
    assert missing.status_code == 400
    assert {"product_name", "place", "description", "contact_phone"} <= set(errors(missing))
    assert "kind" in errors(public.post(f"{API}/public/", values(kind="other"), format="json"))
    settings.UPLOAD_MAX_BYTES = 20
    bad = public.post(
        f"{API}/public/",
        {**values(), "photos": [SimpleUploadedFile("x.svg", b"<svg/>", content_type="image/svg+xml")]},
        format="multipart",
    )
    assert bad.status_code == 400 and "photos" in errors(bad)
    large = public.post(f"{API}/public/", {**values(), "photos": [photo()]}, format="multipart")
    assert large.status_code == 400 and "photos" in errors(large)
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    many = public.post(f"{API}/public/", {**values(), "photos": [photo(f"{n}.png") for n in range(7)]})
    assert many.status_code == 400 and "photos" in errors(many)
    assert not Complaint.objects.exists()


def test_the_api_and_the_web_form_share_one_count_per_address(client):
    from complaints.views.public import FILINGS

    for _n in range(FILINGS.count):
        assert FILINGS.take(RequestFactory().post("/"))  # as if filed on the web form from 127.0.0.1
    assert anonymous().post(f"{API}/public/", values(), format="json").status_code == 429


def test_filing_is_throttled_harder_than_the_form():
    public = anonymous()
    limit = int(FALLBACK_RATES["complaints_file"].split("/")[0])
    statuses = [public.post(f"{API}/public/", values(), format="json").status_code for _ in range(limit + 1)]
    assert statuses == [201] * limit + [429]
    assert public.get(f"{API}/nominations/").status_code == 200  # another endpoint, another limit


def test_the_filing_rate_comes_from_the_settings_when_named_there(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "complaints_file": "2/hour"},
    }
    public = anonymous()
    statuses = [public.post(f"{API}/public/", values(), format="json").status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_following_by_number_shows_public_fields_only(actors, enterprise, reference_data):
    complaint = filed(contact_name="李四秘密")
    url = f"{API}/track/{complaint.tracking_number}/"
    public = anonymous()
    body = public.get(url).json()
    assert body == {
        "tracking_number": complaint.tracking_number,
        "kind": "complaint",
        "product_name": "电热水壶",
        "received_on": body["received_on"],
        "status": "received",
        "outcome": None,
        "reply": None,
        "deadlines": body["deadlines"],
        "extended": False,
    }
    assert [deadline["step"] for deadline in body["deadlines"]] == ["accept"]
    complaint = services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=complaint, enterprise=enterprise)
    services.complaint_resolve(
        actor=actors[Role.SUPERVISOR], complaint=complaint, outcome=Outcome.MEDIATED, reply="调解成立", note="内部"
    )
    body = public.get(url.lower()).json()
    assert (body["status"], body["outcome"], body["reply"]) == ("resolved", "mediated", "调解成立")
    assert body["deadlines"] == []
    assert "李四秘密" not in str(body) and "内部" not in str(body) and enterprise.name not in str(body)
    assert public.get(f"{API}/track/TS20260101ABCDEFGHJK/").status_code == 404


def test_following_is_throttled_so_numbers_cannot_be_enumerated():
    complaint = filed()
    public = anonymous()
    limit = int(FALLBACK_RATES["complaints_track"].split("/")[0])
    for n in range(limit):
        assert public.get(f"{API}/track/TS2026UNKNOWN{n}/").status_code == 404
    assert public.get(f"{API}/track/{complaint.tracking_number}/").status_code == 429


# The bureau's side


def test_staff_accept_and_the_handler_resolves_to_a_credit_effect(
    actors, enterprise, reference_data, django_capture_on_commit_callbacks
):
    complaint = filed(kind=ComplaintKind.TIP)
    product = ProductFactory(enterprise=enterprise)
    staff, inspector = api(actors[Role.SUPERVISOR]), api(actors[Role.INSPECTOR])
    wrong = staff.post(
        f"{API}/{complaint.pk}/accept/", {"enterprise": enterprise.pk, "product": ProductFactory().pk}, format="json"
    )
    assert wrong.status_code == 400 and "product" in errors(wrong)
    accepted = staff.post(
        f"{API}/{complaint.pk}/accept/",
        {"enterprise": enterprise.pk, "product": product.pk, "assigned_to": actors[Role.INSPECTOR].pk},
        format="json",
    )
    assert accepted.status_code == 200, accepted.json()
    assert (accepted.json()["status"], accepted.json()["enterprise"]) == ("in_progress", enterprise.pk)
    assert staff.post(f"{API}/{complaint.pk}/accept/", {}, format="json").status_code == 400  # not received any more
    assert inspector.post(f"{API}/{complaint.pk}/update/", {}, format="json").status_code == 403
    empty = inspector.post(f"{API}/{complaint.pk}/resolve/", {"outcome": "substantiated", "reply": ""}, format="json")
    assert empty.status_code == 400 and "reply" in errors(empty)
    assert "outcome" in errors(inspector.post(f"{API}/{complaint.pk}/resolve/", {"reply": "x"}, format="json"))
    with django_capture_on_commit_callbacks(execute=True):  # the grade follows the resolution's commit
        resolved = inspector.post(
            f"{API}/{complaint.pk}/resolve/", {"outcome": "substantiated", "reply": "经查属实"}, format="json"
        )
    assert resolved.status_code == 200 and resolved.json()["outcome"] == "substantiated"
    assert CreditGrade.objects.get(enterprise=enterprise).indicator_values["complaint_substantiated"] == 1


def test_update_keeps_what_is_left_out(actors, enterprise, other_enterprise):
    complaint = services.complaint_accept(
        actor=actors[Role.SUPERVISOR], complaint=filed(), enterprise=enterprise, assigned_to=actors[Role.INSPECTOR]
    )
    staff = api(actors[Role.SUPERVISOR])
    other_inspector = UserFactory(role=Role.INSPECTOR)
    body = staff.post(f"{API}/{complaint.pk}/update/", {"assigned_to": other_inspector.pk}, format="json").json()
    assert (body["enterprise"], body["assigned_to"]) == (enterprise.pk, other_inspector.pk)
    body = staff.post(f"{API}/{complaint.pk}/update/", {"enterprise": other_enterprise.pk}, format="json").json()
    assert body["enterprise"] == other_enterprise.pk
    refused = staff.post(f"{API}/{complaint.pk}/update/", {"assigned_to": actors[Role.ENTERPRISE].pk}, format="json")
    assert refused.status_code == 400 and "assigned_to" in errors(refused)


def test_staff_reject_with_a_reply(actors):
    complaint = filed()
    staff = api(actors[Role.SUPERVISOR])
    refused = staff.post(f"{API}/{complaint.pk}/reject/", {"reply": " "}, format="json")
    assert {"reply", "reason"} <= set(errors(refused))  # a complaint is refused only on a ground of Order 20
    assert "reason" in errors(staff.post(f"{API}/{complaint.pk}/reject/", {"reason": "dispute"}, format="json"))
    body = staff.post(
        f"{API}/{complaint.pk}/reject/", {"reply": "不属于本局职责", "reason": "not_our_remit"}, format="json"
    ).json()
    assert body["refusal_reason"] == "not_our_remit"
    assert body["status"] == "rejected"
    public = anonymous().get(f"{API}/track/{complaint.tracking_number}/").json()
    assert (public["status"], public["outcome"], public["reply"]) == ("rejected", None, "不属于本局职责")


def test_only_a_leader_records_a_reward(actors, enterprise, reference_data):
    tip = services.complaint_accept(
        actor=actors[Role.SUPERVISOR],
        complaint=filed(kind=ComplaintKind.TIP),
        enterprise=enterprise,
    )
    services.complaint_resolve(
        actor=actors[Role.SUPERVISOR],
        complaint=tip,
        outcome=Outcome.SUBSTANTIATED,
        reply="已立案",
        led_to_case=True,
        major_violation=True,
    )
    reward = {"amount": "500.00", "note": "岳市监奖〔2026〕3号"}
    assert api(actors[Role.SUPERVISOR]).post(f"{API}/{tip.pk}/reward/", reward, format="json").status_code == 403
    leader = api(actors[Role.LEADER])
    assert "amount" in errors(leader.post(f"{API}/{tip.pk}/reward/", {"note": "x"}, format="json"))
    body = leader.post(f"{API}/{tip.pk}/reward/", reward, format="json").json()
    assert body["reward_amount"] == "500.00" and body["reward_recorded_by"] == actors[Role.LEADER].pk
    again = leader.post(f"{API}/{tip.pk}/reward/", reward, format="json")
    assert again.status_code == 400
    tip.refresh_from_db()
    assert tip.reward_amount == Decimal("500")


def test_inspectors_read_only_their_complaints_and_others_none(actors):
    mine = services.complaint_accept(
        actor=actors[Role.SUPERVISOR], complaint=filed(), assigned_to=actors[Role.INSPECTOR]
    )
    theirs = services.complaint_file(values=values(), photos=[photo()])
    inspector = api(actors[Role.INSPECTOR])
    assert [row["id"] for row in inspector.get(f"{API}/").json()["results"]] == [mine.pk]
    assert inspector.get(f"{API}/{theirs.pk}/").status_code == 404
    assert inspector.get(f"{API}/{theirs.pk}/photos/{theirs.photos.get().pk}/").status_code == 404
    for role in (Role.ENTERPRISE, Role.EXPERT, Role.LAB_TECHNICIAN):
        assert api(actors[role]).get(f"{API}/").status_code == 403
        assert api(actors[role]).get(f"{API}/{mine.pk}/").status_code == 404
    assert anonymous().get(f"{API}/").status_code in (401, 403)
    detail = api(actors[Role.SUPERVISOR]).get(f"{API}/{theirs.pk}/").json()
    assert detail["contact_phone"] == "13800001111" and len(detail["photos"]) == 1
    download = api(actors[Role.SUPERVISOR]).get(detail["photos"][0]["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"


def test_the_list_filters_and_runs_a_bounded_number_of_queries(actors, django_assert_max_num_queries):
    for n in range(12):
        complaint = filed(product_name=f"产品{n}")
        if n % 3 == 0:
            services.complaint_accept(
                actor=actors[Role.SUPERVISOR],
                complaint=complaint,
                enterprise=EnterpriseFactory(),
                assigned_to=actors[Role.INSPECTOR],
            )
    staff = api(actors[Role.SUPERVISOR])
    with django_assert_max_num_queries(6):
        body = staff.get(f"{API}/").json()
    assert body["count"] == 12
    assert staff.get(f"{API}/", {"status": "in_progress"}).json()["count"] == 4
    assert staff.get(f"{API}/", {"q": "产品11"}).json()["count"] == 1
    assert staff.get(f"{API}/", {"status": "nonsense"}).status_code == 400


# Nominations


def test_the_public_nominates_and_reads_the_most_nominated():
    public = anonymous()
    for name in ("儿童玩具", "儿童玩具", "电动自行车头盔"):
        response = public.post(f"{API}/nominations/", {"product_name": name, "reason": "担心"}, format="json")
        assert response.status_code == 201 and response.json()["status"] == "open"
    assert "product_name" in errors(public.post(f"{API}/nominations/", {"product_name": " "}, format="json"))
    assert public.get(f"{API}/nominations/").json() == [
        {"product_name": "儿童玩具", "nominations": 2},
        {"product_name": "电动自行车头盔", "nominations": 1},
    ]


def test_nominating_is_throttled():
    public = anonymous()
    limit = int(FALLBACK_RATES["complaints_nominate"].split("/")[0])
    statuses = [
        public.post(f"{API}/nominations/", {"product_name": f"产品{n}"}, format="json").status_code
        for n in range(limit + 1)
    ]
    assert statuses == [201] * limit + [429]
    assert public.get(f"{API}/nominations/").status_code == 200  # reading is not limited by it


def test_staff_adopt_nominations_into_a_draft_campaign(actors):
    for name in ("儿童玩具", "儿童玩具", "电动自行车头盔"):
        services.nomination_submit(values={"product_name": name})
    draft = CampaignFactory(product_categories="电热水壶")
    approved = CampaignFactory(status=CampaignStatus.APPROVED)
    body = {"campaign": draft.pk, "product_names": ["儿童玩具"]}
    assert api(actors[Role.ENTERPRISE]).post(f"{API}/nominations/adopt/", body, format="json").status_code == 403
    assert anonymous().post(f"{API}/nominations/adopt/", body, format="json").status_code in (401, 403)
    staff = api(actors[Role.SUPERVISOR])
    not_draft = staff.post(f"{API}/nominations/adopt/", {**body, "campaign": approved.pk}, format="json")
    assert not_draft.status_code == 400 and "campaign" in errors(not_draft)
    empty = staff.post(f"{API}/nominations/adopt/", {**body, "product_names": []}, format="json")
    assert empty.status_code == 400 and "product_names" in errors(empty)
    result = staff.post(f"{API}/nominations/adopt/", body, format="json").json()
    assert result == {"campaign": draft.pk, "adopted": 2, "product_categories": ["电热水壶", "儿童玩具"]}
    assert Nomination.objects.filter(status=NominationStatus.OPEN).count() == 1


def test_the_openapi_schema_still_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/v1/complaints/",
        "/api/v1/complaints/{id}/accept/",
        "/api/v1/complaints/{id}/update/",
        "/api/v1/complaints/{id}/resolve/",
        "/api/v1/complaints/{id}/reward/",
        "/api/v1/complaints/public/",
        "/api/v1/complaints/track/{tracking_number}/",
        "/api/v1/complaints/nominations/adopt/",
    ):
        assert path in schema
    assert "ComplaintStatusEnum" in schema and "ComplaintOutcomeEnum" in schema
