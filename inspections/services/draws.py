"""The double-random draw (双随机) of a campaign: commit to a secret seed and frozen inputs, then reveal and draw.

Committing freezes the eligible pool (with each enterprise's weight), the roster and the conflicts into the
published inputs and publishes the SHA-256 of a fresh secret seed: from that moment the result is fixed, though
nobody outside can know it. Drawing reveals the seed and creates the tasks; anyone can re-run the algorithm on the
published inputs and seed (`manage.py verify_draw`, the public draw page, or `python -m inspections.draw`)."""

import json
import secrets
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.transitions import require_perm, require_state
from credit.selectors import draw_weights
from enterprises.selectors import enterprise_pool, enterprises_on_file
from inspections import draw as algorithm
from inspections.choices import CampaignStatus, DrawStatus, RedrawStatus, TaskStatus
from inspections.draw import STRATA
from inspections.models import Campaign, ConflictDeclaration, Draw, RedrawRequest, Task
from inspections.weights import pool_strata


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


WITNESS_MAX_LENGTH = 200


@dataclass
class Feasibility:
    """What a commitment would draw from, checked before any seed exists: the active roster, the pool members with
    their stratum and tickets, the conflicts, and the enterprises no roster member can staff (fewer than the
    campaign's inspectors per task are free of a conflict with them), which the commitment leaves out."""

    roster: list[int]
    members: dict[int, tuple[str, int]]
    conflicts: set[tuple[int, int]]
    unstaffable: dict[int, int] = field(default_factory=dict)  # enterprise: inspectors free of a conflict

    @property
    def drawable(self) -> dict[int, tuple[str, int]]:
        return {pk: member for pk, member in self.members.items() if pk not in self.unstaffable}


def draw_feasibility(campaign: Campaign) -> Feasibility:
    """The pool and roster of the campaign as a commitment would freeze them now (no seed involved)."""
    roster = sorted(campaign.roster.filter(is_active=True).values_list("pk", flat=True))
    flagged = set(campaign.referrals.values_list("enterprise_id", flat=True))
    members = pool_strata(pool_queryset(campaign).values_list("pk", flat=True), flagged=flagged)
    conflicts = {
        (enterprise, inspector) for enterprise, inspector in draw_conflicts(campaign, roster) if enterprise in members
    }
    return Feasibility(
        roster=roster, members=members, conflicts=conflicts, unstaffable=_unstaffable(campaign, roster, conflicts)
    )


def _unstaffable(campaign: Campaign, roster: list[int], conflicts: set[tuple[int, int]]) -> dict[int, int]:
    """The enterprises fewer than the campaign's inspectors per task of the roster can staff without a conflict,
    each with the number that can (none when the roster itself is too small: that fails the attempt as a whole)."""
    if len(roster) < campaign.inspectors_per_task:
        return {}
    taken: dict[int, int] = Counter(enterprise for enterprise, _inspector in conflicts)
    return {
        enterprise: len(roster) - count
        for enterprise, count in sorted(taken.items())
        if len(roster) - count < campaign.inspectors_per_task
    }


def unstaffable_enterprises(campaign: Campaign) -> QuerySet:
    """The enterprises a commitment made now would leave out, for the supervisor to see (and resolve) first. Reads
    the pool, the roster and the conflicts only: no grades or strata."""
    roster = sorted(campaign.roster.filter(is_active=True).values_list("pk", flat=True))
    pool = set(pool_queryset(campaign).values_list("pk", flat=True))
    conflicts = {
        (enterprise, inspector) for enterprise, inspector in draw_conflicts(campaign, roster) if enterprise in pool
    }
    return enterprises_on_file().filter(pk__in=list(_unstaffable(campaign, roster, conflicts))).order_by("name")


