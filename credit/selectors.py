"""Reads over credit grades: for the draw's weights, and each grade's explanation (which indicator moved it, the
thresholds, and what would change it)."""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from credit.choices import BlacklistStatus, Grade, WarningKind
from credit.indicators import GRADE, INDICATORS, RISK, Indicator
from credit.models import (
    BlacklistEntry,
    CreditGrade,
    CreditRepair,
    GradeChange,
    RiskWarning,
    ScoringModel,
    default_draw_weights,
)
from credit.recalculation import CONFORMING, contribution, held_at_b
from enterprises.selectors import heavier_penalties


def _among(enterprise_ids: Iterable[int] | QuerySet):
    return enterprise_ids if isinstance(enterprise_ids, QuerySet) else list(enterprise_ids)


def current_grades_and_risks(enterprise_ids: Iterable[int]) -> dict[int, tuple[str, float]]:
    """The current credit grade ("A", "B" or "C") and risk score of each of these enterprises that has been
    graded, in one read; an enterprise not graded yet has no entry (the draw weighs it like grade B)."""
    rows = CreditGrade.objects.filter(enterprise_id__in=_among(enterprise_ids)).values_list(
        "enterprise_id", "grade", "risk_score"
    )
    return {pk: (grade, risk) for pk, grade, risk in rows.iterator(chunk_size=10_000)}


def alerted(enterprise_ids: Iterable[int]) -> set[int]:
    """Enterprises with an open risk warning: an alert that brings even a grade-A enterprise into routine draws."""
    warnings = RiskWarning.objects.open().filter(kind=WarningKind.RISK_JUMP, enterprise_id__in=_among(enterprise_ids))
    return set(warnings.values_list("enterprise_id", flat=True))


@dataclass(frozen=True)
class Line:
    indicator: Indicator
    value: float
    points: float  # per unit
    cap: float | None
    contribution: float


@dataclass
class Explanation:
    grade: CreditGrade
    model: ScoringModel
    lines: list[Line]
    risk_lines: list[Line]
    vetoes: list[Indicator]
    held_at_b: bool = False  # a score in A's range, held at B for want of a conforming spot check in the window
    outlook: list[str] = field(default_factory=list)

    @property
    def thresholds(self) -> dict:
        return {"A": self.model.grade_a_min, "B": self.model.grade_b_min}


def _lines(values: dict, weights: dict, kind: str) -> list[Line]:
    lines = []
    for indicator in INDICATORS.values():
        if indicator.kind != kind:
            continue
        weight = weights.get(indicator.code) or {}
        value = float(values.get(indicator.code, 0) or 0)
        lines.append(
            Line(
                indicator=indicator,
                value=value,
                points=float(weight.get("points", 0)),
                cap=weight.get("cap"),
                contribution=round(contribution(indicator, value, weights), 1) + 0.0,  # never -0.0
            )
        )
    return lines


def grade_explanation(grade: CreditGrade) -> Explanation:
    """Each indicator's value and contribution, the vetoes and thresholds, and what would change the grade."""
    model = grade.model
    lines = _lines(grade.indicator_values, model.weights, GRADE)
    vetoes = [line.indicator for line in lines if line.indicator.veto and line.value > 0]
    explanation = Explanation(
        grade=grade,
        model=model,
        lines=lines,
        risk_lines=_lines(grade.risk_values, model.risk_weights, RISK),
        vetoes=vetoes,
        held_at_b=held_at_b(
            model, score=grade.score, computed_grade=grade.computed_grade, values=grade.indicator_values
        ),
    )
    explanation.outlook = grade_outlook(explanation)
    return explanation


def _clean_checks_needed(explanation: Explanation, target: float) -> int | None:
    """How many more conforming spot checks (at full recency) would lift the score to `target`, within the cap."""
    line = next((line for line in explanation.lines if line.indicator.code == CONFORMING), None)
    if line is None or line.points <= 0:
        return None
    per_check = line.points * float(explanation.model.recency_factors[0])
    headroom = (float(line.cap) - line.contribution) if line.cap is not None else math.inf
    needed = target - explanation.grade.score
    if needed <= 0 or needed > headroom or per_check <= 0:
        return None
    return math.ceil(round(needed / per_check, 6))


