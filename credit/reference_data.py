"""The first scoring model version, loaded by a data migration (and again after a flush). Later versions are made
by staff in the portal; this one is never edited in place."""

from django.utils import timezone

FIRST_SCORING_MODEL = {
    "version": 1,
    "effective_from": "2020-01-01",
    "lookback_years": 3,
    "recency_factors": [1.0, 0.6, 0.3],
    "base_score": 80,
    "grade_a_min": 90,
    "grade_b_min": 60,
    "weights": {
        "conforming": {"points": 5, "cap": 10},
        "nonconforming": {"points": -20},
        "refused": {"points": -30},
        "failed_recheck": {"points": -20},
        "overdue_rectification": {"points": -10},
        "licence_expired": {"points": -5},
        "licence_revoked": {"points": -15},
        "self_report_late": {"points": -2},
        "self_report_missing": {"points": -3},
        "penalty": {"points": -10},
        "heavier_penalty": {"points": -20},
        "blacklisted": {"points": 0},
    },
    "risk_weights": {
        "recent_failures": {"points": 25},
        "open_follow_ups": {"points": 15},
        "industry_rate": {"points": 0.5},
        "district_trend": {"points": 1},
    },
    "note": "First version: the bureau's default weights (QS Portal issue 5).",
}


def ensure_weights(scoring_model_class, *, note: str, weights: dict = (), risk_weights: dict = ()) -> None:
    """Issue a new version, the latest plus these (new) indicator weights, unless a version already has them;
    effective from the day it runs, since grades are never recomputed retroactively. Apps whose indicators join
    the model later (brand honours, complaints) call it from a data migration (with the migration's model) and
    again after a flush."""
    weights, risk_weights = dict(weights), dict(risk_weights)
    latest = scoring_model_class.objects.order_by("-version").first()
    codes = set(weights) | set(risk_weights)
    if latest is None or any(
        codes & (set(model.weights) | set(model.risk_weights)) for model in scoring_model_class.objects.all()
    ):
        return
    _next_version(
        scoring_model_class,
        latest,
        note=note,
        weights={**latest.weights, **weights},
        risk_weights={**latest.risk_weights, **risk_weights},
    )


# The rules a new version copies from the latest unless it changes them. A rule added later (a migration's historical
# model may not have it yet) is copied only where the model class has it.
COPIED_RULES = (
    "lookback_years",
    "recency_factors",
    "base_score",
    "grade_a_min",
    "grade_b_min",
    "weights",
    "risk_weights",
    "a_needs_conforming_check",
    "draw_weights",
)


def _next_version(scoring_model_class, latest, *, note: str, **changes) -> None:
    """The latest version plus `changes`, as the next version, effective from today (never retroactively)."""
    known = {field.name for field in scoring_model_class._meta.get_fields()}
    rules = {name: getattr(latest, name) for name in COPIED_RULES if name in known}
    scoring_model_class.objects.create(
        version=latest.version + 1,
        effective_from=max(timezone.localdate(), latest.effective_from),
        note=note,
        **{**rules, **changes},
    )


A_NEEDS_CONFORMING_CHECK_NOTE = (
    "Grade A needs at least one conforming spot check in the look-back window; without one the grade is B at most: "
    "exemption from inspection (免检) was abolished, and honours alone never make an enterprise A (QS Portal issue 14)."
)


def ensure_a_needs_conforming_check(scoring_model_class) -> None:
    """Issue a version with the rule "grade A needs a conforming spot check" unless the latest has it. Versions
    issued before the rule existed keep their own rules (grades are never recomputed retroactively); a version a
    leader issues later may turn it off, and this does not turn it on again once a version has had it."""
    latest = scoring_model_class.objects.order_by("-version").first()
    if latest is None or scoring_model_class.objects.filter(a_needs_conforming_check=True).exists():
        return
    _next_version(scoring_model_class, latest, note=A_NEEDS_CONFORMING_CHECK_NOTE, a_needs_conforming_check=True)


def ensure_scoring_model(scoring_model_class) -> None:
    """Create the first version when no version exists (works with a migration's historical model too). After a
    flush it takes the rules added since with their defaults (grade A needs a conforming spot check)."""
    if not scoring_model_class.objects.exists():
        scoring_model_class.objects.create(**FIRST_SCORING_MODEL)
