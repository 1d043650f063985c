"""The double-random draw (双随机) of a campaign: commit to a secret seed and frozen inputs, then reveal and draw.

Committing freezes the eligible pool (with each enterprise's weight), the roster and the conflicts into the
published inputs and publishes the SHA-256 of a fresh secret seed: from that moment the result is fixed, though
nobody outside can know it. Drawing reveals the seed and creates the tasks; anyone can re-run the algorithm on the
published inputs and seed (`manage.py verify_draw`, the public draw page, or `python -m inspections.draw`)."""

import json
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.transitions import require_perm, require_state
from enterprises.selectors import enterprise_pool
from inspections import draw as algorithm
from inspections.choices import CampaignStatus, DrawStatus, TaskStatus
from inspections.models import Campaign, ConflictDeclaration, Draw, Task
from inspections.weights import pool_weights


def pool_queryset(campaign: Campaign) -> QuerySet:
    """The campaign's eligible pool: active enterprises matching its filters over the register."""
    try:
        return enterprise_pool(campaign.pool_filters or {})
    except ValidationError:
        raise ValidationError({"pool_filters": _("The eligible pool's filters are not valid.")}) from None


def draw_conflicts(campaign: Campaign, roster: list[int]) -> set[tuple[int, int]]:
    """(enterprise, inspector) pairs the draw must avoid: declared conflicts, and the inspectors who checked the
    enterprise in the last campaign that checked it."""
    declared = ConflictDeclaration.objects.filter(withdrawn_at__isnull=True, inspector_id__in=roster)
    pairs = set(declared.values_list("enterprise_id", "inspector_id"))
    last_campaign = (
        Task.objects.live()
        .filter(enterprise=OuterRef("task__enterprise"))
        .exclude(campaign=campaign)
        .order_by("-created_at", "-pk")
        .values("campaign")[:1]
    )
    previous = (
        Task.inspectors.through.objects.filter(user_id__in=roster)
        .exclude(task__campaign=campaign)
        .exclude(task__status=TaskStatus.CANCELLED)
        .filter(task__campaign=Subquery(last_campaign))
    )
    pairs.update(previous.values_list("task__enterprise_id", "user_id"))
    return pairs


@transaction.atomic
def draw_commit(*, actor, campaign: Campaign, reason: str = "", seed: str | None = None) -> Draw:
    """Freeze the inputs and publish the commitment. A re-draw (the campaign is already drawn and no sampling has
    begun) needs a written reason; the earlier draw stays on record.

    The seed is always a fresh secret; `seed` exists only so that the demo city rebuilds identically (the views and
    the API never pass it)."""
    require_perm(actor, "inspections.perform_draw", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_state(campaign, [CampaignStatus.APPROVED, CampaignStatus.DRAWN])
    if campaign.draws.filter(status=DrawStatus.COMMITTED).exists():
        raise ValidationError(_("A commitment is already published for this campaign: make that draw first."))
    current = campaign.draws.filter(status=DrawStatus.DRAWN).first()
    if current is not None:
        if not reason.strip():
            raise ValidationError({"reason": _("A re-draw needs a written reason.")})
        _refuse_if_sampling_began(current)

    roster = sorted(campaign.roster.filter(is_active=True).values_list("pk", flat=True))
    flagged = set(campaign.referrals.values_list("enterprise_id", flat=True))
    pool = pool_weights(pool_queryset(campaign).values_list("pk", flat=True), flagged=flagged)
    eligible = sum(1 for weight in pool.values() if weight > 0)
    if eligible < campaign.batches:
        raise ValidationError(
            _("The eligible pool holds %(eligible)d enterprises that may be drawn, fewer than the %(batches)d batches.")
            % {"eligible": eligible, "batches": campaign.batches}
        )
    if len(roster) < campaign.inspectors_per_task:
        raise ValidationError(_("The roster has fewer active inspectors than each task needs."))
    conflicts = {
        (enterprise, inspector) for enterprise, inspector in draw_conflicts(campaign, roster) if enterprise in pool
    }
    inputs = algorithm.canonical_inputs(
        count=campaign.batches, per_task=campaign.inspectors_per_task, pool=pool, roster=roster, conflicts=conflicts
    )
    seed = seed or secrets.token_hex(32)
    try:
        result = algorithm.draw_from_inputs(seed=seed, inputs=json.loads(inputs))
    except algorithm.DrawError as exc:
        raise ValidationError(_("The draw cannot be made with this roster: %s") % exc) from exc
    number = (campaign.draws.aggregate(n=Max("number"))["n"] or 0) + 1
    draw = Draw.objects.create(
        campaign=campaign,
        number=number,
        reason=reason.strip(),
        algorithm=algorithm.ALGORITHM,
        seed=seed,
        commitment=algorithm.commitment(seed),
        inputs=inputs,
        inputs_digest=algorithm.digest(inputs),
        pool_size=len(pool),
        result=result.as_json(),  # fixed by the commitment; kept secret with the seed until the draw
        committed_by=actor,
    )
    audit(
        actor=actor,
        action="draw.commit",
        target=draw,
        trail=campaign,
        summary=_("Draw %(number)d: commitment %(commitment)s") % {"number": number, "commitment": draw.commitment},
        commitment=draw.commitment,
        inputs_digest=draw.inputs_digest,
        reason=draw.reason,
    )
    return draw


def _refuse_if_sampling_began(current: Draw) -> None:
    if current.tasks.exclude(status=TaskStatus.ASSIGNED).exists():
        raise ValidationError(_("Sampling has begun on the current draw's tasks: it can no longer be redone."))


@transaction.atomic
def draw_perform(*, actor, draw: Draw) -> Draw:
    """Reveal the seed and create the tasks: each drawn enterprise gets a task for its drawn inspectors."""
    require_perm(actor, "inspections.perform_draw", draw.campaign)
    campaign = Campaign.objects.select_for_update().get(pk=draw.campaign_id)
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    require_state(draw, [DrawStatus.COMMITTED])
    require_state(campaign, [CampaignStatus.APPROVED, CampaignStatus.DRAWN])
    now = timezone.now()
    current = campaign.draws.filter(status=DrawStatus.DRAWN).first()
    if current is not None:
        _refuse_if_sampling_began(current)
        current.status = DrawStatus.SUPERSEDED
        current.superseded_at = now
        current.save(update_fields=["status", "superseded_at"])
        current.tasks.update(status=TaskStatus.CANCELLED, cancelled_at=now, cancel_reason=draw.reason)

    tasks = Task.objects.bulk_create(
        Task(
            campaign=campaign,
            draw=draw,
            enterprise_id=enterprise_id,
            sample_from=campaign.period_start,
            due_on=campaign.period_end,
        )
        for enterprise_id in draw.result["enterprises"]
    )
    teams = draw.result["inspectors"]
    Task.inspectors.through.objects.bulk_create(
        Task.inspectors.through(task_id=task.pk, user_id=inspector)
        for task in tasks
        for inspector in teams[str(task.enterprise_id)]
    )
    draw.status = DrawStatus.DRAWN
    draw.drawn_by = actor
    draw.drawn_at = now
    draw.save(update_fields=["status", "drawn_by", "drawn_at"])
    campaign.status = CampaignStatus.DRAWN
    campaign._history_user = actor
    campaign.save()
    audit(
        actor=actor,
        action="draw.perform",
        target=draw,
        trail=campaign,
        summary=_("Draw %(number)d made: %(count)d enterprises") % {"number": draw.number, "count": len(tasks)},
        seed=draw.seed,
        superseded=current.pk if current else None,
    )
    return draw