def target_a_needs_check(explanation: Explanation) -> bool:
    """Grade B below A's score with no conforming spot check in the window, under a version that asks for one:
    reaching the score would not be enough."""
    grade = explanation.grade
    conforming = next((line.value for line in explanation.lines if line.indicator.code == CONFORMING), 0)
    return (
        explanation.model.a_needs_conforming_check
        and not explanation.vetoes
        and not explanation.held_at_b
        and grade.computed_grade == Grade.B
        and not conforming > 0
    )


def grade_outlook(explanation: Explanation) -> list[str]:
    """Plain sentences on what would move the computed grade up or down."""
    grade, model = explanation.grade, explanation.model
    score, computed = grade.score, grade.computed_grade
    sentences = []
    if explanation.vetoes:
        names = ", ".join(str(indicator.label) for indicator in explanation.vetoes)
        sentences.append(
            _(
                "Grade C whatever the score while this holds: %(vetoes)s. A refusal or failed re-check counts for "
                "%(years)s years from its date; a listing lasts until credit repair."
            )
            % {"vetoes": names, "years": model.lookback_years}
        )
    if explanation.held_at_b:
        sentences.append(
            _(
                "Grade B at most: the score reaches A (%(a)s), but there is no conforming spot check in the last "
                "%(years)s years. Without one, honours and a clean file alone do not make an enterprise A; its next "
                "conforming spot check would raise it to A."
            )
            % {"a": f"{model.grade_a_min:g}", "years": model.lookback_years}
        )
    # A veto holds the computed grade at C whatever the score: no score sentence then, but an override still shows.
    # Held at B, the score already reaches A: the sentence above says what is missing.
    upper = (
        None
        if explanation.vetoes or explanation.held_at_b
        else {Grade.B: model.grade_a_min, Grade.C: model.grade_b_min}.get(computed)
    )
    if upper is not None:
        target = Grade.A if computed == Grade.B else Grade.B
        checks = _clean_checks_needed(explanation, upper)
        if checks:
            sentences.append(
                ngettext(
                    "One more clean spot check would raise it to %(grade)s.",
                    "%(count)d more clean spot checks would raise it to %(grade)s.",
                    checks,
                )
                % {"count": checks, "grade": target}
            )
        else:
            sentences.append(
                _("%(points)s more points would raise it to %(grade)s: clear what takes points off below.")
                % {"points": f"{upper - score:g}", "grade": target}
            )
            if target == Grade.A and target_a_needs_check(explanation):  # clean checks would bring one, points not
                sentences.append(
                    _("Grade A also needs at least one conforming spot check in the last %(years)s years.")
                    % {"years": model.lookback_years}
                )
    lower = {Grade.A: model.grade_a_min, Grade.B: model.grade_b_min}.get(computed)
    failure = (model.weights.get("nonconforming") or {}).get("points", 0) * float(model.recency_factors[0])
    if lower is not None and failure < 0 and score + failure < lower:
        sentences.append(
            _("One nonconforming spot check would lower it to %(grade)s.")
            % {"grade": Grade.B if computed == Grade.A else Grade.C}
        )
    if grade.is_overridden:
        sentences.append(
            _("The grade in force is set by an override until %(date)s; the computed grade is %(grade)s.")
            % {"date": grade.override.expires_on.isoformat(), "grade": computed}
        )
    return sentences


# Read by portal


def public_blacklist(today: datetime.date) -> QuerySet[BlacklistEntry]:
    """Entries on the serious-dishonesty list as the public list shows them (portal.views.blacklist): listed (not
    proposed, not removed), and published by `today` (a decision dated ahead is not published yet)."""
    return BlacklistEntry.objects.listed().filter(published_on__lte=today)


# Read by analysis


def open_warnings() -> QuerySet[RiskWarning]:
    """Risk warnings still open (not yet acknowledged), of every kind."""
    return RiskWarning.objects.open()


# Read by brands


def current_grade(enterprise_id: int) -> str | None:
    """The enterprise's grade in force ("A", "B" or "C"), or None when it has not been graded yet. One query."""
    return CreditGrade.objects.filter(enterprise_id=enterprise_id).values_list("grade", flat=True).first()


def grades() -> QuerySet[CreditGrade]:
    """Every enterprise's grade in force, for a caller that narrows it (by grade, by the enterprises it holds)."""
    return CreditGrade.objects.all()


