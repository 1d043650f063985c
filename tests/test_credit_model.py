"""Credit grading (质量信用分类监管): each indicator of the first scoring model, the vetoes and thresholds, model
versions, the explanation, the grade history, overrides, the dishonesty list with credit repair, risk and early
warnings, the draw weights, and the set-based recalculation itself."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from accounts.roles import Role
from core.models import DomainEvent, JobRun
from credit import services
from credit.choices import BlacklistStatus, Grade, GradeCause, OverrideStatus, WarningKind
from credit.models import AreaRate, CreditGrade, GradeChange, GradeOverride, RiskWarning, ScoringModel
from credit.recalculation import recalculate
from credit.reference_data import FIRST_SCORING_MODEL
from credit.selectors import grade_explanation
from enterprises.choices import LicenceKind
from enterprises.indicators import recent_due_quarters
from enterprises.models import Enterprise, Industry, Licence, Penalty
from enterprises.services import quarter_end, record_save, record_void, self_report_due_on, self_report_submit
from inspections.choices import TaskKind, TaskStatus, Verdict
from inspections.models import Task
from inspections.services import sampling
from inspections.weights import pool_strata
from tests.factories import (
    BlacklistEntryFactory,
    CampaignFactory,
    EnterpriseFactory,
    LicenceFactory,
    PenaltyFactory,
    ResponsibilityAreaFactory,
    SelfReportFactory,
    UserFactory,
    final_task,
    open_follow_up,
)
from tests.spotcheck import SpotCheck

pytestmark = pytest.mark.django_db

C, N, R = Verdict.CONFORMING, Verdict.NONCONFORMING, Verdict.REFUSED
# Ages well inside each year of the 3-year look-back window (recency factors 1.0, 0.6, 0.3), and one outside it.
FIRST_YEAR, SECOND_YEAR, THIRD_YEAR, OUTSIDE = 180, 540, 900, 1300


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.fixture
def leader(actors):
    return actors[Role.LEADER]


@pytest.fixture
def supervisor(actors):
    return actors[Role.SUPERVISOR]


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def regrade(*enterprises, cause: str = GradeCause.MANUAL, now=None):
    return recalculate(cause=cause, enterprise_ids=[e.pk for e in enterprises], now=now)


def grade_of(enterprise, **kwargs) -> CreditGrade:
    """Recalculate this enterprise and read its grade."""
    regrade(enterprise, **kwargs)
    return CreditGrade.objects.get(enterprise=enterprise)


def checks(enterprise, campaign, verdict: str, *ages: int, **kwargs) -> list[Task]:
    return [final_task(enterprise, verdict, days_ago=age, campaign=campaign, **kwargs) for age in ages]


def failed_recheck(enterprise, campaign, *, age: int, verdict: str = N) -> Task:
    """A routine nonconforming check and its re-check, failed `age` days ago."""
    routine = final_task(enterprise, N, days_ago=age + 30, campaign=campaign)
    follow_up = open_follow_up(routine)
    follow_up.report_submitted_at = routine.finalised_at
    follow_up.save()
    return final_task(enterprise, verdict, days_ago=age, campaign=campaign, kind=TaskKind.RECHECK, follow_up=follow_up)


def late_report(enterprise):
    """Last year's first-quarter self-report, filed 45 days after it was due."""
    year = today().year - 1
    filed = local(self_report_due_on(year, 1) + datetime.timedelta(days=45), 9)
    return SelfReportFactory(enterprise=enterprise, year=year, quarter=1, submitted_at=filed)


def food_processing() -> Industry:
    """An industry other than the factories' default (14, food manufacturing)."""
    return Industry.objects.get(code="13")


def history(enterprise) -> list[GradeChange]:
    return list(GradeChange.objects.filter(enterprise=enterprise).order_by("pk"))


# --- Indicators ------------------------------------------------------------------------------------------------


def test_a_clean_record_scores_the_base_80_in_grade_b(enterprise):
    grade = grade_of(enterprise)
    assert (grade.score, grade.grade, grade.computed_grade) == (80.0, Grade.B, Grade.B)
    assert grade.model == ScoringModel.objects.in_force(today()) and grade.override is None
    assert set(grade.indicator_values.values()) == {0}


@pytest.mark.parametrize(
    ("ages", "score", "grade"),
    [
        ((FIRST_YEAR,), 85.0, Grade.B),
        ((SECOND_YEAR,), 83.0, Grade.B),
        ((THIRD_YEAR,), 81.5, Grade.B),
        ((OUTSIDE,), 80.0, Grade.B),
        ((FIRST_YEAR, SECOND_YEAR), 88.0, Grade.B),
        ((10, FIRST_YEAR), 90.0, Grade.A),
        ((10, 20, FIRST_YEAR, SECOND_YEAR), 90.0, Grade.A),  # +5 each, capped at +10
    ],
)
def test_conforming_checks_add_5_by_recency_capped_at_10(enterprise, campaign, ages, score, grade):
    checks(enterprise, campaign, C, *ages)
    result = grade_of(enterprise)
    assert (result.score, result.grade) == (score, grade)


@pytest.mark.parametrize(
    ("age", "score", "value"),
    [(FIRST_YEAR, 60.0, 1.0), (SECOND_YEAR, 68.0, 0.6), (THIRD_YEAR, 74.0, 0.3), (OUTSIDE, 80.0, 0.0)],
)
def test_a_nonconforming_check_takes_20_by_recency(enterprise, campaign, age, score, value):
    checks(enterprise, campaign, N, age)
    grade = grade_of(enterprise)
    assert grade.score == score and grade.indicator_values["nonconforming"] == value
    assert grade.grade == Grade.B  # 60 exactly is still B


