"""Planning a campaign and moving it through its life: draft → approved → drawn → in progress → closed."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import Role
from core.audit import audit
from core.hygiene import text_problem, text_within
from core.transitions import require_perm, require_state
from enterprises.selectors import register_filter_form
from inspections.choices import CampaignStatus, TaskKind, TaskStatus
from inspections.models import Campaign, CampaignReferral, ConflictDeclaration, TestItem

OPINION_MAX_LENGTH = 2000  # a leader's opinion is a few lines, not a document


@transaction.atomic
def campaign_save(*, actor, campaign: Campaign, roster: Iterable | None = None) -> Campaign:
    """Create a campaign, or change one still in draft, with its inspector roster."""
    require_perm(actor, "inspections.plan_campaign")
    is_new = campaign.pk is None
    if not is_new:
        require_state(Campaign.objects.select_for_update().get(pk=campaign.pk), [CampaignStatus.DRAFT])
    else:
        campaign.created_by = actor
        campaign.status = CampaignStatus.DRAFT
    campaign.full_clean()
    _validate_pool_and_roster(campaign, roster)
    campaign._history_user = actor
    campaign.save()
    if roster is not None:
        campaign.roster.set(roster)
    audit(
        actor=actor, action="campaign.create" if is_new else "campaign.update", target=campaign, summary=str(campaign)
    )
    return campaign


def _validate_pool_and_roster(campaign: Campaign, roster: Iterable | None) -> None:
    errors = {}
    if not register_filter_form(campaign.pool_filters or {}).is_valid():
        errors["pool_filters"] = _("The eligible pool's filters are not valid.")
    if roster is not None and any(user.role != Role.INSPECTOR or not user.is_active for user in roster):
        errors["roster"] = _("The roster takes active inspectors only.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def test_item_save(*, actor, item: TestItem) -> TestItem:
    """Add or change a test item of a campaign still in draft (an item stays with its campaign)."""
    require_perm(actor, "inspections.plan_campaign")
    require_state(Campaign.objects.select_for_update().get(pk=item.campaign_id), [CampaignStatus.DRAFT])
    is_new = item.pk is None
    if not is_new and TestItem.objects.filter(pk=item.pk).exclude(campaign_id=item.campaign_id).exists():
        raise ValidationError({"campaign": _("A test item cannot move to another campaign.")})
    item.full_clean()
    item.save()
    audit(
        actor=actor,
        action="test_item.create" if is_new else "test_item.update",
        target=item,
        trail=item.campaign,
        summary=f"{item.name} {item.limit_text()}",
    )
    return item


@transaction.atomic
def test_item_remove(*, actor, item: TestItem) -> None:
    """A draft's test item can be taken out again: nothing has been tested against it yet."""
    require_perm(actor, "inspections.plan_campaign")
    campaign = Campaign.objects.select_for_update().get(pk=item.campaign_id)
    require_state(campaign, [CampaignStatus.DRAFT])
    audit(actor=actor, action="test_item.remove", target=item, trail=campaign, summary=item.name)
    item.delete()


@transaction.atomic
def campaign_approve(*, actor, campaign: Campaign, opinion: str = "") -> Campaign:
    """A leader approves the plan, with their opinion (审批意见) if they give one; from then on it is fixed."""
    require_perm(actor, "inspections.approve_campaign", campaign)
    if problem := text_problem(opinion, max_length=OPINION_MAX_LENGTH):
        raise ValidationError({"opinion": [problem]})
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_state(campaign, [CampaignStatus.DRAFT])
    problems = []
    if not campaign.items.exists():
        problems.append(_("Add at least one test item."))
    roster_size = campaign.roster.count()
    if roster_size < campaign.inspectors_per_task:
        problems.append(
            _("The roster has %(have)d inspectors; each task needs %(need)d.")
            % {"have": roster_size, "need": campaign.inspectors_per_task}
        )
    if not campaign.lab.is_approved:
        problems.append(_("The testing laboratory is not approved."))
    if problems:
        raise ValidationError(problems)
    campaign.status = CampaignStatus.APPROVED
    campaign.approved_by = actor
    campaign.approved_at = timezone.now()
    campaign.approval_opinion = opinion.strip()
    return _save(campaign, actor, "campaign.approve")


@transaction.atomic
def campaign_start(*, actor, campaign: Campaign) -> Campaign:
    """Open the drawn tasks for sampling. After this, the draw can no longer be redone."""
    require_perm(actor, "inspections.start_campaign", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_state(campaign, [CampaignStatus.DRAWN])
    campaign.status = CampaignStatus.IN_PROGRESS
    campaign.started_at = timezone.now()
    return _save(campaign, actor, "campaign.start")


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign, note: str = "") -> Campaign:
    """Close a campaign once every routine task has its final result (follow-ups go on after closing)."""
    require_perm(actor, "inspections.close_campaign", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_state(campaign, [CampaignStatus.IN_PROGRESS])
    open_tasks = campaign.tasks.filter(kind=TaskKind.ROUTINE).exclude(
        status__in=[TaskStatus.FINAL, TaskStatus.CANCELLED]
    )
    if count := open_tasks.count():
        raise ValidationError(
            ngettext("%d task has no final result yet.", "%d tasks have no final result yet.", count) % count
        )
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.close_note = note.strip()
    return _save(campaign, actor, "campaign.close")


def _save(campaign: Campaign, actor, action: str) -> Campaign:
    campaign._history_user = actor
    campaign.save()
    audit(actor=actor, action=action, target=campaign, summary=campaign.get_status_display())
    return campaign


@transaction.atomic
def referral_add(*, actor, campaign: Campaign, enterprise: Model, source: str, note: str) -> CampaignReferral:
    """Flag an enterprise into the draw (a complaint, referral or alert), before the draw is committed."""
    require_perm(actor, "inspections.plan_campaign")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_state(campaign, [CampaignStatus.DRAFT, CampaignStatus.APPROVED])
    referral = CampaignReferral(campaign=campaign, enterprise=enterprise, source=source, note=note, recorded_by=actor)
    referral.full_clean()
    referral.save()
    audit(actor=actor, action="campaign.referral", target=referral, trail=campaign, summary=str(referral))
    return referral


@transaction.atomic
def conflict_declare(*, actor, enterprise: Model, reason: str) -> ConflictDeclaration:
    """An inspector declares a conflict of interest with an enterprise; no draw sends them there again."""
    require_perm(actor, "inspections.declare_conflict")
    declaration = ConflictDeclaration(inspector=actor, enterprise=enterprise, reason=reason.strip())
    declaration.full_clean()
    declaration.save()
    audit(actor=actor, action="conflict.declare", target=declaration, summary=str(enterprise))
    return declaration


@transaction.atomic
def conflict_withdraw(*, actor, declaration: ConflictDeclaration, reason: str) -> ConflictDeclaration:
    require_perm(actor, "inspections.withdraw_conflict", declaration)
    declaration = ConflictDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.withdrawn_at:
        raise ValidationError(_("This declaration is already withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for withdrawing.")})
    declaration.withdrawn_at = timezone.now()
    declaration.withdraw_reason = text_within(
        reason, field="reason", max_length=ConflictDeclaration._meta.get_field("withdraw_reason").max_length
    )
    declaration.save()
    audit(actor=actor, action="conflict.withdraw", target=declaration, summary=reason.strip())
    return declaration
