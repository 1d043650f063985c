"""The spot-check API: the same steps and the same refusals as the pages, every write through the services."""

import datetime
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from inspections.choices import CampaignStatus, LabTestKind, LabTestStatus, TaskStatus, Verdict
from inspections.draw import draw_from_inputs
from inspections.models import Campaign, ConflictDeclaration, FollowUp, LabTest, Objection, SamplingRecord, Task
from inspections.services import campaigns, draws
from tests.clients import token_api
from tests.factories import LaboratoryFactory, ProductFactory, StandardFactory, UserFactory
from tests.spotcheck import PNG, SpotCheck, photo

pytestmark = pytest.mark.django_db
API = "/api/v1"


def sampling_body(product=None, **changes) -> dict:
    body = {
        "batch_number": "20261101",
        "production_date": "2026-11-01",
        "quantity": "4 袋：2 袋检验，2 袋备样",
        "sampling_place": "成品仓库",
        "seal_numbers": "FY-0001, FY-0002",
        "enterprise_signatory": "王质检",
        "inspector_signatories": "李检查、赵检查",
        "photos": [photo()],
    }
    if product is not None:
        body["product"] = product.pk
    return {**body, **changes}


def error_fields(response) -> dict:
    return response.json()["error"]["fields"]


def error_text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.fixture
def spot(actors):
    """A started campaign with a task at `enterprise` and one at another enterprise."""
    spot = SpotCheck(actors)
    spot.start()
    return spot


