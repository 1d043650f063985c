"""Automatic revocation proposals: a current honour whose holder got a failed spot-check verdict since its
eligibility was checked (a failure during the review is caught too), fell to grade C, or is on the dishonesty list
gets a proposal for staff to confirm. A few grouped queries over the
(few) current honours, never a loop over the register; each proposal names what raised it, so re-running (after
every event, and nightly after the credit recalculation) never raises the same one twice."""

import datetime

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from brands.choices import RevocationCause
from brands.models import Honour, RevocationProposal
from credit.choices import Grade
from credit.selectors import grade_changes, grades, listings_in_force
from inspections.selectors import failed_results

VETOES = ("refused", "failed_recheck", "blacklisted")  # the credit indicators that put a grade in C by themselves


def _candidates(honours, today: datetime.date) -> list[RevocationProposal]:
    current = {"enterprise__honours__in": honours}
    failed = (
        failed_results()
        .filter(finalised_at__gt=F("enterprise__honours__application__checked_at"), **current)
        .values_list("enterprise__honours__pk", "pk", "campaign__title", "finalised_at")
    )
    proposals = [
        RevocationProposal(
            honour_id=honour_id,
            cause=RevocationCause.NONCONFORMING,
            trigger=f"task:{task_id}",
            detail=f"{campaign} · {timezone.localdate(at).isoformat()}"[:255],
        )
        for honour_id, task_id, campaign, at in failed
    ]
    listed = listings_in_force().filter(**current).values_list("enterprise__honours__pk", "pk", "decision_number")
    listings = [
        RevocationProposal(
            honour_id=honour_id, cause=RevocationCause.BLACKLISTED, trigger=f"blacklist:{entry_id}", detail=number
        )
        for honour_id, entry_id, number in listed
    ]
    latest_c = grade_changes().filter(enterprise_id=OuterRef("enterprise_id"), grade=Grade.C).order_by("-at", "-pk")
    graded_c = (
        grades()
        .filter(grade=Grade.C, **current)
        .annotate(change=Subquery(latest_c.values("pk")[:1]))
        .values_list("enterprise__honours__pk", "change", "score", "indicator_values")
    )
    # A listing, a refusal or a failed re-check puts the grade to C (a veto): while that veto holds, the C is that
    # one cause, proposed once as itself, not twice. A C without a veto (or once it has lapsed) is proposed.
    proposed_as_itself = {proposal.honour_id for proposal in listings + proposals}
    proposals += listings
    proposals += [
        RevocationProposal(
            honour_id=honour_id,
            cause=RevocationCause.GRADE_C,
            trigger=f"grade:{change or 'c'}",
            detail=f"C · {score:g}",
        )
        for honour_id, change, score, values in graded_c
        if not (honour_id in proposed_as_itself and any(values.get(code) for code in VETOES))
    ]
    return proposals


def proposals_raise(*, enterprise_ids=None, today: datetime.date | None = None) -> int:
    """Raise the proposals not raised yet, for these enterprises (None: every holder). Returns how many."""
    today = today or timezone.localdate()
    honours = Honour.objects.current(today)
    if enterprise_ids is not None:
        honours = honours.filter(enterprise_id__in=list(enterprise_ids))
    candidates = _candidates(honours.values("pk"), today)
    if not candidates:
        return 0
    raised = set(
        RevocationProposal.objects.filter(honour_id__in={c.honour_id for c in candidates}).values_list(
            "honour_id", "trigger"
        )
    )
    new = [c for c in candidates if (c.honour_id, c.trigger) not in raised]
    # A proposal raised meanwhile by a concurrent run is skipped by the unique (honour, trigger) constraint.
    RevocationProposal.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
