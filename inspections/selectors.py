"""Reads over spot checks: worklists, queues and deadlines. Each takes the user (or is for staff only) and runs a
fixed number of queries whatever its length."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from inspections.choices import (
    FAILED_VERDICTS,
    CampaignStatus,
    DrawStatus,
    FollowUpStage,
    LabTestStatus,
    TaskKind,
    TaskStatus,
)
from inspections.models import (
    Campaign,
    DecisionProposal,
    Draw,
    FollowUp,
    ItemResult,
    LabTest,
    PublishedResult,
    Task,
)
from inspections.models.followups import recheck_overdue, report_overdue


def campaign_list() -> QuerySet[Campaign]:
    """Campaigns with their task counts by status, newest first."""
    return Campaign.objects.select_related("lab").annotate(
        task_count=Count("tasks", filter=~Q(tasks__status=TaskStatus.CANCELLED)),
        final_count=Count("tasks", filter=Q(tasks__status=TaskStatus.FINAL)),
    )


def task_list(user) -> QuerySet[Task]:
    """The tasks this user may see, with what a worklist row shows."""
    return (
        Task.objects.visible_to(user)
        .select_related("campaign", "enterprise__district", "sampling")
        .prefetch_related("inspectors")
    )


def inspector_worklist(user) -> QuerySet[Task]:
    """An inspector's tasks still to sample, soonest due first (cancelled and finished ones are not work)."""
    return task_list(user).filter(status=TaskStatus.ASSIGNED).order_by("due_on", "pk")


def lab_queue(user) -> QuerySet[LabTest]:
    """The samples waiting at this technician's laboratories, oldest first, each marked `has_draft` when findings
    are saved but not yet submitted. Blind: no enterprise is loaded."""
    return (
        LabTest.objects.visible_to(user)
        .filter(status=LabTestStatus.PENDING)
        .annotate(has_draft=Exists(ItemResult.objects.filter(lab_test=OuterRef("pk"))))
        .select_related("lab", "task__campaign")
        .order_by("received_at", "pk")
    )


def lab_submitted(user) -> QuerySet[LabTest]:
    """The results this technician's laboratories have submitted, newest first, with their computed verdict and
    where the review stands. Blind like the queue: no enterprise is loaded."""
    return (
        LabTest.objects.visible_to(user)
        .exclude(status=LabTestStatus.PENDING)
        .select_related("lab", "task__campaign")
        .order_by("-submitted_at", "-pk")
    )


def review_queue() -> QuerySet[LabTest]:
    """Results awaiting a staff reviewer's approval, or approved and waiting to be notified."""
    return (
        LabTest.objects.filter(status__in=[LabTestStatus.SUBMITTED, LabTestStatus.APPROVED])
        .select_related("lab", "task__campaign", "task__enterprise")
        .order_by("status", "submitted_at", "pk")
    )


def enterprise_results(user) -> QuerySet[LabTest]:
    """The results notified to this enterprise user's enterprise, newest first."""
    return (
        LabTest.objects.visible_to(user)
        .select_related("task__campaign", "task__sampling", "lab", "objection")
        .order_by("-notified_at", "-pk")
    )


def follow_up_list(user) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.visible_to(user)
        .select_related("enterprise__district", "task__campaign")
        .prefetch_related(Prefetch("rechecks", queryset=Task.objects.order_by("recheck_round")))
    )


def proposal_list(user) -> QuerySet[DecisionProposal]:
    """The decisions proposed to a leader that `user` may read (an enterprise: those decided on it)."""
    return DecisionProposal.objects.visible_to(user).select_related(
        "enterprise", "task__campaign", "follow_up", "proposed_by", "decided_by"
    )


@dataclass(frozen=True)
class Deadline:
    """One overdue (or due) step, as listed on the staff deadline worklist."""

    due_on: datetime.date
    what: str
    enterprise: str
    url: str


def overdue_follow_ups(*, today: datetime.date) -> QuerySet[FollowUp]:
    """Open follow-ups whose current step is past its due date: the rectification report, the first re-check,
    or the second re-check window."""
    return (
        FollowUp.objects.open()
        .filter((Q(stage=FollowUpStage.RECTIFYING) & report_overdue(today)) | recheck_overdue(today))
        .select_related("enterprise", "task__campaign")
        .order_by("ordered_on", "pk")
    )


def overdue_publications(*, today: datetime.date) -> QuerySet[Task]:
    """Final results not published by their deadline (20 working days after the result)."""
    return (
        Task.objects.filter(status=TaskStatus.FINAL, publication__isnull=True, publish_due_on__lt=today)
        .select_related("enterprise", "campaign")
        .order_by("publish_due_on", "pk")
    )