def test_a_campaign_from_plan_to_final_result_and_follow_up_through_the_api(actors, enterprise):
    supervisor, leader, enterprise_user = actors[Role.SUPERVISOR], actors[Role.LEADER], actors[Role.ENTERPRISE]
    technician = actors[Role.LAB_TECHNICIAN]
    lab = LaboratoryFactory(technicians=[technician])
    retest_technician = UserFactory(role=Role.LAB_TECHNICIAN)
    retest_lab = LaboratoryFactory(technicians=[retest_technician])
    roster = [actors[Role.INSPECTOR], UserFactory(role=Role.INSPECTOR), UserFactory(role=Role.INSPECTOR)]
    standard = StandardFactory()
    staff, company = token_api(supervisor), token_api(enterprise_user)
    today = timezone.localdate()

    # Plan: the campaign, its test items, a referral.
    planned = staff.post(
        f"{API}/campaigns/",
        {
            "year": today.year,
            "title": "大米产品质量监督抽查",
            "legal_basis": "《中华人民共和国产品质量法》第十五条",
            "product_categories": "大米",
            "batches": 1,
            "period_start": today.isoformat(),
            "period_end": (today + datetime.timedelta(days=60)).isoformat(),
            "lab": lab.pk,
            "roster": [inspector.pk for inspector in roster],
            "pool_filters": {"area": str(enterprise.area_id)},
        },
        format="json",
    )
    assert planned.status_code == 201, planned.json()
    campaign = planned.json()
    assert campaign["status"] == CampaignStatus.DRAFT and campaign["inspectors_per_task"] == 2
    assert sorted(campaign["roster"]) == sorted(inspector.pk for inspector in roster)
    url = f"{API}/campaigns/{campaign['id']}"
    items = {}
    for body in (
        {"name": "镉(以Cd计)", "limit_kind": "max", "upper": "0.2", "unit": "mg/kg"},
        {"name": "标签", "limit_kind": "qualitative", "requirement": "符合GB 7718", "position": 1},
    ):
        added = staff.post(
            f"{API}/test-items/", {"campaign": campaign["id"], "standard": standard.code, **body}, format="json"
        )
        assert added.status_code == 201, added.json()
        items[body["name"]] = added.json()["id"]
    assert added.json()["limit_text"] == "符合GB 7718"
    no_limit = staff.post(
        f"{API}/test-items/",
        {"campaign": campaign["id"], "standard": standard.code, "name": "铅", "limit_kind": "max", "unit": "mg/kg"},
        format="json",
    )
    assert no_limit.status_code == 400 and "upper" in error_fields(no_limit)
    referral = staff.post(
        f"{url}/referrals/", {"enterprise": enterprise.pk, "source": "complaint", "note": "消费者投诉"}, format="json"
    )
    assert referral.status_code == 201 and referral.json()["enterprise_name"] == enterprise.name
    shown = staff.get(f"{url}/").json()
    assert [item["limit_text"] for item in shown["items"]] == ["≤ 0.2 mg/kg", "符合GB 7718"]
    assert shown["items"][0]["standard"] == standard.code and shown["referrals"][0]["source"] == "complaint"

    # Approve, commit, draw, start.
    approved = token_api(leader).post(f"{url}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == CampaignStatus.APPROVED
    committed = staff.post(f"{url}/commit-draw/", {}, format="json")
    assert committed.status_code == 201
    draw = committed.json()
    assert draw["seed"] is None and draw["result"] is None and draw["status"] == "committed"
    performed = staff.post(f"{API}/draws/{draw['id']}/perform/")
    assert performed.status_code == 200
    seed = performed.json()["seed"]
    assert hashlib.sha256(seed.encode()).hexdigest() == draw["commitment"]
    assert performed.json()["drawn"]["enterprises"] == [enterprise.pk]
    started = staff.post(f"{url}/start/")
    assert started.json()["status"] == CampaignStatus.IN_PROGRESS and started.json()["task_count"] == 1

    # On site: one of the task's inspectors files the sampling record with a photo.
    task = Task.objects.get(campaign_id=campaign["id"])
    inspector = task.inspectors.order_by("pk").first()
    field = token_api(inspector)
    assert [row["id"] for row in field.get(f"{API}/tasks/").json()["results"]] == [task.pk]
    product = ProductFactory(enterprise=enterprise)
    sampled = field.post(f"{API}/tasks/{task.pk}/sampling/", sampling_body(product), format="multipart")
    assert sampled.status_code == 201, sampled.json()
    record = sampled.json()
    assert record["outcome"] == "sampled" and record["product_name"] == product.name and record["trademark"] == "洞庭"
    assert record["photos"][0]["sha256"] == hashlib.sha256(PNG).hexdigest() and record["photos"][0]["uploaded_at"]
    assert field.get(f"{API}/tasks/{task.pk}/").json()["status"] == TaskStatus.SAMPLED

    # The laboratory tests blind: the cadmium is over the limit.
    lab_client = token_api(technician)
    queue = lab_client.get(f"{API}/results/")
    assert queue.json()["count"] == 1 and enterprise.name not in queue.content.decode()
    initial = queue.json()["results"][0]
    receipt = {"code": f"QSS:{initial['blind_code']}:", "kind": "received", "seal_intact": True}
    assert lab_client.post(f"{API}/custody/", receipt, format="json").status_code == 201  # the receipt scan first
    found = lab_client.post(
        f"{API}/results/{initial['id']}/findings/",
        {"findings": [{"item": items["镉(以Cd计)"], "value": "0.35"}, {"item": items["标签"], "conforms": True}]},
        format="json",
    )
    assert found.status_code == 200 and found.json()["status"] == LabTestStatus.PENDING  # saved, not yet submitted
    submitted = lab_client.post(
        f"{API}/results/{initial['id']}/findings/", {"findings": [], "submit": True}, format="json"
    )
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["verdict"] == Verdict.NONCONFORMING and submitted.json()["status"] == "submitted"
    assert [result["passed"] for result in submitted.json()["item_results"]] == [False, True]

    # Staff review and notify; the enterprise sees its countdown and objects.
    reviewed = staff.post(f"{API}/results/{initial['id']}/review/", {"approve": True}, format="json")
    assert reviewed.json()["status"] == LabTestStatus.APPROVED and reviewed.json()["enterprise_name"] == enterprise.name
    notified = staff.post(f"{API}/results/{initial['id']}/notify/")
    assert notified.json()["status"] == LabTestStatus.NOTIFIED
    assert notified.json()["objection_due_on"] is None and notified.json()["served_on"] is None  # not yet served
    assert staff.get(f"{API}/results/{initial['id']}/").json()["served_on"] is None  # staff reading serves nothing
    mine = company.get(f"{API}/results/{initial['id']}/").json()  # the enterprise's first read serves it
    assert mine["served_on"] == today.isoformat() and mine["served_how"] == "portal"
    due = datetime.date.fromisoformat(mine["objection_due_on"])
    assert mine["objection_due_on_provisional"] is (due.year >= 2027)
    assert mine["answerable"] is True and mine["days_left"] == (due - today).days >= 15
    assert mine["product_name"] == product.name and mine["item_results"][0]["shown"] == "0.35 mg/kg"
    follow_up = company.get(f"{API}/follow-ups/").json()["results"][0]
    assert follow_up["stage"] == "rectifying" and follow_up["stop_sale_at"] and not follow_up["rectification_due_on"]
    follow_up = company.get(f"{API}/follow-ups/{follow_up['id']}/").json()  # opening the order serves it
    assert follow_up["served_on"] == today.isoformat() and follow_up["rectification_due_on"]
    objected = company.post(f"{API}/results/{initial['id']}/object/", {"reasons": "送检样品储存条件不当"})
    assert objected.status_code == 201, objected.json()
    assert objected.json()["retest_lab_name"] == retest_lab.name and objected.json()["task"] == task.pk
    assert company.get(f"{API}/objections/").json()["results"][0]["id"] == objected.json()["id"]
    assert company.get(f"{API}/objections/{objected.json()['id']}/").json()["reasons"] == "送检样品储存条件不当"
    assert lab_client.get(f"{API}/objections/").status_code == 403  # a laboratory never learns who objected

    # The re-test, blind again at the drawn laboratory, confirms the result: it is final.
    retest = token_api(retest_technician).get(f"{API}/results/").json()["results"]
    assert [row["kind"] for row in retest] == [LabTestKind.RETEST]
    receipt = {"code": retest[0]["blind_code"], "kind": "received", "seal_intact": True}
    assert token_api(retest_technician).post(f"{API}/custody/", receipt, format="json").status_code == 201
    retested = token_api(retest_technician).post(
        f"{API}/results/{retest[0]['id']}/findings/",
        {
            "findings": [{"item": items["镉(以Cd计)"], "value": "0.31"}, {"item": items["标签"], "conforms": True}],
            "submit": True,
        },
        format="json",
    )
    assert retested.json()["verdict"] == Verdict.NONCONFORMING
    staff.post(f"{API}/results/{retest[0]['id']}/review/", {"approve": True}, format="json")
    assert staff.post(f"{API}/results/{retest[0]['id']}/notify/").status_code == 200
    final = staff.get(f"{API}/tasks/{task.pk}/").json()
    assert final["status"] == TaskStatus.FINAL and final["verdict"] == Verdict.NONCONFORMING
    assert company.get(f"{API}/results/{retest[0]['id']}/").json()["answerable"] is False

    # Follow-up: the enterprise reports its rectification, staff order the free re-check.
    report = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    rectified = company.post(
        f"{API}/follow-ups/{follow_up['id']}/rectification/",
        {"report": "更换原料供应商，加强进货检验", "files": [report]},
        format="multipart",
    )
    assert rectified.status_code == 200, rectified.json()
    assert rectified.json()["report_submitted_at"] and len(rectified.json()["attachments"]) == 1
    ordered = staff.post(f"{API}/follow-ups/{follow_up['id']}/order-recheck/")
    assert ordered.status_code == 201
    assert ordered.json()["kind"] == "recheck" and ordered.json()["free_of_charge"] is True
    assert ordered.json()["due_on"] == follow_up["first_recheck_due_on"]
    again = staff.get(f"{API}/follow-ups/{follow_up['id']}/").json()
    assert again["stage"] == "first_recheck" and again["rechecks"] == [ordered.json()["id"]]

    # Publication, the enterprise's reply, and closing the campaign.
    published = staff.post(f"{url}/publish/", {}, format="json")
    assert published.json() == {"published": 1}
    shown = company.get(f"{API}/published-results/").json()["results"]
    assert [row["verdict"] for row in shown] == [Verdict.NONCONFORMING] and "镉" in shown[0]["failed_items"]
    replied = company.post(f"{API}/published-results/{shown[0]['id']}/reply/", {"reply": "已完成整改"})
    assert replied.status_code == 200 and replied.json()["reply"] == "已完成整改"
    closed = token_api(leader).post(f"{url}/close/", {"note": "全部完成"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == CampaignStatus.CLOSED


def test_a_refusal_is_filed_without_photos_and_is_final_at_once(spot):
    task = spot.task_at()
    refused = token_api(spot.inspector_of(task)).post(
        f"{API}/tasks/{task.pk}/sampling/",
        {
            "refused": "true",
            "refusal_reason": "企业负责人拒绝抽样",
            "refusal_witness": "市场管理员 周见证",
            "inspector_signatories": "李检查、赵检查",
        },
    )
    assert refused.status_code == 201, refused.json()
    assert refused.json()["outcome"] == "refused" and refused.json()["photos"] == []
    task.refresh_from_db()
    assert task.status == TaskStatus.FINAL and task.verdict == Verdict.REFUSED


def test_a_supervisor_cannot_approve_a_campaign(actors):
    spot = SpotCheck(actors)
    response = token_api(spot.supervisor).post(f"{API}/campaigns/{spot.campaign.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    spot.campaign.refresh_from_db()
    assert spot.campaign.status == CampaignStatus.DRAFT


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.LAB_TECHNICIAN, Role.ENTERPRISE])
def test_campaigns_are_for_bureau_staff(actors, role):
    spot = SpotCheck(actors)
    client = token_api(actors[role])
    assert client.get(f"{API}/campaigns/").status_code == 403
    assert client.get(f"{API}/campaigns/{spot.campaign.pk}/").status_code == 403
    assert client.post(f"{API}/test-items/", {}, format="json").status_code == 403


def test_steps_out_of_order_are_refused_with_a_clear_message(actors):
    spot = SpotCheck(actors)
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    staff = token_api(spot.supervisor)
    early = staff.post(f"{API}/campaigns/{spot.campaign.pk}/start/")
    assert early.status_code == 400
    assert early.json()["error"]["code"] == "invalid"
    [message] = error_fields(early)["non_field_errors"]
    assert "已批准" in message and "已抽取" in message
    spot.campaign.refresh_from_db()
    assert spot.campaign.status == CampaignStatus.APPROVED
    # An approved plan is fixed: no edits, no test items taken out.
    edited = staff.patch(f"{API}/campaigns/{spot.campaign.pk}/", {"title": "改名"}, format="json")
    assert edited.status_code == 400 and "草稿" in error_text(edited)
    removed = staff.delete(f"{API}/test-items/{spot.cadmium.pk}/")
    assert removed.status_code == 400 and spot.campaign.items.filter(pk=spot.cadmium.pk).exists()


def test_a_draft_changes_and_loses_test_items_but_pool_filters_must_be_the_registers(actors):
    spot = SpotCheck(actors)
    staff = token_api(spot.supervisor)
    url = f"{API}/campaigns/{spot.campaign.pk}/"
    unknown = staff.patch(url, {"pool_filters": {"grade": "A"}}, format="json")
    assert unknown.status_code == 400 and "pool_filters" in error_fields(unknown)
    invalid = staff.patch(url, {"pool_filters": {"scale": "huge"}}, format="json")
    assert invalid.status_code == 400 and "scale" in error_fields(invalid)["pool_filters"]
    changed = staff.patch(url, {"title": "大米专项抽查", "roster": [i.pk for i in spot.inspectors[:2]]}, format="json")
    assert changed.status_code == 200 and changed.json()["title"] == "大米专项抽查"
    assert sorted(changed.json()["roster"]) == sorted(i.pk for i in spot.inspectors[:2])
    tightened = staff.patch(f"{API}/test-items/{spot.cadmium.pk}/", {"upper": "0.1"}, format="json")
    assert tightened.status_code == 200 and tightened.json()["limit_text"] == "≤ 0.1 mg/kg"
    assert staff.delete(f"{API}/test-items/{spot.labelling.pk}/").status_code == 204
    assert not spot.campaign.items.filter(pk=spot.labelling.pk).exists()


def test_an_enterprise_cannot_read_another_enterprises_result_or_follow_up(spot):
    other = spot.pool[1]
    theirs = spot.checked(spot.task_at(other), cadmium="0.3")
    ours = spot.checked(spot.task_at(), cadmium="0.3")
    their_follow_up = FollowUp.objects.get(task=theirs.task)
    client = token_api(spot.enterprise_user)
    assert [row["id"] for row in client.get(f"{API}/results/").json()["results"]] == [ours.pk]
    assert client.get(f"{API}/results/{theirs.pk}/").status_code == 404
    assert client.post(f"{API}/results/{theirs.pk}/object/", {"reasons": "不服"}).status_code == 404
    assert client.post(f"{API}/results/{theirs.pk}/accept/").status_code == 404
    assert client.get(f"{API}/follow-ups/{their_follow_up.pk}/").status_code == 404
    assert client.post(f"{API}/follow-ups/{their_follow_up.pk}/rectification/", {"report": "x"}).status_code == 404
    assert [row["enterprise"] for row in client.get(f"{API}/follow-ups/").json()["results"]] == [spot.enterprise.pk]
    assert not Objection.objects.exists()


def test_an_inspector_cannot_open_or_sample_a_task_not_theirs(spot):
    task = spot.task_at()
    outsider = next(i for i in spot.inspectors if i not in task.inspectors.all())
    client = token_api(outsider)
    assert task.pk not in [row["id"] for row in client.get(f"{API}/tasks/").json()["results"]]
    assert client.get(f"{API}/tasks/{task.pk}/").status_code == 404
    response = client.post(f"{API}/tasks/{task.pk}/sampling/", sampling_body(), format="multipart")
    assert response.status_code == 404
    # Staff read every task but do not sample.
    staff = token_api(spot.supervisor)
    assert staff.get(f"{API}/tasks/{task.pk}/").status_code == 200
    assert staff.post(f"{API}/tasks/{task.pk}/sampling/", sampling_body(), format="multipart").status_code == 403
    assert not SamplingRecord.objects.exists()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ASSIGNED


def test_an_incomplete_sampling_record_is_refused_field_by_field_and_nothing_is_created(spot):
    task = spot.task_at()
    client = token_api(spot.inspector_of(task))
    url = f"{API}/tasks/{task.pk}/sampling/"
    missing = client.post(url, {"inspector_signatories": "李检查"}, format="multipart")
    assert missing.status_code == 400
    assert {"product_name", "batch_number", "seal_numbers", "enterprise_signatory", "photos"} <= set(
        error_fields(missing)
    )
    not_a_photo = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    wrong_type = client.post(url, sampling_body(photos=[not_a_photo], product_name="大米"), format="multipart")
    assert wrong_type.status_code == 400 and "notes.txt" in error_fields(wrong_type)["photos"][0]
    foreign = ProductFactory(enterprise=spot.pool[1])  # another enterprise's product is never accepted
    other_product = client.post(url, sampling_body(foreign), format="multipart")
    assert other_product.status_code == 400 and "product" in error_fields(other_product)
    assert not SamplingRecord.objects.exists() and not LabTest.objects.exists()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ASSIGNED


def test_a_laboratory_sees_its_samples_blind_and_no_other_laboratorys(spot):
    task = spot.task_at()
    spot.sample(task)
    lab_test = LabTest.objects.get(task=task)
    stranger = token_api(spot.retest_technician)
    assert stranger.get(f"{API}/results/{lab_test.pk}/").status_code == 404
    findings = {"findings": [{"item": spot.cadmium.pk, "value": "0.1"}], "submit": False}
    assert stranger.post(f"{API}/results/{lab_test.pk}/findings/", findings, format="json").status_code == 404
    assert stranger.get(f"{API}/results/").json()["count"] == 0

    client = token_api(spot.technician)
    detail = client.get(f"{API}/results/{lab_test.pk}/")
    listed = client.get(f"{API}/results/?task={task.pk + 1000}")  # a laboratory cannot filter by task
    assert detail.status_code == 200 and listed.json()["count"] == 1
    record = task.sampling
    for response in (detail, listed):
        text = response.content.decode()
        for secret in (
            spot.enterprise.name,
            spot.enterprise.credit_code,
            spot.enterprise.address,
            record.product_name,
            record.trademark,
            record.batch_number,
        ):
            assert secret not in text
    body = detail.json()
    assert not {"task", "enterprise", "enterprise_name", "credit_code", "trademark", "product_name"} & set(body)
    assert body["blind_code"] == lab_test.blind_code
    assert [item["limit_text"] for item in body["items"]] == ["≤ 0.2 mg/kg", "符合GB 7718"]
    assert client.post(f"{API}/results/{lab_test.pk}/review/", {"approve": True}, format="json").status_code == 403


def test_a_late_objection_is_refused_naming_the_deadline(spot):
    lab_test = spot.checked(spot.task_at(), cadmium="0.3")
    LabTest.objects.filter(pk=lab_test.pk).update(objection_due_on=datetime.date(2020, 1, 6))
    client = token_api(spot.enterprise_user)
    shown = client.get(f"{API}/results/{lab_test.pk}/").json()
    assert shown["days_left"] is None
    late = client.post(f"{API}/results/{lab_test.pk}/object/", {"reasons": "不服检验结论"})
    assert late.status_code == 400
    assert "2020-01-06" in error_fields(late)["non_field_errors"][0]
    assert not Objection.objects.exists()
    assert LabTest.objects.filter(task=lab_test.task).count() == 1  # no re-test
    accepted = client.post(f"{API}/results/{lab_test.pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["accepted_at"] and accepted.json()["answerable"] is False
    assert Task.objects.get(pk=lab_test.task_id).status == TaskStatus.FINAL


def test_the_seed_is_hidden_until_the_draw_is_made(actors):
    spot = SpotCheck(actors)
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    draw = draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    public = token_api(spot.enterprise_user)  # any signed-in user reads draws
    listed = public.get(f"{API}/draws/")
    detail = public.get(f"{API}/draws/{draw.pk}/")
    bundle = public.get(f"{API}/draws/{draw.pk}/bundle/")
    for response in (listed, detail, bundle):
        assert response.status_code == 200 and draw.seed not in response.content.decode()
    assert "inputs" not in listed.json()["results"][0]
    assert detail.json()["seed"] is None and detail.json()["result"] is None
    assert detail.json()["commitment"] == draw.commitment and detail.json()["inputs"]["count"] == 2
    assert "seed" not in bundle.json() and bundle.json()["inputs_digest"] == draw.inputs_digest

    assert public.post(f"{API}/draws/{draw.pk}/perform/").status_code == 403
    performed = token_api(spot.supervisor).post(f"{API}/draws/{draw.pk}/perform/")
    assert performed.status_code == 200 and performed.json()["seed"] == draw.seed  # staff see it once drawn
    # Others only once the sampling is over: the result names the enterprises about to be visited.
    assert "seed" not in public.get(f"{API}/draws/{draw.pk}/bundle/").json()
    assert public.get(f"{API}/draws/{draw.pk}/").json()["result"] is None
    Campaign.objects.filter(pk=spot.campaign.pk).update(
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 31)
    )
    revealed = public.get(f"{API}/draws/{draw.pk}/bundle/").json()
    assert hashlib.sha256(revealed["seed"].encode()).hexdigest() == revealed["commitment"]
    assert draw_from_inputs(seed=revealed["seed"], inputs=revealed["inputs"]).as_json() == revealed["result"]
    assert public.get(f"{API}/draws/").json()["results"][0]["seed"] == draw.seed


def test_an_inspector_declares_a_conflict_by_credit_code_and_withdraws_it(actors, other_enterprise):
    inspector = actors[Role.INSPECTOR]
    client = token_api(inspector)
    unknown = client.post(f"{API}/conflicts/", {"credit_code": "91430602MA4L000000", "reason": "亲属任职"})
    assert unknown.status_code == 400 and "credit_code" in error_fields(unknown)
    declared = client.post(
        f"{API}/conflicts/", {"credit_code": f" {other_enterprise.credit_code.lower()} ", "reason": "亲属任职"}
    )
    assert declared.status_code == 201, declared.json()
    assert declared.json()["enterprise"] == other_enterprise.pk
    twice = client.post(f"{API}/conflicts/", {"credit_code": other_enterprise.credit_code, "reason": "再次"})
    assert twice.status_code == 400
    colleague = UserFactory(role=Role.INSPECTOR)
    ConflictDeclaration.objects.create(inspector=colleague, enterprise=other_enterprise, reason="曾任职")
    assert [row["id"] for row in client.get(f"{API}/conflicts/").json()["results"]] == [declared.json()["id"]]
    assert token_api(actors[Role.SUPERVISOR]).get(f"{API}/conflicts/").json()["count"] == 2
    theirs = ConflictDeclaration.objects.get(inspector=colleague)
    assert client.post(f"{API}/conflicts/{theirs.pk}/withdraw/", {"reason": "误报"}).status_code == 404
    assert client.post(f"{API}/conflicts/{declared.json()['id']}/withdraw/", {"reason": ""}).status_code == 400
    withdrawn = client.post(f"{API}/conflicts/{declared.json()['id']}/withdraw/", {"reason": "已离职"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert token_api(actors[Role.ENTERPRISE]).get(f"{API}/conflicts/").status_code == 403


def test_published_results_are_read_by_staff_and_the_enterprise_concerned(spot):
    spot.checked(spot.task_at(), cadmium="0.1")
    spot.checked(spot.task_at(spot.pool[1]), cadmium="0.1")
    staff = token_api(spot.supervisor)
    assert staff.post(
        f"{API}/campaigns/{spot.campaign.pk}/publish/", {"task_ids": [999999]}, format="json"
    ).status_code == (400)
    assert staff.post(f"{API}/campaigns/{spot.campaign.pk}/publish/", {}, format="json").json() == {"published": 2}
    company = token_api(spot.enterprise_user)
    [own] = company.get(f"{API}/published-results/").json()["results"]
    assert own["enterprise_name"] == spot.enterprise.name
    theirs = spot.task_at(spot.pool[1]).publication
    assert company.get(f"{API}/published-results/{theirs.pk}/").status_code == 404
    assert company.post(f"{API}/published-results/{own['id']}/withdraw/", {"reason": "x"}).status_code == 403
    withdrawn = staff.post(f"{API}/published-results/{own['id']}/withdraw/", {"reason": "信息有误"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert staff.get(f"{API}/published-results/?withdrawn=true").json()["count"] == 1
    assert token_api(spot.technician).get(f"{API}/published-results/").status_code == 403


@pytest.fixture
def busy(actors):
    """Six sampled tasks; half of them with results submitted."""
    spot = SpotCheck(actors, enterprises=6, batches=6)
    spot.start()
    for index, task in enumerate(Task.objects.filter(campaign=spot.campaign)):
        spot.sample(task)
        if index % 2:
            spot.test_result(LabTest.objects.get(task=task), cadmium="0.1")
    return spot


@pytest.mark.parametrize(
    ("path", "who"),
    [("tasks", "supervisor"), ("tasks", "inspector"), ("results", "supervisor"), ("results", "technician")],
)
def test_lists_run_a_bounded_number_of_queries(busy, django_assert_max_num_queries, path, who):
    user = busy.inspectors[0] if who == "inspector" else getattr(busy, who)
    client = token_api(user)
    counted = []
    for page_size in (2, 6):
        with django_assert_max_num_queries(8) as captured:  # 8: the official calendar years, once
            response = client.get(f"{API}/{path}/?page_size={page_size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(page_size, response.json()["count"])
        counted.append(len(captured))
    assert counted[0] == counted[1]


def test_other_lists_run_a_bounded_number_of_queries(busy, django_assert_max_num_queries):
    staff = token_api(busy.supervisor)
    for path in ("campaigns", "draws", "test-items", "follow-ups", "objections", "published-results", "conflicts"):
        with django_assert_max_num_queries(8):
            assert staff.get(f"{API}/{path}/").status_code == 200


def test_anonymous_callers_are_refused(spot):
    client = APIClient()
    for path in ("campaigns", "draws", "tasks", "results", "objections", "follow-ups", "published-results"):
        assert client.get(f"{API}/{path}/").status_code in (401, 403)


def test_ids_too_large_for_the_database_are_a_field_error(actors):
    spot = SpotCheck(actors)
    staff = token_api(spot.supervisor)
    for url in (f"{API}/tasks/?enterprise={10**20}", f"{API}/results/?task={10**20}"):
        response = staff.get(url)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    published = staff.post(f"{API}/campaigns/{spot.campaign.pk}/publish/", {"task_ids": [10**20]}, format="json")
    assert published.status_code == 400
