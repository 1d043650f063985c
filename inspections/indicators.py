"""Spot checks in the credit grade and the risk score: final verdicts (weighted by recency), refusals, failed
re-checks, recent failures, open and overdue follow-ups; and the failure counts per industry and district behind
the area rates. Sources of the credit recalculation (see `core.indicators`), registered from the app's
`AppConfig.ready`."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from core.indicators import RISK, Indicator, Source, Window, register_area_counts, register_source
from inspections import events
from inspections.choices import FAILED_VERDICTS, FollowUpStage, TaskKind, TaskStatus, Verdict
from inspections.models import FollowUp, Task
from inspections.models.followups import report_overdue


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def task_rows(w: Window) -> QuerySet:
    final = Task.objects.filter(status=TaskStatus.FINAL, finalised_at__gte=min(w.start, w.risk_start))
    in_window = Q(finalised_at__gte=w.start)
    routine, recheck = Q(kind=TaskKind.ROUTINE), Q(kind=TaskKind.RECHECK)
    recency = w.recency("finalised_at")
    return (
        w.only_listed(final)
        .values(key=F("enterprise_id"))
        .annotate(
            conforming=Sum(recency, filter=in_window & Q(verdict=Verdict.CONFORMING), default=0.0),
            nonconforming=Sum(recency, filter=in_window & routine & Q(verdict=Verdict.NONCONFORMING), default=0.0),
            refused=_count(in_window & routine & Q(verdict=Verdict.REFUSED)),
            failed_recheck=_count(in_window & recheck & Q(verdict__in=FAILED_VERDICTS)),
            recent_failures=_count(Q(finalised_at__gte=w.risk_start) & Q(verdict__in=FAILED_VERDICTS)),
        )
    )


def follow_up_rows(w: Window) -> QuerySet:
    overdue = report_overdue(w.today)
    return (
        w.only_listed(FollowUp.objects.exclude(stage=FollowUpStage.CLOSED))
        .values(key=F("enterprise_id"))
        .annotate(overdue_rectification=_count(overdue), open_follow_ups=Count("pk"))
    )


def area_counts(recent_from: datetime.datetime, baseline_from: datetime.datetime) -> Iterable[dict]:
    """Routine spot checks and failures per industry and district: the recent period, and the baseline period
    before it. Re-checks are left out: they sample enterprises already known to have failed."""
    recent, failed = Q(finalised_at__gte=recent_from), Q(verdict__in=FAILED_VERDICTS)
    return (
        Task.objects.filter(status=TaskStatus.FINAL, kind=TaskKind.ROUTINE, finalised_at__gte=baseline_from)
        .values(industry=F("enterprise__industry_id"), district=F("enterprise__district_id"))
        .annotate(
            recent_tests=Count("pk", filter=recent),
            recent_failed=Count("pk", filter=recent & failed),
            baseline_tests=Count("pk", filter=~recent),
            baseline_failed=Count("pk", filter=~recent & failed),
        )
    )


def register() -> None:
    """Spot checks come first in the registry (see `Source.order`)."""
    register_source(
        Source("tasks", task_rows, events=(events.VERDICT, events.REFUSAL), order=10),
        Indicator(
            "conforming",
            _("Conforming spot checks"),
            _("per check, by recency"),
            "tasks",
            recency_weighted=True,
        ),
        Indicator(
            "nonconforming",
            _("Nonconforming spot checks"),
            _("per check, by recency"),
            "tasks",
            recency_weighted=True,
        ),
        Indicator("refused", _("Refused sampling"), _("per refusal"), "tasks", veto=True),
        Indicator("failed_recheck", _("Failed re-checks"), _("per failed re-check"), "tasks", veto=True),
        Indicator(
            "recent_failures",
            _("Recent failed spot checks"),
            _("per failure in the recent period"),
            "tasks",
            kind=RISK,
        ),
    )
    register_source(
        Source("follow_ups", follow_up_rows, events=(events.FOLLOW_UP,), order=20),
        Indicator(
            "overdue_rectification",
            _("Overdue rectification reports"),
            _("per overdue report"),
            "follow_ups",
        ),
        Indicator("open_follow_ups", _("Open follow-ups"), _("per open follow-up"), "follow_ups", kind=RISK),
    )
    register_area_counts(area_counts)