def draw_commit(*, actor, campaign: Campaign, witness: str = "", seed: str | None = None) -> Draw:
    """Freeze the inputs and publish the commitment.

    Before any seed exists, the enterprises no roster member can staff without a conflict are left out of the pool,
    each with its reason. An attempt that still cannot be made (a pool smaller than the batches, a roster smaller
    than a team) is recorded as a failed draw with its reason, public like any other, and then refused; so is a
    draw that fails once its seed exists (the seed is then published at once). A re-draw (the campaign is already
    drawn and no sampling has begun) needs a re-draw request approved by a leader; the earlier draw stays on
    record. A witness value, if typed, is recorded and the draw runs on the seed derived from it.

    The seed is always a fresh secret; `seed` exists only so that the demo city rebuilds identically (the views and
    the API never pass it)."""
    require_perm(actor, "inspections.perform_draw", campaign)
    witness = (witness or "").strip()
    if len(witness) > WITNESS_MAX_LENGTH:
        raise ValidationError({"witness": _("At most %d characters.") % WITNESS_MAX_LENGTH})
    with transaction.atomic():
        draw = _commit(actor=actor, campaign=campaign, witness=witness, seed=seed)
    if draw.status == DrawStatus.FAILED:  # recorded above, refused here
        raise ValidationError(_("The draw cannot be made: %s") % draw.failure)
    return draw


def _commit(*, actor, campaign: Campaign, witness: str, seed: str | None) -> Draw:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_state(campaign, [CampaignStatus.APPROVED, CampaignStatus.DRAWN])
    if campaign.draws.filter(status=DrawStatus.COMMITTED).exists():
        raise ValidationError(_("A commitment is already published for this campaign: make that draw first."))
    current = campaign.draws.filter(status=DrawStatus.DRAWN).first()
    request = None
    if current is not None:
        _refuse_if_sampling_began(current)
        request = campaign.redraw_requests.select_for_update().filter(status=RedrawStatus.APPROVED).first()
        if request is None:
            raise ValidationError(
                {"reason": _("A re-draw needs a supervisor's request with a written reason, approved by a leader.")}
            )

    feasibility = draw_feasibility(campaign)
    drawable = feasibility.drawable
    weights = draw_weights()
    exclusions = [
        {
            "enterprise": enterprise,
            "reason": _(
                "Only %(free)d inspectors of the roster are free of a conflict with it; a task needs %(needed)d."
            )
            % {"free": free, "needed": campaign.inspectors_per_task},
        }
        for enterprise, free in feasibility.unstaffable.items()
    ]
    sizes = Counter(stratum for stratum, _tickets in drawable.values())
    failure = ""
    if len(feasibility.roster) < campaign.inspectors_per_task:
        failure = _("The roster has %(roster)d active inspectors, fewer than the %(needed)d each task needs.") % {
            "roster": len(feasibility.roster),
            "needed": campaign.inspectors_per_task,
        }
    elif len(drawable) < campaign.batches:
        failure = _(
            "The pool holds %(eligible)d enterprises that can be staffed, fewer than the %(batches)d batches."
        ) % {"eligible": len(drawable), "batches": campaign.batches}
    number = (campaign.draws.aggregate(n=Max("number"))["n"] or 0) + 1
    draw = Draw(
        campaign=campaign,
        number=number,
        algorithm=algorithm.ALGORITHM,
        witness=witness,
        pool_size=len(drawable),
        exclusions=exclusions,
        committed_by=actor,
    )
    if failure:  # before any seed: nothing was tried
        draw.status, draw.failure = DrawStatus.FAILED, failure
        draw.strata = {name: {"weight": weights[name], "size": sizes[name], "batches": 0} for name in STRATA}
        draw.save()
        _audit_commit(draw)
        return draw

    key = secrets.token_hex(32)
    by_id = algorithm.member_pseudonyms(key, drawable)
    named = {member: enterprise for enterprise, member in by_id.items()}
    strata: dict[str, tuple[int, dict[str, int]]] = {name: (weights[name], {}) for name in STRATA}
    for enterprise, (stratum, tickets) in drawable.items():
        strata[stratum][1][by_id[enterprise]] = tickets
    conflicts = {(by_id[e], inspector) for e, inspector in feasibility.conflicts if e in by_id}
    inputs = algorithm.canonical_inputs(
        count=campaign.batches,
        per_task=campaign.inspectors_per_task,
        strata=strata,
        roster=feasibility.roster,
        conflicts=conflicts,
        excluded=len(exclusions),
    )
    parsed = json.loads(inputs)
    seed = seed or secrets.token_hex(32)
    draw.seed, draw.commitment, draw.pseudonym_key = seed, algorithm.commitment(seed), key
    draw.inputs, draw.inputs_digest = inputs, algorithm.digest(inputs)
    draw.strata = {
        name: {key_: stratum[key_] for key_ in ("weight", "size", "batches")}
        for name, stratum in parsed["strata"].items()
    }
    try:
        result = algorithm.draw_from_inputs(seed=draw.draw_seed, inputs=parsed)
    except algorithm.DrawError as exc:  # recorded with its seed, published at once: no seed is thrown away unseen
        draw.status, draw.failure = DrawStatus.FAILED, _("The draw failed once its seed existed: %s") % exc
        draw.save()
        _audit_commit(draw)
        return draw
    draw.result = result.as_json()  # fixed by the commitment; kept secret with the seed until revealed
    draw.assignments = {str(named[member]): team for member, team in result.teams.items()}
    draw.drawn = algorithm.drawn_summary(result, (named[member] for member in result.members))
    if request is not None:
        draw.redraw_request, draw.reason = request, request.reason
        request.status = RedrawStatus.USED
        request.save(update_fields=["status"])
    draw.save()
    _audit_commit(draw)
    return draw