def test_a_refusal_takes_30_and_puts_the_enterprise_in_c_for_the_window(enterprise, other_enterprise, campaign):
    checks(enterprise, campaign, C, 10, 20)  # 90 without the refusal
    checks(enterprise, campaign, R, THIRD_YEAR)  # not weighed by recency
    checks(other_enterprise, campaign, R, OUTSIDE)
    grade = grade_of(enterprise)
    assert grade.indicator_values["refused"] == 1 and grade.score == 60.0
    assert grade.computed_grade == grade.grade == Grade.C  # veto: B by score
    other = grade_of(other_enterprise)
    assert (other.score, other.grade, other.indicator_values["refused"]) == (80.0, Grade.B, 0)


@pytest.mark.parametrize("verdict", [N, R])
def test_a_failed_recheck_takes_20_and_puts_the_enterprise_in_c(enterprise, campaign, verdict):
    checks(enterprise, campaign, C, 10, 20)
    failed_recheck(enterprise, campaign, age=THIRD_YEAR - 60, verdict=verdict)
    grade = grade_of(enterprise)
    values = grade.indicator_values
    assert values["failed_recheck"] == 1 and values["refused"] == 0  # a refused re-check is a failed re-check
    assert values["nonconforming"] == 0.3  # only the routine check, by recency
    assert grade.score == 64.0 and grade.grade == Grade.C


def test_an_overdue_rectification_report_takes_10_while_the_follow_up_is_open(campaign):
    overdue, due_later, reported, closed = EnterpriseFactory.create_batch(4)
    for enterprise, due_on in ((overdue, days_ago(1)), (due_later, today()), (reported, days_ago(1))):
        open_follow_up(final_task(enterprise, N, days_ago=70, campaign=campaign), due_on=due_on)
    reported.follow_ups.update(report_submitted_at=timezone.now())
    open_follow_up(final_task(closed, N, days_ago=70, campaign=campaign), due_on=days_ago(1), stage="closed")
    regrade(overdue, due_later, reported, closed)
    scores = {
        g.enterprise_id: (g.indicator_values["overdue_rectification"], g.score) for g in CreditGrade.objects.all()
    }
    assert scores == {overdue.pk: (1, 50.0), due_later.pk: (0, 60.0), reported.pk: (0, 60.0), closed.pk: (0, 60.0)}


def test_a_lapsed_licence_takes_5_until_renewed(enterprise, other_enterprise):
    lapsed = LicenceFactory(enterprise=enterprise, issued_on=days_ago(1500), expires_on=days_ago(30))
    assert grade_of(enterprise).score == 75.0
    LicenceFactory(enterprise=enterprise, kind=LicenceKind.CCC, issued_on=days_ago(10), expires_on=days_ago(-700))
    assert grade_of(enterprise).indicator_values["licence_expired"] == 1  # a licence of another kind is no renewal
    LicenceFactory(enterprise=enterprise, kind=lapsed.kind, issued_on=days_ago(30), expires_on=days_ago(-1800))
    grade = grade_of(enterprise)
    assert grade.indicator_values["licence_expired"] == 0 and grade.score == 80.0
    LicenceFactory(enterprise=other_enterprise, issued_on=days_ago(3000), expires_on=days_ago(1200))  # long ago
    LicenceFactory(enterprise=other_enterprise, kind=LicenceKind.CCC, expires_on=today())  # valid to the end of today
    assert grade_of(other_enterprise).score == 80.0


def test_a_revoked_licence_takes_15_within_the_window(enterprise, other_enterprise):
    LicenceFactory(enterprise=enterprise, issued_on=days_ago(2000), expires_on=days_ago(10), revoked_on=days_ago(400))
    grade = grade_of(enterprise)
    values = grade.indicator_values
    assert (values["licence_revoked"], values["licence_expired"], grade.score) == (1, 0, 65.0)  # not lapsed too
    LicenceFactory(enterprise=other_enterprise, issued_on=days_ago(3000), revoked_on=days_ago(1200))
    assert grade_of(other_enterprise).score == 80.0


def test_a_self_report_filed_after_its_due_date_takes_2(enterprise):
    def filed(year, quarter, at):
        return SelfReportFactory(enterprise=enterprise, year=year, quarter=quarter, submitted_at=at)

    year = today().year - 1
    filed(year, 1, local(self_report_due_on(year, 1), 23, 30))  # the last evening of the due day: on time
    filed(year, 2, local(self_report_due_on(year, 2) + datetime.timedelta(days=1), 0, 30))  # past midnight, Beijing
    filed(year, 3, local(self_report_due_on(year, 3) + datetime.timedelta(days=20), 9))
    filed(year - 4, 1, local(self_report_due_on(year - 4, 1) + datetime.timedelta(days=20), 9))  # outside the window
    grade = grade_of(enterprise)
    assert grade.indicator_values["self_report_late"] == 2 and grade.score == 76.0


def test_recent_due_quarters_are_the_last_four_whose_report_is_due():
    assert recent_due_quarters(datetime.date(2026, 7, 15)) == [(2026, 1), (2025, 4), (2025, 3), (2025, 2)]
    assert recent_due_quarters(datetime.date(2026, 7, 16)) == [(2026, 2), (2026, 1), (2025, 4), (2025, 3)]


def test_missing_self_reports_take_3_for_each_due_quarter_the_enterprise_was_on_file(enterprise, other_enterprise):
    due = recent_due_quarters(today())
    # On file for years: all four quarters are missing.
    Enterprise.objects.filter(pk=enterprise.pk).update(created_at=timezone.now() - datetime.timedelta(days=800))
    grade = grade_of(enterprise)
    assert grade.indicator_values["self_report_missing"] == 4 and grade.score == 68.0
    # On file from within the second-latest due quarter: that quarter and the latest one.
    joined = quarter_end(*due[1]) - datetime.timedelta(days=20)
    joined_at = timezone.make_aware(datetime.datetime.combine(joined, datetime.time(10)))
    Enterprise.objects.filter(pk=other_enterprise.pk).update(created_at=joined_at)
    assert grade_of(other_enterprise).indicator_values["self_report_missing"] == 2
    SelfReportFactory(enterprise=other_enterprise, year=due[1][0], quarter=due[1][1])
    grade = grade_of(other_enterprise)
    assert grade.indicator_values["self_report_missing"] == 1 and grade.score == 77.0