def overdue_sampling(*, today: datetime.date) -> QuerySet[Task]:
    """Tasks not sampled by their due date."""
    return (
        Task.objects.filter(status=TaskStatus.ASSIGNED, due_on__lt=today)
        .select_related("enterprise", "campaign")
        .prefetch_related("inspectors")
        .order_by("due_on", "pk")
    )


def published_results(campaign: Campaign) -> QuerySet[PublishedResult]:
    """What the public reads of a campaign: its published results, not withdrawn."""
    return (
        PublishedResult.objects.standing().filter(campaign=campaign).order_by("district_name", "enterprise_name", "pk")
    )


def public_campaigns() -> QuerySet[Campaign]:
    """Campaigns with something public: a published result still standing, or at least a draw commitment. (Not an
    OR over two joins: a campaign with no publication at all would match "not withdrawn" through its NULL row.)"""
    published = PublishedResult.objects.standing().filter(campaign=OuterRef("pk"))
    drawn = Draw.objects.filter(campaign=OuterRef("pk"))
    return Campaign.objects.filter(Exists(published) | Exists(drawn)).order_by("-year", "-pk")


# Read by portal


def campaigns_with_results() -> QuerySet[Campaign]:
    """Campaigns with a published result standing, newest first: one probe of the results' campaign index each."""
    published = PublishedResult.objects.standing().filter(campaign=OuterRef("pk"))
    return Campaign.objects.filter(Exists(published)).order_by("-year", "-pk")


def standing_results() -> QuerySet[PublishedResult]:
    """Every published result not withdrawn, across campaigns: the snapshot is all the public reads, never the task
    or lab test."""
    return PublishedResult.objects.standing()


def public_draws() -> QuerySet[Draw]:
    """Every draw, newest first, with its campaign and without its bulky inputs, result and seed: a draw's
    verification page is public from its commitment on (its seed and result only once revealed, which
    Draw.is_revealed decides)."""
    return (
        Draw.objects.select_related("campaign")
        .defer("inputs", "result", "seed", "assignments", "drawn", "pseudonym_key", "exclusions")
        .order_by("-committed_at", "-pk")
    )


OWN_DRAWS_SHOWN = 20


def own_draw_memberships(user) -> list[tuple[Draw, dict]]:
    """(draw, membership) for the latest draws made whose pool held the user's enterprise: what the bureau shows
    the enterprise (never another's). The database finds the pseudonym in each published text (`Draw.membership`)."""
    enterprise_id = getattr(user, "enterprise_id", None)
    if not enterprise_id:
        return []
    made = (
        Draw.objects.filter(status__in=[DrawStatus.DRAWN, DrawStatus.SUPERSEDED])
        .exclude(pseudonym_key="")
        .select_related("campaign")
        .order_by("-committed_at", "-pk")
    )
    found = []
    for draw in made.defer("inputs", "assignments", "exclusions")[:OWN_DRAWS_SHOWN]:
        membership = draw.membership(enterprise_id)
        if membership is not None:
            found.append((draw, membership))
    return found


# Read by analysis


def final_routine_tasks() -> QuerySet[Task]:
    """Routine tasks (re-checks left out) with their final result, each with the moment it became final: what the
    result summary counts."""
    return Task.objects.filter(status=TaskStatus.FINAL, kind=TaskKind.ROUTINE, finalised_at__isnull=False)


def open_follow_ups() -> QuerySet[FollowUp]:
    """Follow-ups not closed, for set-based summaries."""
    return FollowUp.objects.open()


def follow_up_overdue_conditions(today: datetime.date) -> tuple[Q, Q]:
    """The conditions on a follow-up of (its rectification report is overdue, its re-check is overdue) on `today`:
    the one definition the deadline worklist and the credit grade use too."""
    return report_overdue(today), recheck_overdue(today)


# Read by brands and complaints


def failed_results() -> QuerySet[Task]:
    """Final spot-check results with a failing verdict, for a caller that narrows them (by enterprise, by date)."""
    return Task.objects.filter(status=TaskStatus.FINAL, verdict__in=FAILED_VERDICTS)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def failed_results_since(enterprise_id: int, since: datetime.date, *, today: datetime.date) -> dict:
    """The enterprise's failed spot-check results finalised from `since` through `today` (local days): their
    `count` and when the `latest` was finalised (None when there is none). One query."""
    return (
        failed_results()
        .filter(
            enterprise_id=enterprise_id,
            finalised_at__gte=_start_of(since),
            finalised_at__lt=_start_of(today + datetime.timedelta(days=1)),
        )
        .aggregate(count=Count("pk"), latest=Max("finalised_at"))
    )


def campaigns() -> QuerySet[Campaign]:
    """Every campaign, for a caller that narrows it (by pk, under a row lock in its own transaction)."""
    return Campaign.objects.all()


def draft_campaigns() -> QuerySet[Campaign]:
    """Campaigns still in draft: the ones whose product list may still change."""
    return Campaign.objects.filter(status=CampaignStatus.DRAFT)
