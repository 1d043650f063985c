"""Campaigns move draft → approved → drawn → in progress → closed, each step by its role; the draw is verifiable."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from core.models import AuditEntry
from inspections import draw as algorithm
from inspections.choices import CampaignStatus, DrawStatus, ReferralSource, TaskStatus
from inspections.models import Campaign, Draw, Task
from inspections.services import campaigns, draws
from tests.factories import EnterpriseFactory
from tests.spotcheck import SpotCheck

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def spot(actors):
    return SpotCheck(actors, enterprises=3)


def test_a_supervisor_plans_and_only_a_leader_approves(spot, actors):
    assert spot.campaign.status == CampaignStatus.DRAFT and spot.campaign.created_by == spot.supervisor
    for role in (Role.SUPERVISOR, Role.INSPECTOR, Role.ENTERPRISE, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            campaigns.campaign_approve(actor=actors[role], campaign=spot.campaign)
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    spot.campaign.refresh_from_db()
    assert spot.campaign.status == CampaignStatus.APPROVED and spot.campaign.approved_by == spot.leader
    actions = list(AuditEntry.objects.filter(trail=f"inspections.campaign:{spot.campaign.pk}").values_list("action"))
    assert ("campaign.approve",) in actions and ("campaign.create",) in actions


def test_an_approved_plan_is_fixed(spot):
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    spot.campaign.title = "改了"
    with pytest.raises(ValidationError, match="草稿"):
        campaigns.campaign_save(actor=spot.supervisor, campaign=spot.campaign)
    with pytest.raises(ValidationError):
        campaigns.test_item_remove(actor=spot.supervisor, item=spot.cadmium)
    assert Campaign.objects.get(pk=spot.campaign.pk).title == "大米产品质量监督抽查"


def test_approval_needs_test_items_and_a_large_enough_roster(spot):
    spot.campaign.roster.set(spot.inspectors[:1])
    for item in (spot.cadmium, spot.labelling):
        campaigns.test_item_remove(actor=spot.supervisor, item=item)
    with pytest.raises(ValidationError) as excinfo:
        campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    assert len(excinfo.value.messages) == 2
    assert Campaign.objects.get(pk=spot.campaign.pk).status == CampaignStatus.DRAFT


def test_a_test_item_needs_the_limits_its_kind_names(spot):
    spot.cadmium.upper = None
    with pytest.raises(ValidationError) as excinfo:
        campaigns.test_item_save(actor=spot.supervisor, item=spot.cadmium)
    assert "upper" in excinfo.value.message_dict


def test_steps_out_of_order_are_refused(spot):
    with pytest.raises(ValidationError):
        campaigns.campaign_start(actor=spot.supervisor, campaign=spot.campaign)  # not drawn yet
    with pytest.raises(ValidationError):
        draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)  # not approved yet
    with pytest.raises(ValidationError):
        campaigns.campaign_close(actor=spot.leader, campaign=spot.campaign)


def test_the_draw_publishes_a_commitment_then_reveals_a_result_anyone_can_rerun(spot):
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    draw = draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    before = draw.verification_bundle()
    assert "seed" not in before and "result" not in before  # nothing to learn before the draw
    assert before["commitment"] == algorithm.commitment(draw.seed)
    assert before["inputs"]["pool"] == sorted([e.pk, 1] for e in spot.pool)
    draws.draw_perform(actor=spot.supervisor, draw=draw)
    draw.refresh_from_db()
    assert "seed" not in draw.verification_bundle()  # public only once the sampling it decided is over
    bundle = draw.verification_bundle(reveal=True)
    assert algorithm.verify(bundle).ok
    tasks = Task.objects.filter(draw=draw)
    assert tasks.count() == 2 and all(task.inspectors.count() == 2 for task in tasks)
    assert sorted(bundle["result"]["enterprises"]) == sorted(tasks.values_list("enterprise_id", flat=True))
    # A tampered result, or another seed, does not verify.
    tampered = {**bundle, "result": {**bundle["result"], "enterprises": bundle["result"]["enterprises"][::-1]}}
    assert not algorithm.verify(tampered).result_matches
    assert not algorithm.verify({**bundle, "seed": "0" * 64}).commitment_matches


def test_the_draw_verifies_with_nothing_but_python(spot, tmp_path):
    spot.approve_and_draw()
    draw = Draw.objects.get(campaign=spot.campaign)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(draw.verification_bundle(reveal=True)))
    result = subprocess.run(
        [sys.executable, "-m", "inspections.draw", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "VERIFIED" in result.stdout


def test_a_redraw_needs_a_reason_and_keeps_the_earlier_draw(spot):
    spot.approve_and_draw()
    first = Draw.objects.get(campaign=spot.campaign)
    with pytest.raises(ValidationError) as excinfo:
        draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    assert "reason" in excinfo.value.message_dict
    second = draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign, reason="抽查名单录入错误")
    with pytest.raises(ValidationError):  # one pending commitment at a time
        draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign, reason="again")
    draws.draw_perform(actor=spot.supervisor, draw=second)
    first.refresh_from_db()
    assert first.status == DrawStatus.SUPERSEDED and algorithm.verify(first.verification_bundle(reveal=True)).ok
    assert set(first.tasks.values_list("status", flat=True)) == {TaskStatus.CANCELLED}
    assert set(first.tasks.values_list("cancel_reason", flat=True)) == {"抽查名单录入错误"}
    assert Task.objects.live().filter(campaign=spot.campaign).count() == 2


def test_no_redraw_once_the_campaign_has_started(spot):
    spot.start()
    with pytest.raises(ValidationError):
        draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign, reason="too late")


def test_a_pool_smaller_than_the_batches_is_refused_before_anything_is_published(spot):
    spot.campaign.batches = 10
    spot.campaign.save()
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    with pytest.raises(ValidationError, match="少于计划抽取的 10 批次"):
        draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    assert not Draw.objects.exists()


def test_declared_conflicts_and_last_campaigns_inspectors_are_never_drawn(actors):
    spot = SpotCheck(actors, enterprises=3, roster=7)
    inspector = spot.inspectors[0]
    campaigns.conflict_declare(actor=inspector, enterprise=spot.enterprise, reason="配偶在该企业任职")
    with pytest.raises(ValidationError):
        campaigns.conflict_declare(actor=inspector, enterprise=spot.enterprise, reason="twice")
    spot.campaign.batches = 3
    spot.campaign.save()
    spot.approve_and_draw()
    assert inspector not in spot.task_at().inspectors.all()
    # The next campaign over the same pool: no inspector checks an enterprise they checked last time.
    previous_teams = {task.enterprise_id: set(task.inspectors.all()) for task in Task.objects.live()}
    nxt = SpotCheck.__new__(SpotCheck)
    nxt.__dict__.update(spot.__dict__)
    nxt.campaign = nxt.plan(batches=3, is_food=False)
    nxt.approve_and_draw()
    inputs = Draw.objects.get(campaign=nxt.campaign).published_inputs()
    for enterprise_id, team in previous_teams.items():
        assert not team & set(nxt.task_at(EnterpriseFactory._meta.model(pk=enterprise_id)).inspectors.all())
        assert all([enterprise_id, member.pk] in inputs["conflicts"] for member in team)


def test_grade_a_sits_out_unless_flagged_and_c_weighs_more(spot, monkeypatch):
    a, c = spot.pool[1], spot.pool[2]
    monkeypatch.setattr("inspections.weights.current_grades_and_risks", lambda ids: {a.pk: ("A", 0), c.pk: ("C", 0)})
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    draw = draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    weights = dict(map(tuple, draw.published_inputs()["pool"]))
    assert weights == {spot.enterprise.pk: 1, a.pk: 0, c.pk: 3}
    draws.draw_perform(actor=spot.supervisor, draw=draw)
    assert a.pk not in draw.result["enterprises"]  # 2 batches from the two that may be drawn


def test_a_flagged_grade_a_enterprise_is_drawn_like_any_other(spot, monkeypatch):
    a = spot.pool[1]
    monkeypatch.setattr("inspections.weights.current_grades_and_risks", lambda ids: {a.pk: ("A", 0)})
    campaigns.referral_add(
        actor=spot.supervisor, campaign=spot.campaign, enterprise=a, source=ReferralSource.COMPLAINT, note="投诉"
    )
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    draw = draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    assert [a.pk, 1] in draw.published_inputs()["pool"]


def test_closing_waits_for_every_final_result(spot):
    spot.start()
    with pytest.raises(ValidationError, match="没有最终结果"):
        campaigns.campaign_close(actor=spot.leader, campaign=spot.campaign)


def test_the_management_command_reruns_a_draw_on_file_or_from_a_downloaded_file(spot, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    spot.approve_and_draw()
    draw = Draw.objects.get(campaign=spot.campaign)
    out = StringIO()
    call_command("verify_draw", str(draw.pk), stdout=out)
    assert "VERIFIED (2 enterprises)" in out.getvalue()
    bundle = draw.verification_bundle(reveal=True)
    bundle["inputs"]["pool"][0][1] = 5  # a pool edited after the commitment
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(CommandError, match="NOT VERIFIED"):
        call_command("verify_draw", "--file", str(path), stdout=StringIO())


def test_the_daily_task_finalises_lapsed_objection_windows_once(actors):
    import datetime

    from core.models import JobRun
    from inspections.models import LabTest
    from inspections.tasks import finalise_unobjected_results_task

    spot = SpotCheck(actors)
    spot.start()
    lab_test = spot.checked(spot.task_at(), cadmium="0.3")
    LabTest.objects.filter(pk=lab_test.pk).update(objection_due_on=datetime.date(2026, 1, 1))
    assert finalise_unobjected_results_task.delay().get() == 1
    assert finalise_unobjected_results_task.delay().get() == 0
    assert spot.task_at().status == TaskStatus.FINAL
    assert JobRun.objects.filter(name="finalise_unobjected_results").count() == 2


def test_the_roster_takes_active_inspectors_and_the_pool_valid_filters(spot, actors):
    with pytest.raises(ValidationError) as excinfo:
        campaigns.campaign_save(actor=spot.supervisor, campaign=spot.campaign, roster=[actors[Role.LAB_TECHNICIAN]])
    assert "roster" in excinfo.value.message_dict
    spot.campaign.pool_filters = {"scale": "giant"}
    with pytest.raises(ValidationError) as excinfo:
        campaigns.campaign_save(actor=spot.supervisor, campaign=spot.campaign)
    assert "pool_filters" in excinfo.value.message_dict


def test_the_public_reads_seed_and_result_once_the_sampling_is_over(spot):
    import datetime

    spot.start()
    draw = Draw.objects.get(campaign=spot.campaign)
    assert not draw.is_revealed and "result" not in draw.verification_bundle()
    Campaign.objects.filter(pk=spot.campaign.pk).update(
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 31)
    )
    draw = Draw.objects.get(pk=draw.pk)
    assert draw.is_revealed and algorithm.verify(draw.verification_bundle()).ok