def test_penalties_take_10_and_heavier_ones_20_unless_voided_or_old(enterprise, supervisor):
    PenaltyFactory(enterprise=enterprise)
    PenaltyFactory(enterprise=enterprise, is_heavier=True)
    PenaltyFactory(enterprise=enterprise, is_heavier=True, voided_at=timezone.now(), void_reason="复议撤销")
    PenaltyFactory(enterprise=enterprise, decided_on=days_ago(OUTSIDE))
    grade = grade_of(enterprise)
    values = grade.indicator_values
    assert (values["penalty"], values["heavier_penalty"], grade.score, grade.grade) == (1, 1, 50.0, Grade.C)


def test_the_dishonesty_list_puts_the_enterprise_in_c_whatever_its_score(enterprise, other_enterprise, campaign):
    for listed in (enterprise, other_enterprise):
        checks(listed, campaign, C, 10, 20)
    BlacklistEntryFactory(enterprise=enterprise)
    BlacklistEntryFactory(enterprise=other_enterprise, status=BlacklistStatus.REMOVED)
    grade = grade_of(enterprise)
    assert grade.indicator_values["blacklisted"] == 1
    assert (grade.score, grade.computed_grade, grade.grade) == (90.0, Grade.C, Grade.C)
    assert grade_of(other_enterprise).grade == Grade.A


def test_the_window_of_dated_records_follows_the_local_calendar(enterprise):
    """Penalties, licences and self-reports are dated in Beijing time: the 3-year window starts on the same local
    day whatever the hour, also at the nightly run's 02:00 (still the day before in UTC)."""
    first_day = today() - relativedelta(years=3)
    day_before = first_day - datetime.timedelta(days=1)
    PenaltyFactory(enterprise=enterprise, decided_on=first_day)
    PenaltyFactory(enterprise=enterprise, decided_on=day_before, is_heavier=True)
    LicenceFactory(enterprise=enterprise, issued_on=day_before - relativedelta(years=5), expires_on=day_before)
    LicenceFactory(
        enterprise=enterprise, kind=LicenceKind.CCC, issued_on=first_day - relativedelta(years=5), revoked_on=day_before
    )
    for hour in (2, 14):
        grade = grade_of(enterprise, now=local(today(), hour).astimezone(datetime.UTC))  # as timezone.now() gives it
        values = grade.indicator_values
        assert (values["penalty"], values["heavier_penalty"], values["licence_expired"], values["licence_revoked"]) == (
            1,
            0,
            0,
            0,
        ), hour
        assert grade.score == 70.0


# --- Thresholds and the score's range -----------------------------------------------------------------------------


def test_the_thresholds_at_their_edges(campaign):
    exactly_90, just_below_90, exactly_60, just_below_60 = EnterpriseFactory.create_batch(4)
    checks(exactly_90, campaign, C, 10, 20)
    checks(just_below_90, campaign, C, 10, SECOND_YEAR, THIRD_YEAR)  # 80 + 5 + 3 + 1.5
    checks(exactly_60, campaign, N, 10)
    checks(just_below_60, campaign, N, 10)
    checks(just_below_60, campaign, C, THIRD_YEAR)
    late_report(just_below_60)  # 80 - 20 + 1.5 - 2
    regrade(exactly_90, just_below_90, exactly_60, just_below_60)
    grades = {g.enterprise_id: (g.score, g.grade) for g in CreditGrade.objects.all()}
    assert grades == {
        exactly_90.pk: (90.0, Grade.A),
        just_below_90.pk: (89.5, Grade.B),
        exactly_60.pk: (60.0, Grade.B),
        just_below_60.pk: (59.5, Grade.C),
    }


def test_the_score_stays_within_0_and_100(enterprise, other_enterprise, campaign):
    PenaltyFactory.create_batch(6, enterprise=enterprise, is_heavier=True)
    checks(enterprise, campaign, N, 10, 20, 30, 40, 50)  # risk: 5 recent failures × 25
    grade = grade_of(enterprise)
    assert (grade.score, grade.grade, grade.risk_score) == (0.0, Grade.C, 100.0)
    latest = ScoringModel.objects.order_by("-version").first()
    generous = {**FIRST_SCORING_MODEL, "version": latest.version + 1, "effective_from": today(), "base_score": 98}
    ScoringModel.objects.create(**generous)
    checks(other_enterprise, campaign, C, 10)
    grade = grade_of(other_enterprise)
    assert (grade.score, grade.grade, grade.model.version) == (100.0, Grade.A, generous["version"])


# --- Model versions -------------------------------------------------------------------------------------------------


def model_values(**changes) -> dict:
    values = {key: FIRST_SCORING_MODEL[key] for key in FIRST_SCORING_MODEL if key not in ("version",)}
    values["note"] = "更严格的评分"
    return {**values, **changes}