def _audit_commit(draw: Draw) -> None:
    if draw.status == DrawStatus.FAILED:
        summary = _("Draw %(number)d failed: %(failure)s") % {"number": draw.number, "failure": draw.failure}
    else:
        summary = _("Draw %(number)d: commitment %(commitment)s") % {
            "number": draw.number,
            "commitment": draw.commitment,
        }
    audit(
        actor=draw.committed_by,
        action="draw.fail" if draw.status == DrawStatus.FAILED else "draw.commit",
        target=draw,
        trail=draw.campaign,
        summary=summary,
        commitment=draw.commitment,
        inputs_digest=draw.inputs_digest,
        witness=draw.witness,
        excluded=draw.exclusions,
        reason=draw.reason,
    )


@transaction.atomic
def redraw_request(*, actor, campaign: Campaign, reason: str) -> RedrawRequest:
    """A supervisor asks to redo the campaign's draw, in writing; a leader decides (`redraw_decide`)."""
    require_perm(actor, "inspections.request_redraw", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    require_state(campaign, [CampaignStatus.DRAWN])
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A re-draw needs a written reason.")})
    current = campaign.draws.filter(status=DrawStatus.DRAWN).first()
    if current is None:
        raise ValidationError(_("This campaign has no draw to redo."))
    _refuse_if_sampling_began(current)
    if campaign.redraw_requests.filter(status__in=[RedrawStatus.PENDING, RedrawStatus.APPROVED]).exists():
        raise ValidationError(_("This campaign already has a re-draw request open."))
    request = RedrawRequest.objects.create(campaign=campaign, draw=current, reason=reason.strip(), requested_by=actor)
    audit(
        actor=actor,
        action="draw.redraw_request",
        target=request,
        trail=campaign,
        summary=_("Re-draw of draw %(number)d requested: %(reason)s")
        % {"number": current.number, "reason": request.reason},
    )
    return request


@transaction.atomic
def redraw_decide(*, actor, request: RedrawRequest, approve: bool, note: str) -> RedrawRequest:
    """A leader approves or rejects a re-draw request, with a written reason; never their own request."""
    require_perm(actor, "inspections.decide_redraw", request.campaign)
    request = RedrawRequest.objects.select_for_update().get(pk=request.pk)
    require_state(request, [RedrawStatus.PENDING])
    if request.requested_by_id == actor.pk:
        raise ValidationError(_("A re-draw request is decided by another person than the one who asked for it."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason for the decision.")})
    if approve:
        _refuse_if_sampling_began(request.draw)
    request.record_decision(actor=actor, status=RedrawStatus.APPROVED if approve else RedrawStatus.REJECTED, note=note)
    audit(
        actor=actor,
        action="draw.redraw_approve" if approve else "draw.redraw_reject",
        target=request,
        trail=request.campaign,
        summary=request.decision_note,
    )
    return request


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

    teams = draw.task_assignments()
    tasks = Task.objects.bulk_create(
        Task(
            campaign=campaign,
            draw=draw,
            enterprise_id=enterprise_id,
            sample_from=campaign.period_start,
            due_on=campaign.period_end,
        )
        for enterprise_id in teams
    )
    Task.inspectors.through.objects.bulk_create(
        Task.inspectors.through(task_id=task.pk, user_id=inspector)
        for task in tasks
        for inspector in teams[task.enterprise_id]
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
