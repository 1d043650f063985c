"""A refused sampling no longer opens a follow-up (a rectification chain): it is a violation with its own penalty,
proposed to a leader. Each open follow-up of a refused routine task is closed (outcome "refusal", the stop-sale
lifted: no product failed) and a penalty proposal awaits the leader in its place. Closed ones stay as they were."""

from django.db import migrations
from django.utils import timezone

GROUNDS = (
    "拒绝监督抽查属于违反《中华人民共和国产品质量法》的行为，依照第五十六条提出处罚建议。"
    "（由原后处理记录转入；当事人享有陈述、申辩和听证的权利。）"
)


def forwards(apps, schema_editor):
    FollowUp = apps.get_model("inspections", "FollowUp")
    DecisionProposal = apps.get_model("inspections", "DecisionProposal")
    now = timezone.now()
    refused = FollowUp.objects.filter(task__kind="routine", task__verdict="refused").exclude(stage="closed")
    for follow_up in refused.select_related("task"):
        follow_up.stage, follow_up.outcome, follow_up.closed_at = "closed", "refusal", now
        follow_up.stop_sale_lifted_at = follow_up.stop_sale_lifted_at or now
        follow_up.save(update_fields=["stage", "outcome", "closed_at", "stop_sale_lifted_at"])
        if not DecisionProposal.objects.filter(task_id=follow_up.task_id, kind="refusal_penalty").exists():
            DecisionProposal.objects.create(
                kind="refusal_penalty",
                status="pending",
                enterprise_id=follow_up.enterprise_id,
                task_id=follow_up.task_id,
                grounds=GROUNDS,
                proposed_at=now,
            )


def backwards(apps, schema_editor):
    FollowUp = apps.get_model("inspections", "FollowUp")
    DecisionProposal = apps.get_model("inspections", "DecisionProposal")
    moved = FollowUp.objects.filter(outcome="refusal")
    DecisionProposal.objects.filter(
        task_id__in=moved.values("task_id"), kind="refusal_penalty", status="pending", grounds=GROUNDS
    ).delete()
    moved.update(stage="rectifying", outcome="", closed_at=None, stop_sale_lifted_at=None)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_followup_decisions_province_report")]

    operations = [migrations.RunPython(forwards, backwards)]