def test_a_new_model_version_applies_from_its_date_and_is_recorded(enterprise, leader):
    first = grade_of(enterprise)
    effective = today() + datetime.timedelta(days=30)
    v2 = services.scoring_model_create(
        actor=leader, values=model_values(effective_from=effective, base_score=70, grade_b_min=75)
    )
    assert v2.version == first.model.version + 1
    assert grade_of(enterprise).model == first.model  # not before its date
    the_day_before = timezone.now() + datetime.timedelta(days=29)
    assert grade_of(enterprise, now=the_day_before).model == first.model
    on_the_day = timezone.make_aware(datetime.datetime.combine(effective, datetime.time(0, 30)))
    grade = grade_of(enterprise, now=on_the_day)
    assert (grade.model, grade.score, grade.grade) == (v2, 70.0, Grade.C)
    change = history(enterprise)[-1]
    assert (change.previous_grade, change.grade, change.model) == (Grade.B, Grade.C, v2)
    with pytest.raises(ValidationError):  # never retroactive
        services.scoring_model_create(actor=leader, values=model_values(effective_from=today() - datetime.timedelta(1)))
    with pytest.raises(PermissionDenied):  # a leader issues versions
        services.scoring_model_create(
            actor=UserFactory(role=Role.SUPERVISOR), values=model_values(effective_from=effective)
        )


# --- The explanation ----------------------------------------------------------------------------------------------


def test_the_explanation_s_contributions_add_up_to_the_score(enterprise, campaign):
    checks(enterprise, campaign, C, 10, 20, SECOND_YEAR)  # 5 + 5 + 3, capped at 10
    checks(enterprise, campaign, N, THIRD_YEAR)
    PenaltyFactory(enterprise=enterprise)
    LicenceFactory(enterprise=enterprise, issued_on=days_ago(1500), expires_on=days_ago(30))
    late_report(enterprise)
    grade = grade_of(enterprise)
    explanation = grade_explanation(grade)
    contributions = {line.indicator.code: line.contribution for line in explanation.lines if line.contribution}
    assert contributions == {
        "conforming": 10.0,
        "nonconforming": -6.0,
        "penalty": -10.0,
        "licence_expired": -5.0,
        "self_report_late": -2.0,
    }
    assert grade.score == 67.0 == explanation.model.base_score + sum(line.contribution for line in explanation.lines)
    assert explanation.thresholds == {"A": 90.0, "B": 60.0} and explanation.vetoes == []


def outlook(enterprise) -> list[str]:
    with translation.override("en"):
        return grade_explanation(grade_of(enterprise)).outlook


def test_the_outlook_says_what_would_move_the_grade(campaign):
    one_check, two_checks, part_check, capped, grade_a, grade_c, vetoed = EnterpriseFactory.create_batch(7)
    checks(one_check, campaign, C, 10)  # 85
    checks(part_check, campaign, C, SECOND_YEAR)  # 83: 7 short, a check adds 5
    checks(capped, campaign, C, 10, 20, 30)  # 90 capped ...
    PenaltyFactory(enterprise=capped)  # ... less 10: 80, and clean checks cannot add more
    checks(grade_a, campaign, C, 10, 20)  # 90
    PenaltyFactory(enterprise=grade_c)
    PenaltyFactory(enterprise=grade_c, is_heavier=True)  # 50
    checks(vetoed, campaign, R, 10)
    assert outlook(one_check) == ["One more clean spot check would raise it to A."]
    assert outlook(two_checks) == ["2 more clean spot checks would raise it to A."]
    assert outlook(part_check) == ["2 more clean spot checks would raise it to A."]
    assert outlook(capped) == ["10 more points would raise it to A: clear what takes points off below."]
    assert outlook(grade_a) == ["One nonconforming spot check would lower it to B."]
    assert outlook(grade_c) == ["2 more clean spot checks would raise it to B."]
    [sentence] = outlook(vetoed)
    assert sentence.startswith("Grade C whatever the score while this holds: Refused sampling.")
    assert "3 years" in sentence


def test_the_outlook_of_a_b_near_the_lower_edge_warns_of_a_failure(enterprise):
    PenaltyFactory(enterprise=enterprise)  # 70: 20 short of A, beyond what clean checks can add
    assert outlook(enterprise) == [
        "20 more points would raise it to A: clear what takes points off below.",
        "Grade A also needs at least one conforming spot check in the last 3 years.",
        "One nonconforming spot check would lower it to C.",
    ]


# --- History --------------------------------------------------------------------------------------------------------


def test_each_grade_change_is_recorded_once_with_its_cause_and_a_rerun_writes_nothing(campaign):
    first, second = EnterpriseFactory.create_batch(2)
    outcome = services.recalculate_all(cause=GradeCause.SCHEDULED)
    run = JobRun.objects.get(name="credit.recalculate.scheduled")
    assert (outcome.enterprises, outcome.changed, outcome.grade_changes) == (2, 2, 2)
    change = history(first)[0]
    assert (change.previous_grade, change.grade, change.cause, change.run, change.model.version) == (
        "",
        Grade.B,
        GradeCause.SCHEDULED,
        run,
        ScoringModel.objects.in_force(today()).version,
    )
    stamped = CreditGrade.objects.get(enterprise=first).changed_at
    assert services.recalculate_all(cause=GradeCause.SCHEDULED).as_counts() == {
        "enterprises": 2,
        "changed": 0,
        "grade_changes": 0,
        "warnings": 0,
    }
    assert GradeChange.objects.count() == 2 and CreditGrade.objects.get(enterprise=first).changed_at == stamped

    checks(first, campaign, R, 5)
    outcome = services.recalculate_enterprises([first.pk], cause=GradeCause.EVENT, detail="inspection.refusal")
    assert (outcome.changed, outcome.grade_changes) == (1, 1)
    change = history(first)[-1]
    assert (change.previous_grade, change.grade, change.score, change.cause, change.detail, change.run) == (
        Grade.B,
        Grade.C,
        50.0,
        GradeCause.EVENT,
        "inspection.refusal",
        None,
    )
    PenaltyFactory(enterprise=first)  # the score moves, the grade does not: the row changes, the history does not
    outcome = services.recalculate_enterprises([first.pk], cause=GradeCause.EVENT)
    assert (outcome.changed, outcome.grade_changes) == (1, 0)
    assert CreditGrade.objects.get(enterprise=first).score == 40.0 and len(history(first)) == 2
    assert len(history(second)) == 1