def grade_changes() -> QuerySet[GradeChange]:
    """Every recorded grade change, for a caller that narrows it (to one enterprise, to changes into C)."""
    return GradeChange.objects.all()


def listings_in_force() -> QuerySet[BlacklistEntry]:
    """Entries on the serious-dishonesty list still listed (not removed)."""
    return BlacklistEntry.objects.filter(status=BlacklistStatus.LISTED)


def listing_decisions(enterprise_id: int, *, since: datetime.date, today: datetime.date) -> list[str]:
    """The decision numbers of the enterprise's listings published by `today` that are still in force or were
    published or removed since `since`: its dishonesty record over a look-back window. One query."""
    entries = BlacklistEntry.objects.filter(enterprise_id=enterprise_id, published_on__lte=today).filter(
        Q(status=BlacklistStatus.LISTED) | Q(published_on__gte=since) | Q(removed_on__gte=since)
    )
    return list(entries.values_list("decision_number", flat=True))


def draw_weights(on: datetime.date | None = None) -> dict[str, int]:
    """The draw weight of each grade ("A", "B", "C": whole numbers above zero) in the scoring model in force on a
    day (today by default): how heavily each grade's stratum is drawn in spot checks."""
    model = ScoringModel.objects.in_force(on or timezone.localdate())
    weights = model.draw_weights if model is not None else default_draw_weights()
    return {grade: int(weights[grade]) for grade in ("A", "B", "C")}


# The serious-dishonesty list (严重违法失信名单)


def new_heavier_penalties(entry: BlacklistEntry) -> list[str]:
    """The decision numbers of the heavier penalties the enterprise received after the one its listing rests on
    (after its publication, for a listing entered before penalties were linked)."""
    since = entry.penalty.decided_on if entry.penalty else entry.published_on
    penalties = heavier_penalties(entry.enterprise_id).filter(decided_on__gt=since)
    if entry.penalty_id:
        penalties = penalties.exclude(pk=entry.penalty_id)
    return list(penalties.values_list("decision_number", flat=True))


@dataclass(frozen=True)
class RemovalCondition:
    """One condition of an early removal: whether it holds (None: not attested yet), where that was read (the
    record, or staff who checked what the record does not hold) and what shows it."""

    code: str
    label: str
    holds: bool | None
    source: str
    detail: str


def early_removal_conditions(repair: CreditRepair) -> list[RemovalCondition]:
    """The conditions of early removal (提前移出) as the application shows them: the penalty's obligations
    fulfilled and the harm removed (attested by staff: the record has neither), and no new heavier penalty since
    the one listed (from the record: as found at the decision once decided, read now before)."""
    found = repair.new_heavier_penalties if repair.decided_at else new_heavier_penalties(repair.entry)
    attested = _("attested by staff")
    return [
        RemovalCondition(
            "penalty_fulfilled",
            _("The obligations of the administrative penalty are fulfilled"),
            repair.penalty_fulfilled,
            attested,
            repair.penalty_fulfilled_note,
        ),
        RemovalCondition(
            "harm_removed",
            _("The harm caused is removed"),
            repair.harm_removed,
            attested,
            repair.harm_removed_note,
        ),
        RemovalCondition(
            "no_new_heavier_penalty",
            _("No new heavier administrative penalty since the listing"),
            None if found is None else not found,
            _("from the record"),
            ", ".join(found or []) or _("none on record"),
        ),
    ]


def public_blacklist_removed(today: datetime.date) -> QuerySet[BlacklistEntry]:
    """Listings removed in the last DISHONESTY_LIST_REMOVED_SHOWN_DAYS days: the public page names them with their
    removal date for that long, then no longer (a removed listing is no longer published)."""
    since = today - datetime.timedelta(days=settings.DISHONESTY_LIST_REMOVED_SHOWN_DAYS)
    return BlacklistEntry.objects.filter(status=BlacklistStatus.REMOVED, removed_on__gt=since, removed_on__lte=today)


def unopened_listing_notices(today=None):
    """Serious-dishonesty list notices issued NOTICE_UNOPENED_ALERT_DAYS ago or more and not yet received: for the
    staff worklist of notices to serve on paper."""
    from core.notices import unopened

    notified = BlacklistEntry.objects.filter(status=BlacklistStatus.NOTIFIED).select_related("enterprise")
    return unopened(notified, today=today).order_by("notified_at", "pk")
