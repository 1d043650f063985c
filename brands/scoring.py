"""How reviewers' scores become an application's score at a stage, and how a stage's applications rank."""

from collections import defaultdict
from dataclasses import dataclass

from brands.choices import ApplicationStatus, ReviewStatus
from brands.models import Application, Programme, ReviewAssignment


@dataclass(frozen=True)
class StageScore:
    application_id: int
    score: float | None  # None until a score has been submitted
    counted: int  # scores in the mean
    dropped: int  # highest and lowest dropped (0 or 2)
    submitted: int
    pending: int  # assigned, neither submitted nor recused
    recused: int
    rank: int | None = None

    @property
    def complete(self) -> bool:
        return self.pending == 0 and self.score is not None


def trimmed_mean(totals: list[float], trim_from: int) -> tuple[float | None, int, int]:
    """The mean of the totals, after dropping the highest and the lowest when there are `trim_from` or more.
    Returns (mean rounded to 2 places, scores counted, scores dropped)."""
    if not totals:
        return None, 0, 0
    ordered = sorted(totals)
    dropped = 0
    if len(ordered) >= trim_from:
        ordered, dropped = ordered[1:-1], 2
    return round(sum(ordered) / len(ordered), 2), len(ordered), dropped


def rank(scores: list[StageScore]) -> list[StageScore]:
    """Highest score first; equal scores share a rank (1, 2, 2, 4). Only complete scores are ranked (every
    assigned reviewer submitted or recused); the others come last, unranked."""
    scored = sorted((s for s in scores if s.complete), key=lambda s: (-s.score, s.application_id))
    ranked, previous, position = [], None, 0
    for index, item in enumerate(scored, start=1):
        if item.score != previous:
            position, previous = index, item.score
        ranked.append(StageScore(**{**item.__dict__, "rank": position}))
    return ranked + [s for s in scores if not s.complete]


def stage_scores(programme: Programme, stage: str, application_ids=None) -> list[StageScore]:
    """The score of every application reviewed at `stage` in the call, ranked (one query). A withdrawn application
    is out of the ranking."""
    reviews = ReviewAssignment.objects.filter(application__programme=programme, stage=stage).exclude(
        application__status=ApplicationStatus.WITHDRAWN
    )
    if application_ids is not None:
        reviews = reviews.filter(application_id__in=application_ids)
    by_application: dict[int, list] = defaultdict(list)
    for application_id, status, total in reviews.values_list("application_id", "status", "total"):
        by_application[application_id].append((status, total))
    scores = []
    for application_id, rows in by_application.items():
        totals = [total for status, total in rows if status == ReviewStatus.SUBMITTED]
        mean, counted, dropped = trimmed_mean(totals, programme.trim_from)
        scores.append(
            StageScore(
                application_id=application_id,
                score=mean,
                counted=counted,
                dropped=dropped,
                submitted=len(totals),
                pending=sum(1 for status, _total in rows if status == ReviewStatus.ASSIGNED),
                recused=sum(1 for status, _total in rows if status == ReviewStatus.RECUSED),
            )
        )
    return rank(scores)


def stage_score(application: Application, stage: str) -> StageScore | None:
    """This application's score at `stage`, ranked among the call's applications scored at that stage."""
    return next((s for s in stage_scores(application.programme, stage) if s.application_id == application.pk), None)
