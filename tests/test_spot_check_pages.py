"""The spot-check pages: each role's steps in the browser's words, refusals, public pages, bounded queries."""

import json

import pytest
from django.urls import reverse

from accounts.roles import Role
from inspections.choices import CampaignStatus, LabTestStatus, TaskStatus
from inspections.models import Campaign, Draw, LabTest, PublishedResult, Task
from inspections.services import publication, testing
from tests.clients import signed_in
from tests.factories import LaboratoryFactory, ProductFactory, StandardFactory, UserFactory, enterprise_user
from tests.spotcheck import SpotCheck, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def spot(actors):
    return SpotCheck(actors)


def page(client, user, url_name, *args, **params):
    client.force_login(user)
    return client.get(reverse(url_name, args=args), params)


def test_staff_plan_a_campaign_and_its_test_items_in_forms(client, actors):
    lab = LaboratoryFactory()
    roster = [UserFactory(role=Role.INSPECTOR) for _ in range(2)]
    client = signed_in(client, actors[Role.SUPERVISOR])
    data = {
        "year": 2026,
        "title": "电线电缆产品质量监督抽查",
        "legal_basis": "《产品质量法》",
        "product_categories": "电线电缆",
        "kind": "product",
        "batches": 2,
        "period_start": "2026-12-01",
        "period_end": "2026-11-01",
        "lab": lab.pk,
        "inspectors_per_task": 2,
        "roster": [user.pk for user in roster],
        "pool_scale": "above",
    }
    refused = client.post(reverse("inspections:campaign_create"), data)
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert not Campaign.objects.exists()
    response = client.post(reverse("inspections:campaign_create"), {**data, "period_end": "2026-12-31"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.pool_filters == {"scale": "above"}
    assert set(campaign.roster.all()) == set(roster)
    item = {"name": "导体电阻", "standard": StandardFactory().pk, "limit_kind": "max", "unit": "Ω/km", "position": 0}
    bad = client.post(reverse("inspections:item_create", args=[campaign.pk]), item)
    assert bad.status_code == 200 and "upper" in bad.context["form"].errors
    client.post(reverse("inspections:item_create", args=[campaign.pk]), {**item, "upper": "1.83"})
    detail = client.get(campaign.get_absolute_url()).content.decode()
    assert "导体电阻" in detail and "≤ 1.83 Ω/km" in detail


def test_the_campaign_page_walks_through_approval_commitment_draw_and_start(client, spot, actors):
    leader = signed_in(client, actors[Role.LEADER])
    url = lambda action: reverse("inspections:campaign_action", args=[spot.campaign.pk, action])  # noqa: E731
    leader.post(url("approve"))
    leader.post(url("commit"))
    draw = Draw.objects.get(campaign=spot.campaign)
    shown = leader.get(spot.campaign.get_absolute_url()).content.decode()
    assert draw.commitment[:10] in shown and draw.seed not in shown
    leader.post(url("draw"))
    leader.post(url("start"))
    spot.campaign.refresh_from_db()
    assert spot.campaign.status == CampaignStatus.IN_PROGRESS
    # Steps out of order are refused with the reason, not a crash.
    response = leader.post(url("approve"), follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


def test_a_supervisor_cannot_approve_and_an_inspector_cannot_open_campaigns(client, spot, actors):
    assert (
        signed_in(client, actors[Role.SUPERVISOR])
        .post(reverse("inspections:campaign_action", args=[spot.campaign.pk, "approve"]))
        .status_code
        == 403
    )
    assert page(client, actors[Role.INSPECTOR], "inspections:campaign", spot.campaign.pk).status_code == 403
    assert Campaign.objects.get(pk=spot.campaign.pk).status == CampaignStatus.DRAFT


def test_an_inspector_files_sampling_on_a_phone_form_and_sees_only_their_tasks(client, spot):
    spot.start()
    task = spot.task_at()
    inspector = spot.inspector_of(task)
    outsider = next(i for i in spot.inspectors if not task.inspectors.filter(pk=i.pk).exists())
    worklist = page(client, inspector, "inspections:my_tasks").content.decode()
    assert task.enterprise.name in worklist
    assert page(client, outsider, "inspections:task", task.pk).status_code == 404
    assert page(client, outsider, "inspections:sampling", task.pk).status_code == 404
    client.force_login(inspector)
    url = reverse("inspections:sampling", args=[task.pk])
    product = ProductFactory(enterprise=task.enterprise)
    incomplete = client.post(url, {"outcome": "sampled", "inspector_signatories": "李、赵"})
    assert incomplete.status_code == 200 and {"photos", "seal_numbers"} <= set(incomplete.context["form"].errors)
    data = {
        "outcome": "sampled",
        "product": product.pk,
        "batch_number": "B-1",
        "quantity": "4 袋",
        "sampling_place": "仓库",
        "seal_numbers": "FY-1",
        "enterprise_signatory": "王",
        "inspector_signatories": "李、赵",
        "photos": [photo()],
    }
    assert client.post(url, data).status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.SAMPLED
    record_page = client.get(task.get_absolute_url()).content.decode()
    photo_row = task.sampling.photos.get()
    assert photo_row.sha256[:12] in record_page
    assert client.get(reverse("inspections:photo", args=[task.pk, photo_row.pk])).status_code == 200
    assert page(client, outsider, "inspections:photo", task.pk, photo_row.pk).status_code == 404


def test_the_lab_enters_findings_blind(client, spot):
    spot.start()
    task = spot.task_at()
    spot.sample(task)
    lab_test = LabTest.objects.get(task=task)
    client.force_login(spot.technician)
    queue = client.get(reverse("inspections:lab")).content.decode()
    shown = client.get(lab_test.get_absolute_url()).content.decode()
    for secret in (task.enterprise.name, task.enterprise.credit_code, task.sampling.trademark):
        assert secret not in queue and secret not in shown
    assert lab_test.blind_code in queue
    spot.receive(lab_test)
    data = {f"item_{spot.cadmium.pk}": "0.31", f"item_{spot.labelling.pk}": "yes", "submit": "1"}
    assert client.post(lab_test.get_absolute_url(), data).status_code == 302
    lab_test.refresh_from_db()
    assert lab_test.status == LabTestStatus.SUBMITTED and lab_test.verdict == "nonconforming"
    # Another laboratory's technician: as if the sample did not exist.
    assert page(client, spot.retest_technician, "inspections:result", lab_test.pk).status_code == 404


def test_review_notify_and_the_enterprise_objects_with_a_countdown(client, spot, other_enterprise):
    spot.start()
    task = spot.task_at()
    spot.sample(task)
    lab_test = spot.test_result(LabTest.objects.get(task=task), cadmium="0.3")
    staff = signed_in(client, spot.supervisor)
    assert lab_test.blind_code in staff.get(reverse("inspections:review")).content.decode()
    staff.post(reverse("inspections:result_review", args=[lab_test.pk]), {"decision": "approve"})
    staff.post(reverse("inspections:result_action", args=[lab_test.pk, "notify"]))
    assert page(client, enterprise_user(other_enterprise), "inspections:result", lab_test.pk).status_code == 404
    client.force_login(spot.enterprise_user)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="not-served"' in home and 'data-testid="days-left"' not in home  # 未送达 until opened
    opened = client.get(lab_test.get_absolute_url()).content.decode()  # opening it serves it today
    assert 'data-testid="served"' in opened and LabTest.objects.get(pk=lab_test.pk).served_by == spot.enterprise_user
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="days-left"' in home  # the objection countdown
    assert 'class="flag danger"' in home  # the stop-sale in force
    client.post(reverse("inspections:result_action", args=[lab_test.pk, "object"]), {"reasons": "样品运输过程受潮"})
    shown = client.get(lab_test.get_absolute_url()).content.decode()
    assert spot.retest_lab.name in shown


def test_a_late_objection_is_refused_on_the_page_with_its_date(client, spot):
    spot.start()
    lab_test = spot.checked(spot.task_at(), cadmium="0.3")
    LabTest.objects.filter(pk=lab_test.pk).update(objection_due_on="2026-01-15")
    client.force_login(spot.enterprise_user)
    response = client.post(
        reverse("inspections:result_action", args=[lab_test.pk, "object"]), {"reasons": "迟到"}, follow=True
    )
    assert "2026-01-15" in response.content.decode()
    assert not hasattr(LabTest.objects.get(pk=lab_test.pk), "objection")


def test_follow_up_pages_show_every_due_date_to_staff_and_the_enterprise(client, spot, other_enterprise):
    spot.start()
    task = spot.task_at()
    testing.result_accept(actor=spot.enterprise_user, lab_test=spot.checked(task, cadmium="0.3"))
    follow_up = task.follow_up_of
    for user in (spot.supervisor, spot.enterprise_user):
        shown = page(client, user, "inspections:follow_up", follow_up.pk).content.decode()
        assert follow_up.rectification_due_on.isoformat() in shown
        assert follow_up.first_recheck_due_on.isoformat() in shown
    assert page(client, enterprise_user(other_enterprise), "inspections:follow_up", follow_up.pk).status_code == 404
    client.force_login(spot.enterprise_user)
    client.post(reverse("inspections:rectification", args=[follow_up.pk]), {"report": "已更换供应商"})
    follow_up.refresh_from_db()
    assert follow_up.report == "已更换供应商"
    client.force_login(spot.supervisor)
    client.post(reverse("inspections:recheck_order", args=[follow_up.pk]))
    assert follow_up.rechecks.count() == 1
    assert page(client, spot.supervisor, "inspections:deadlines").status_code == 200


def test_the_public_reads_only_what_is_published(client, spot):
    spot.start()
    first, second = Task.objects.live().filter(campaign=spot.campaign)
    testing.result_accept(actor=spot.enterprise_user, lab_test=spot.checked(spot.task_at(), cadmium="0.3"))
    other = second if first.enterprise == spot.enterprise else first
    spot.checked(other, cadmium="0.1")
    public_url = reverse("inspections:public_campaign", args=[spot.campaign.pk])
    before = client.get(public_url).content.decode()
    assert spot.enterprise.name not in before and other.enterprise.name not in before
    publication.results_publish(actor=spot.supervisor, campaign=spot.campaign, task_ids=[other.pk])
    after = client.get(public_url).content.decode()
    assert other.enterprise.name in after and spot.enterprise.name not in after
    assert client.get(public_url, {"verdict": "nonconforming"}).content.decode().count("<tr>") == 2  # head + empty
    row = PublishedResult.objects.get()
    publication.publication_withdraw(actor=spot.supervisor, publication=row, reason="更正")
    assert other.enterprise.name not in client.get(public_url).content.decode()
    # Staff pages stay closed to anonymous users.
    assert client.get(reverse("inspections:campaign", args=[spot.campaign.pk])).status_code == 302
    assert client.get(reverse("inspections:result", args=[LabTest.objects.first().pk])).status_code == 302


def test_the_public_draw_page_verifies_and_hides_the_seed_until_drawn(client, spot):
    from inspections.services import campaigns, draws

    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    draw = draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    url = reverse("inspections:public_draw", args=[draw.pk])
    bundle_url = reverse("inspections:public_draw_bundle", args=[draw.pk])
    before = client.get(url).content.decode()
    assert draw.commitment in before and draw.seed not in before
    assert "seed" not in json.loads(client.get(bundle_url).content)
    draws.draw_perform(actor=spot.supervisor, draw=draw)
    assert draw.seed not in client.get(url).content.decode()  # not while the visits are still to come
    assert "result" not in json.loads(client.get(bundle_url).content)
    Campaign.objects.filter(pk=spot.campaign.pk).update(
        period_start="2026-01-01", period_end="2026-01-31"
    )  # the sampling is over
    after = client.get(url)
    assert draw.seed in after.content.decode() and after.context["verification"].ok
    assert json.loads(client.get(bundle_url).content)["seed"] == draw.seed


@pytest.mark.parametrize("batches", [2, 6])
def test_worklists_run_a_fixed_number_of_queries(client, actors, batches, django_assert_max_num_queries):
    spot = SpotCheck(actors, enterprises=batches, roster=6, batches=batches)
    spot.start()
    for task in Task.objects.live().filter(campaign=spot.campaign):
        spot.sample(task)
    client.force_login(spot.supervisor)
    with django_assert_max_num_queries(25):
        client.get(spot.campaign.get_absolute_url())
    with django_assert_max_num_queries(12):
        client.get(reverse("inspections:review"))
    client.force_login(spot.technician)
    with django_assert_max_num_queries(12):
        client.get(reverse("inspections:lab"))
    client.force_login(spot.inspectors[0])
    with django_assert_max_num_queries(12):
        client.get(reverse("inspections:my_tasks"))


def test_the_enterprise_file_shows_its_spot_checks_and_the_stop_sale(client, spot, actors):
    spot.start()
    task = spot.task_at()
    spot.checked(task, cadmium="0.3")
    for user in (spot.supervisor, spot.enterprise_user):
        shown = page(client, user, "enterprises:detail", spot.enterprise.pk).content.decode()
        assert 'data-testid="stop-sale"' in shown and spot.campaign.title in shown
    # The enterprise never learns of a visit before it happens: its other drawn task is not listed.
    other = Task.objects.live().exclude(pk=task.pk).get(campaign=spot.campaign)
    other_user = enterprise_user(other.enterprise)
    assert (
        spot.campaign.title not in page(client, other_user, "enterprises:detail", other.enterprise.pk).content.decode()
    )


def test_the_enterprise_reads_its_results_follow_ups_and_publications_in_chinese(client, spot):
    spot.start()
    task = spot.task_at()
    lab_test = spot.checked(task, cadmium="0.3")
    testing.result_accept(actor=spot.enterprise_user, lab_test=lab_test)
    publication.results_publish(actor=spot.supervisor, campaign=spot.campaign, task_ids=[task.pk])
    response = page(client, spot.enterprise_user, "inspections:my_results")
    shown = response.content.decode()
    assert len(shown) < 50_000  # one page, not a template gone wrong
    assert "已告知我方的检验结果" in shown and "不合格" in shown and "停止生产销售" in shown
    assert reverse("inspections:publication_reply", args=[PublishedResult.objects.get().pk]) in shown
    assert 'data-testid="days-left"' in shown  # the rectification report countdown


def test_anyone_verifies_a_draw_with_the_two_files_the_public_page_offers(client, spot, tmp_path):
    import subprocess
    import sys

    spot.approve_and_draw()
    Campaign.objects.filter(pk=spot.campaign.pk).update(
        period_start="2026-01-01", period_end="2026-01-31"
    )  # the sampling is over
    draw = Draw.objects.get(campaign=spot.campaign)
    (tmp_path / "qs_draw.py").write_bytes(client.get(reverse("inspections:public_draw_algorithm")).content)
    bundle = tmp_path / "draw.json"
    bundle.write_bytes(client.get(reverse("inspections:public_draw_bundle", args=[draw.pk])).content)
    run = subprocess.run(  # in an empty folder: no portal, no Django, just the two downloads
        [sys.executable, "-I", "qs_draw.py", "draw.json"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and run.stdout.strip().endswith("VERIFIED")
    tampered = json.loads(bundle.read_text())
    tampered["result"]["strata"]["B"].reverse()
    bundle.write_text(json.dumps(tampered))
    again = subprocess.run(
        [sys.executable, "-I", "qs_draw.py", "draw.json"], cwd=tmp_path, capture_output=True, text=True
    )
    assert again.returncode == 1 and "NOT VERIFIED" in again.stdout


def test_an_inspector_reads_only_their_own_checks_on_an_enterprise_file(client, spot, actors):
    spot.start()
    task = spot.task_at()
    testing.result_accept(actor=spot.enterprise_user, lab_test=spot.checked(task, cadmium="0.3"))
    outsider = UserFactory(role=Role.INSPECTOR)
    from tests.factories import assign_task

    assign_task(outsider, spot.enterprise)  # a task of their own at the same enterprise
    shown = page(client, outsider, "enterprises:detail", spot.enterprise.pk).content.decode()
    assert spot.campaign.title not in shown  # the other inspectors' check, its verdict and its follow-up
    assert (
        spot.campaign.title
        in page(client, spot.inspector_of(task), "enterprises:detail", spot.enterprise.pk).content.decode()
    )


def test_the_laboratory_never_reads_the_objection_that_may_name_the_enterprise(client, spot):
    spot.start()
    lab_test = spot.checked(spot.task_at(), cadmium="0.3")
    testing.objection_file(actor=spot.enterprise_user, lab_test=lab_test, reasons=f"{spot.enterprise.name}不服检验结论")
    shown = page(client, spot.technician, "inspections:result", lab_test.pk).content.decode()
    assert spot.enterprise.name not in shown and spot.retest_lab.name not in shown


def test_replying_to_another_enterprises_publication_looks_like_a_missing_one(client, spot, other_enterprise):
    spot.start()
    task = spot.task_at()
    testing.result_accept(actor=spot.enterprise_user, lab_test=spot.checked(task, cadmium="0.3"))
    publication.results_publish(actor=spot.supervisor, campaign=spot.campaign, task_ids=[task.pk])
    row = PublishedResult.objects.get()
    client.force_login(enterprise_user(other_enterprise))
    other = client.post(reverse("inspections:publication_reply", args=[row.pk]), {"reply": "x"})
    missing = client.post(reverse("inspections:publication_reply", args=[row.pk + 100]), {"reply": "x"})
    assert other.status_code == missing.status_code == 404 and PublishedResult.objects.get().reply == ""
