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
    # Not graded yet: all three in stratum B, under pseudonyms only (the pool names no enterprise).
    strata = before["inputs"]["strata"]
    assert {name: (s["size"], s["batches"]) for name, s in strata.items()} == {"A": (0, 0), "B": (3, 2), "C": (0, 0)}
    members = {algorithm.member_pseudonym(draw.pseudonym_key, e.pk) for e in spot.pool}
    assert {member for member, _tickets in strata["B"]["pool"]} == members
    draws.draw_perform(actor=spot.supervisor, draw=draw)
    draw.refresh_from_db()
    assert "seed" not in draw.verification_bundle()  # public only once the sampling it decided is over
    bundle = draw.verification_bundle(reveal=True)
    assert algorithm.verify(bundle).ok
    tasks = Task.objects.filter(draw=draw)
    assert tasks.count() == 2 and all(task.inspectors.count() == 2 for task in tasks)
    assert bundle["drawn"]["enterprises"] == sorted(tasks.values_list("enterprise_id", flat=True))
    # A tampered result, or another seed, does not verify.
    strata = {**bundle["result"]["strata"], "B": bundle["result"]["strata"]["B"][::-1]}
    tampered = {**bundle, "result": {**bundle["result"], "strata": strata}}
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


def test_a_redraw_needs_an_approved_request_and_keeps_the_earlier_draw(spot):
    spot.approve_and_draw()
    first = Draw.objects.get(campaign=spot.campaign)
    with pytest.raises(ValidationError) as excinfo:
        draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    assert "reason" in excinfo.value.message_dict
    request = draws.redraw_request(actor=spot.supervisor, campaign=spot.campaign, reason="抽查名单录入错误")
    draws.redraw_decide(actor=spot.leader, request=request, approve=True, note="同意")
    second = draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    with pytest.raises(ValidationError):  # one pending commitment at a time
        draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    draws.draw_perform(actor=spot.supervisor, draw=second)
    first.refresh_from_db()
    assert first.status == DrawStatus.SUPERSEDED and algorithm.verify(first.verification_bundle(reveal=True)).ok
    assert set(first.tasks.values_list("status", flat=True)) == {TaskStatus.CANCELLED}
    assert set(first.tasks.values_list("cancel_reason", flat=True)) == {"抽查名单录入错误"}
    assert Task.objects.live().filter(campaign=spot.campaign).count() == 2


def test_no_redraw_once_the_campaign_has_started(spot):
    spot.start()
    with pytest.raises(ValidationError):
        draws.redraw_request(actor=spot.supervisor, campaign=spot.campaign, reason="too late")
    with pytest.raises(ValidationError):
        draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)


def test_a_pool_smaller_than_the_batches_is_refused_before_any_seed_and_recorded(spot):
    spot.campaign.batches = 10
    spot.campaign.save()
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    with pytest.raises(ValidationError, match="10"):
        draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    failed = Draw.objects.get()
    assert failed.status == DrawStatus.FAILED and "10" in failed.failure and failed.seed == "" == failed.commitment


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
    draw = Draw.objects.get(campaign=nxt.campaign)
    inputs = draw.published_inputs()
    for enterprise_id, team in previous_teams.items():
        assert not team & set(nxt.task_at(EnterpriseFactory._meta.model(pk=enterprise_id)).inspectors.all())
        member = algorithm.member_pseudonym(draw.pseudonym_key, enterprise_id)  # published under its pseudonym
        assert all([member, inspector.pk] in inputs["conflicts"] for inspector in team)
        assert not any(pair[0] == enterprise_id for pair in inputs["conflicts"])


def test_every_grade_is_its_own_stratum_and_grade_a_is_drawn_too(spot, monkeypatch):
    a, c = spot.pool[1], spot.pool[2]
    monkeypatch.setattr("inspections.weights.current_grades_and_risks", lambda ids: {a.pk: ("A", 0), c.pk: ("C", 0)})
    spot.campaign.batches = 3
    spot.campaign.save()
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    draw = draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    assert draw.strata == {
        "A": {"weight": 1, "size": 1, "batches": 1},
        "B": {"weight": 3, "size": 1, "batches": 1},
        "C": {"weight": 9, "size": 1, "batches": 1},
    }
    assert draw.published_inputs()["strata"]["A"]["pool"] == [[algorithm.member_pseudonym(draw.pseudonym_key, a.pk), 1]]
    draws.draw_perform(actor=spot.supervisor, draw=draw)
    assert a.pk in draw.drawn["enterprises"] and Task.objects.filter(draw=draw, enterprise=a).exists()


def test_a_flagged_grade_a_enterprise_is_drawn_like_any_other(spot, monkeypatch):
    a = spot.pool[1]
    monkeypatch.setattr("inspections.weights.current_grades_and_risks", lambda ids: {a.pk: ("A", 0)})
    campaigns.referral_add(
        actor=spot.supervisor, campaign=spot.campaign, enterprise=a, source=ReferralSource.COMPLAINT, note="投诉"
    )
    campaigns.campaign_approve(actor=spot.leader, campaign=spot.campaign)
    draw = draws.draw_commit(actor=spot.supervisor, campaign=spot.campaign)
    assert draw.membership(a.pk) is None  # shown to the enterprise only after the draw
    draw = draws.draw_perform(actor=spot.supervisor, draw=draw)
    assert draw.membership(a.pk)["stratum"] == "B"  # drawn at B's rate, in stratum B


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
    bundle["inputs"]["strata"]["B"]["pool"][0][1] = 5  # a pool edited after the commitment
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