def test_recalculating_some_enterprises_leaves_the_others_untouched(enterprise, other_enterprise):
    PenaltyFactory(enterprise=other_enterprise)
    regrade(enterprise, other_enterprise)
    before = CreditGrade.objects.get(enterprise=other_enterprise)
    PenaltyFactory(enterprise=enterprise, is_heavier=True)
    PenaltyFactory.create_batch(2, enterprise=other_enterprise, is_heavier=True)
    outcome = regrade(enterprise)
    assert (outcome.enterprises, outcome.changed) == (1, 1)
    assert CreditGrade.objects.get(enterprise=enterprise).score == 60.0
    after = CreditGrade.objects.get(enterprise=other_enterprise)
    assert (after.score, after.grade, after.changed_at) == (70.0, Grade.B, before.changed_at)
    assert len(history(other_enterprise)) == 1


# --- Overrides ------------------------------------------------------------------------------------------------------


def request_override(enterprise, supervisor, *, grade=Grade.A, days=90) -> GradeOverride:
    return services.override_request(
        actor=supervisor,
        enterprise=enterprise,
        grade=grade,
        reason="获评省级质量奖，经局务会研究",
        expires_on=today() + datetime.timedelta(days=days),
    )


def test_an_approved_override_sets_the_grade_with_its_own_history_entry(
    enterprise, supervisor, leader, django_capture_on_commit_callbacks
):
    regrade(enterprise)
    override = request_override(enterprise, supervisor)
    assert grade_of(enterprise).grade == Grade.B  # pending: no effect yet
    with django_capture_on_commit_callbacks(execute=True):
        services.override_decide(actor=leader, override=override, approve=True)
        assert CreditGrade.objects.get(enterprise=enterprise).grade == Grade.B  # the grade follows after commit
    grade = CreditGrade.objects.get(enterprise=enterprise)
    assert (grade.grade, grade.computed_grade, grade.override) == (Grade.A, Grade.B, override)
    change = history(enterprise)[-1]
    assert (change.previous_grade, change.grade, change.cause, change.detail, change.override) == (
        Grade.B,
        Grade.A,
        GradeCause.OVERRIDE,
        f"override:{override.pk}",
        override,
    )
    assert regrade(enterprise).grade_changes == 0
    with translation.override("en"):
        assert grade_explanation(grade).outlook[-1] == (
            f"The grade in force is set by an override until {override.expires_on.isoformat()}; "
            "the computed grade is B."
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.override_end(actor=supervisor, override=override, reason="撤销")
    grade.refresh_from_db()
    assert (grade.grade, grade.override) == (Grade.B, None)
    assert history(enterprise)[-1].cause == GradeCause.OVERRIDE_ENDED


def test_an_override_confirming_the_computed_grade_is_history_too(
    enterprise, supervisor, leader, django_capture_on_commit_callbacks
):
    regrade(enterprise)
    override = request_override(enterprise, supervisor, grade=Grade.B)
    with django_capture_on_commit_callbacks(execute=True):
        services.override_decide(actor=leader, override=override, approve=True)
    change = history(enterprise)[-1]
    assert (change.previous_grade, change.grade, change.cause, change.override) == (
        Grade.B,
        Grade.B,
        GradeCause.OVERRIDE,
        override,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.override_end(actor=supervisor, override=override, reason="不再需要")
    change = history(enterprise)[-1]
    assert (change.cause, change.override, len(history(enterprise))) == (GradeCause.OVERRIDE_ENDED, None, 3)


def test_an_override_past_its_expiry_date_no_longer_applies_even_before_it_is_ended(enterprise, supervisor, leader):
    override = request_override(enterprise, supervisor, days=10)
    services.override_decide(actor=leader, override=override, approve=True)
    assert grade_of(enterprise, now=timezone.now() + datetime.timedelta(days=10)).grade == Grade.A
    grade = grade_of(enterprise, now=timezone.now() + datetime.timedelta(days=11))
    assert (grade.grade, grade.override) == (Grade.B, None)


def test_the_outlook_of_an_overridden_vetoed_grade_names_the_override(
    enterprise, supervisor, leader, campaign, django_capture_on_commit_callbacks
):
    checks(enterprise, campaign, R, 10)
    override = request_override(enterprise, supervisor, grade=Grade.B)
    with django_capture_on_commit_callbacks(execute=True):
        services.override_decide(actor=leader, override=override, approve=True)
    with translation.override("en"):
        sentences = grade_explanation(CreditGrade.objects.get(enterprise=enterprise)).outlook
    assert len(sentences) == 2 and sentences[0].startswith("Grade C whatever the score while this holds")
    assert sentences[1] == (
        f"The grade in force is set by an override until {override.expires_on.isoformat()}; the computed grade is C."
    )


def test_the_requester_cannot_approve_an_override(enterprise, leader, supervisor):
    override = request_override(enterprise, leader)
    with pytest.raises(PermissionDenied):
        services.override_decide(actor=leader, override=override, approve=True)
    with pytest.raises(PermissionDenied):  # nor can a supervisor
        services.override_decide(actor=supervisor, override=override, approve=True)
    services.override_decide(actor=UserFactory(role=Role.LEADER), override=override, approve=True)
    assert GradeOverride.objects.get(pk=override.pk).status == OverrideStatus.APPROVED


def test_an_override_lasts_a_year_at_most(enterprise, supervisor):
    def ask(expires_on):
        return services.override_request(
            actor=supervisor, enterprise=enterprise, grade=Grade.A, reason="理由", expires_on=expires_on
        )

    for too_far in (today() + relativedelta(years=1, days=1), today() + datetime.timedelta(days=400)):
        with pytest.raises(ValidationError) as excinfo:
            ask(too_far)
        assert "expires_on" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        ask(today())
    assert ask(today() + relativedelta(years=1)).expires_on == today() + relativedelta(years=1)


def test_one_override_requested_or_in_force_per_enterprise(enterprise, supervisor, leader):
    override = request_override(enterprise, supervisor)
    with pytest.raises(ValidationError):  # one pending
        request_override(enterprise, supervisor, grade=Grade.C)
    services.override_decide(actor=leader, override=override, approve=True)
    with pytest.raises(ValidationError):  # one in force
        request_override(enterprise, supervisor, grade=Grade.C)
    services.override_end(actor=supervisor, override=override, reason="提前结束")
    assert request_override(enterprise, supervisor, grade=Grade.C).status == OverrideStatus.PENDING


@pytest.mark.parametrize("ended_by", ["the daily expiry", "the nightly run"])
def test_an_expired_override_ends_and_the_computed_grade_returns(
    enterprise, supervisor, leader, ended_by, django_capture_on_commit_callbacks
):
    regrade(enterprise)
    override = request_override(enterprise, supervisor, days=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.override_decide(actor=leader, override=override, approve=True)
    assert CreditGrade.objects.get(enterprise=enterprise).grade == Grade.A
    on_expiry_day = timezone.now() + datetime.timedelta(days=10)
    assert services.overrides_expire(now=on_expiry_day) == 0  # in force to the end of its expiry date
    next_day = timezone.now() + datetime.timedelta(days=11)
    if ended_by == "the daily expiry":
        with django_capture_on_commit_callbacks(execute=True):
            assert services.overrides_expire(now=next_day) == 1
    else:  # the nightly run ends expired overrides first, so the history still names the cause
        services.recalculate_all(cause=GradeCause.SCHEDULED, now=next_day)
        assert JobRun.objects.get().counts["overrides_ended"] == 1
    override.refresh_from_db()
    assert override.status == OverrideStatus.ENDED and override.ended_at == next_day
    assert override.history.order_by("-history_date", "-history_id").first().status == OverrideStatus.ENDED  # traced
    grade = CreditGrade.objects.get(enterprise=enterprise)
    assert (grade.grade, grade.override) == (Grade.B, None)
    change = history(enterprise)[-1]
    assert (change.previous_grade, change.grade, change.cause, change.detail) == (
        Grade.A,
        Grade.B,
        GradeCause.OVERRIDE_ENDED,
        "expired",
    )
    assert change.at == next_day  # recomputed as of the end, not when the event happened to be dispatched
    assert services.overrides_expire(now=next_day) == 0 and len(history(enterprise)) == 3


# --- Risk and early warnings ----------------------------------------------------------------------------------------


def test_the_risk_score_counts_recent_failures_and_open_follow_ups(enterprise, other_enterprise, campaign):
    open_follow_up(final_task(enterprise, N, days_ago=30, campaign=campaign))
    checks(enterprise, campaign, N, 400)  # a failure over a year old is no longer recent
    grade = grade_of(enterprise)
    assert {code: value for code, value in grade.risk_values.items() if value} == {
        "recent_failures": 1,
        "open_follow_ups": 1,
    }
    assert grade.risk_score == 40.0
    checks(other_enterprise, campaign, R, 30)  # a refusal is a failure too
    assert grade_of(other_enterprise).risk_score == 25.0


@pytest.fixture
def failing_area(campaign):
    """An industry failing in one district: 5 routine checks in the baseline period, none failed; 5 in the recent
    90 days, 2 failed (40 %)."""
    area = ResponsibilityAreaFactory()
    food = food_processing()
    worst = EnterpriseFactory(area=area, industry=food)
    checks(worst, campaign, C, 200, 210, 220, 230, 240, 10, 20, 30)
    checks(worst, campaign, N, 40, 50)
    return worst


def test_the_industry_failure_rate_and_the_district_trend_raise_the_risk(failing_area, campaign):
    same_area = EnterpriseFactory(area=failing_area.area, industry=failing_area.industry)
    same_district_other_industry = EnterpriseFactory(area=failing_area.area)
    same_industry_elsewhere = EnterpriseFactory(industry=failing_area.industry)
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    rate = AreaRate.objects.get(industry=failing_area.industry, district=failing_area.district)
    assert (rate.recent_tests, rate.recent_failed, rate.baseline_tests, rate.baseline_failed) == (5, 2, 5, 0)

    def risk(enterprise):
        grade = CreditGrade.objects.get(enterprise=enterprise)
        return grade.risk_values["industry_rate"], grade.risk_values["district_trend"], grade.risk_score

    assert risk(same_area) == (40, 40, 60.0)  # 0.5 per point of the industry's rate, 1 per point of the rise
    assert risk(same_district_other_industry) == (0, 40, 40.0)
    assert risk(same_industry_elsewhere) == (40, 0, 20.0)
    assert risk(failing_area) == (40, 40, 100.0)  # + 2 recent failures, held to 100


def test_an_area_failing_above_its_baseline_raises_one_warning(failing_area):
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    warning = RiskWarning.objects.get(kind=WarningKind.AREA_RATE)
    assert (warning.industry, warning.district, warning.value, warning.previous_value) == (
        failing_area.industry,
        failing_area.district,
        40.0,
        0.0,
    )
    assert services.recalculate_all(cause=GradeCause.SCHEDULED).warnings == 0
    assert RiskWarning.objects.filter(kind=WarningKind.AREA_RATE).count() == 1


@pytest.mark.parametrize(
    ("baseline", "recent", "trend"),
    [
        ((4, 10), (2, 5), 0),  # 40 % before, 40 % now
        ((4, 10), (0, 5), 0),  # 40 % → 0 %: a fall is no risk
        (
            (1, 10),
            (1, 6),
            7,
        ),  # 10 % → 16.7 % (the trend in whole points): 1.5 times the baseline, but not 15 points above it
        ((4, 10), (5, 9), 16),  # 40 % → 55.6 %: 15 points above the baseline, but not 1.5 times it
    ],
)
def test_an_area_not_clearly_above_its_baseline_raises_no_warning(campaign, baseline, recent, trend):
    area = EnterpriseFactory(industry=food_processing())
    for (failed, tests), ages in ((baseline, range(200, 300)), (recent, range(10, 80))):
        ages = list(ages)[:tests]
        checks(area, campaign, N, *ages[:failed])
        checks(area, campaign, C, *ages[failed:])
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    rate = AreaRate.objects.get()
    assert (rate.baseline_failed, rate.baseline_tests, rate.recent_failed, rate.recent_tests) == (*baseline, *recent)
    assert not RiskWarning.objects.filter(kind=WarningKind.AREA_RATE).exists()
    assert CreditGrade.objects.get(enterprise=area).risk_values["district_trend"] == trend


def test_an_area_with_little_history_is_compared_with_the_city(failing_area, campaign):
    newcomer = EnterpriseFactory(industry=failing_area.industry)  # another district, no baseline of its own
    checks(newcomer, campaign, N, 10, 20)
    checks(newcomer, campaign, C, 30, 40, 50)
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    warning = RiskWarning.objects.get(kind=WarningKind.AREA_RATE, district=newcomer.district)
    assert (warning.value, warning.previous_value) == (40.0, 0.0)  # against the city's baseline of 0 %


def test_an_area_with_too_few_recent_checks_raises_no_warning(campaign):
    few = EnterpriseFactory(industry=food_processing())
    checks(few, campaign, N, 10, 20, 30, 40)  # 4 recent checks, all failed: too few to say anything
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    assert not RiskWarning.objects.filter(kind=WarningKind.AREA_RATE).exists()
    assert CreditGrade.objects.get(enterprise=few).risk_values["industry_rate"] == 0


def test_a_risk_jump_raises_one_warning_until_acknowledged(enterprise, other_enterprise, campaign, supervisor):
    regrade(enterprise, other_enterprise)
    open_follow_up(final_task(enterprise, N, days_ago=5, campaign=campaign))
    checks(other_enterprise, campaign, N, 5)  # 25: a jump, but not yet to the warning level of 40
    outcome = regrade(enterprise, other_enterprise)
    warning = RiskWarning.objects.get()
    assert outcome.warnings == 1
    assert (warning.kind, warning.enterprise, warning.value, warning.previous_value) == (
        WarningKind.RISK_JUMP,
        enterprise,
        40.0,
        0.0,
    )
    assert warning.details["recent_failures"] == 1
    assert regrade(enterprise).warnings == 0
    checks(enterprise, campaign, N, 4)  # 65: another jump while the warning is open
    assert regrade(enterprise).warnings == 0
    services.warning_acknowledge(actor=supervisor, warning=warning, note="已约谈企业负责人")
    assert regrade(enterprise).warnings == 0  # no new jump
    checks(enterprise, campaign, N, 3)  # 90
    assert regrade(enterprise).warnings == 1
    assert list(RiskWarning.objects.order_by("pk").values_list("status", "value", "previous_value")) == [
        ("acknowledged", 40.0, 0.0),
        ("open", 90.0, 65.0),
    ]


# --- The draw's weights -----------------------------------------------------------------------------------------


def test_draw_weights_follow_grade_risk_and_alerts(settings):
    model = ScoringModel.objects.get(version=1)
    enterprises = EnterpriseFactory.create_batch(9)
    grades = ["A", "B", "C", None, "A", "A", "B", "C", "A"]
    risks = [0, 0, 0, 0, 0, 0, 60, 70, 80]
    for enterprise, grade, risk in zip(enterprises, grades, risks, strict=True):
        if grade:
            CreditGrade.objects.create(
                enterprise=enterprise,
                grade=grade,
                computed_grade=grade,
                score=80,
                model=model,
                risk_score=risk,
                changed_at=timezone.now(),
            )
    alerted, referred = enterprises[4], enterprises[5]
    RiskWarning.objects.create(
        kind=WarningKind.RISK_JUMP, enterprise=alerted, raised_at=timezone.now(), value=50, previous_value=0
    )
    # (stratum, tickets): every grade is drawn (A too, high risk included); a flagged A and an ungraded one in B.
    members = pool_strata([e.pk for e in enterprises], flagged={referred.pk})
    assert [members[e.pk] for e in enterprises] == [
        ("A", 1),
        ("B", 1),
        ("C", 1),
        ("B", 1),
        ("B", 1),
        ("B", 1),
        ("B", 2),
        ("C", 2),
        ("A", 2),
    ]
    settings.DRAW_RISK_BONUS = 2
    assert pool_strata(Enterprise.objects.filter(pk=enterprises[6].pk).values_list("pk", flat=True), flagged=set()) == {
        enterprises[6].pk: ("B", 3)
    }


# --- Events: the grade follows the record ---------------------------------------------------------------------------


def test_licence_penalty_and_self_report_saves_recalculate_through_the_event(
    enterprise, supervisor, actors, django_capture_on_commit_callbacks
):
    regrade(enterprise)

    def save(record):
        with django_capture_on_commit_callbacks(execute=True):
            record_save(record, actor=supervisor)
        return CreditGrade.objects.get(enterprise=enterprise).score

    lapsed = Licence(
        enterprise=enterprise,
        kind=LicenceKind.FOOD_PRODUCTION,
        number="SC11443060200001",
        issued_on=days_ago(1000),
        expires_on=days_ago(20),
    )
    assert save(lapsed) == 75.0
    renewal = Licence(
        enterprise=enterprise,
        kind=LicenceKind.FOOD_PRODUCTION,
        number="SC11443060200002",
        issued_on=days_ago(19),
        expires_on=days_ago(-1800),
    )
    assert save(renewal) == 80.0
    penalty = Penalty(
        enterprise=enterprise,
        decision_number="岳市监罚〔2026〕88号",
        decided_on=days_ago(3),
        grounds="x",
        recorded_by=supervisor,
    )
    assert save(penalty) == 70.0
    with django_capture_on_commit_callbacks(execute=True):
        record_void(actor=supervisor, record=penalty, reason="行政复议撤销")
    assert CreditGrade.objects.get(enterprise=enterprise).score == 80.0
    year = today().year - 1
    late = timezone.make_aware(
        datetime.datetime.combine(self_report_due_on(year, 2), datetime.time(9))
    ) + relativedelta(days=9)
    values = {
        "year": year,
        "quarter": 2,
        "quality_awareness": "good",
        "assurance_system": "good",
        "quality_level": "good",
        "site_management": "good",
        "after_sales": "good",
        "output_value": 100,
        "quality_loss_rate": 1,
        "complaints_received": 0,
    }
    with django_capture_on_commit_callbacks(execute=True):
        self_report_submit(actor=actors[Role.ENTERPRISE], enterprise=enterprise, values=values, files=[], now=late)
    assert CreditGrade.objects.get(enterprise=enterprise).score == 78.0
    events = DomainEvent.objects.filter(kind="enterprise.record", enterprise=enterprise)
    assert events.count() == 5 and not events.filter(dispatched_at__isnull=True).exists()
    assert set(GradeChange.objects.filter(enterprise=enterprise).values_list("cause", flat=True)) == {"manual"}


def test_a_record_event_grades_an_enterprise_not_graded_yet(enterprise, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record_save(
            PenaltyFactory.build(enterprise=enterprise, recorded_by=supervisor, is_heavier=True), actor=supervisor
        )
    [change] = history(enterprise)
    assert (change.previous_grade, change.grade, change.score, change.cause, change.detail) == (
        "",
        Grade.B,
        60.0,
        GradeCause.EVENT,
        "enterprise.record",
    )


def test_a_real_spot_check_moves_the_grade_through_the_event_handler(actors, django_capture_on_commit_callbacks):
    spot = SpotCheck(actors)
    spot.start()
    refused, checked = spot.task_at(spot.pool[0]), spot.task_at(spot.pool[1])
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    with django_capture_on_commit_callbacks(execute=True):
        sampling.sampling_file(
            actor=spot.inspector_of(refused),
            task=refused,
            values={"inspector_signatories": "李检查、赵检查"},
            photos=[],
            refused=True,
            refusal_reason="企业负责人拒绝抽样",
            refusal_witness="市场管理员 周见证",
        )
    grade = CreditGrade.objects.get(enterprise=refused.enterprise)
    # A refusal: veto. It opens no follow-up (its penalty is proposed to a leader), so no open follow-up's risk.
    assert (grade.grade, grade.score, grade.risk_score) == (Grade.C, 50.0, 25.0)
    change = history(refused.enterprise)[-1]
    assert (change.previous_grade, change.grade, change.cause, change.detail) == (
        Grade.B,
        Grade.C,
        GradeCause.EVENT,
        "inspection.refusal",
    )
    assert len(history(refused.enterprise)) == 2  # the follow-up's own event changed no grade
    with django_capture_on_commit_callbacks(execute=True):
        spot.checked(checked, cadmium="0.1")
    assert Task.objects.get(pk=checked.pk).status == TaskStatus.FINAL
    assert CreditGrade.objects.get(enterprise=checked.enterprise).score == 85.0
    assert not DomainEvent.objects.filter(dispatched_at__isnull=True).exclude(kind__startswith="campaign").exists()


# --- The recalculation itself -------------------------------------------------------------------------------------


def _record_for(enterprises, campaign) -> None:
    for index, enterprise in enumerate(enterprises):
        final_task(enterprise, [C, N, R][index % 3], days_ago=10 + index, campaign=campaign)
        PenaltyFactory(enterprise=enterprise)
        LicenceFactory(enterprise=enterprise, issued_on=days_ago(1500), expires_on=days_ago(30))
        SelfReportFactory(enterprise=enterprise, year=today().year - 1, quarter=1)


@pytest.mark.parametrize("count", [3, 30])
def test_the_recalculation_runs_a_fixed_number_of_queries(count, campaign, django_assert_num_queries):
    area = ResponsibilityAreaFactory()
    enterprises = EnterpriseFactory.create_batch(count, area=area)
    _record_for(enterprises, campaign)
    recalculate(cause=GradeCause.SCHEDULED)
    assert CreditGrade.objects.count() == count
    PenaltyFactory(enterprise=enterprises[0])
    # savepoint, model, (lock), area rates (read, delete, write), temp table (drop, create, count), history,
    # warnings, grades, drop, area warnings (open ones, rates), release; and the self-report due dates of the
    # last 4 quarters on the calendar (its year and its days off, 2 each: a due date on a day off moves)
    # PostgreSQL: the client check interval, the full-run and recalculation advisory locks, JIT off, and the city's
    # size for work_mem (a city this small keeps the server's work_mem: no SET)
    expected = 23 + 5 * (connection.vendor == "postgresql")
    with django_assert_num_queries(expected):
        outcome = recalculate(cause=GradeCause.SCHEDULED)
    assert (outcome.enterprises, outcome.changed) == (count, 1)
