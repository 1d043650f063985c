"""Every rule of famous-brand cultivation and the quality award (issue 6), proved one by one on the domain layer:
the real services, eligibility, scoring and revocation modules, on records made by the factories."""

import datetime
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from brands import services
from brands.choices import (
    ApplicationStatus,
    HelpKind,
    HonourStatus,
    ObjectionStatus,
    ProgrammeKind,
    ProgrammeStatus,
    ProposalStatus,
    ReviewStatus,
    RevocationCause,
    TargetCategory,
    TargetStatus,
)
from brands.eligibility import eligibility_checks, explained
from brands.events import HONOUR_AWARDED
from brands.models import (
    Application,
    CultivationTarget,
    Honour,
    HonourReview,
    Objection,
    ReviewAssignment,
    RevocationProposal,
    StageResult,
)
from brands.revocation import proposals_raise
from brands.scoring import StageScore, rank, stage_scores, trimmed_mean
from brands.tasks import raise_revocation_proposals_task
from core.events import event_dispatch, event_emit
from core.models import AuditEntry, DomainEvent, JobRun
from credit.choices import BlacklistStatus, Grade
from credit.models import CreditGrade, ScoringModel
from credit.services import recalculate_enterprises
from inspections.choices import Verdict
from inspections.services.verdicts import task_finalise
from tests.brands_flow import Call, full_marks
from tests.dishonesty import list_enterprise
from tests.factories import (
    BlacklistEntryFactory,
    EnterpriseFactory,
    LicenceFactory,
    PenaltyFactory,
    ProductFactory,
    UserFactory,
    assign_task,
    enterprise_user,
    final_task,
)

pytestmark = pytest.mark.django_db

YEARS_3 = 3 * 365 + 1  # days: just over the 3-year look-back


@pytest.fixture(autouse=True)
def _reference(reference_data):
    """The working-day calendar (notices, follow-ups) and the scoring models are needed throughout."""


def today() -> datetime.date:
    return timezone.localdate()


@contextmanager
def refused(field: str | None = None):
    """A ValidationError, naming `field` when given (as a form or the API would show it)."""
    with pytest.raises(ValidationError) as caught:
        yield caught
    if field is not None:
        assert hasattr(caught.value, "error_dict") and field in caught.value.error_dict, caught.value


def quick_call(**rules) -> Call:
    """A call with one reviewer per stage and a single scored stage: the shortest way to an honour."""
    rules = {"reviewers": 1, "min_reviewers": 1, "stages": ["paper", "committee"], **rules}
    return Call(**rules)


def failed_codes(application: Application) -> list[str]:
    return [check["code"] for check in application.failed_checks]


def check(application: Application, code: str) -> dict:
    return next(c for c in application.eligibility if c["code"] == code)


def graded(call: Call, enterprise, grade: str) -> None:
    call.regrade(enterprise)
    assert CreditGrade.objects.get(enterprise=enterprise).grade == grade


# Eligibility: from the record, explained, and a failed check bypassed only with a reason.


@pytest.fixture
def call(db):
    return Call()


def test_grades_a_and_b_are_eligible(call):
    best, best_user = call.applicant()
    final_task(best, Verdict.CONFORMING, days_ago=30)
    final_task(best, Verdict.CONFORMING, days_ago=60)
    graded(call, best, Grade.A)
    good, good_user = call.applicant()
    graded(call, good, Grade.B)
    for user, grade in ((best_user, "A"), (good_user, "B")):
        application = call.apply(user)
        assert application.eligible and application.status == ApplicationStatus.IN_REVIEW
        assert check(application, "grade") == {
            "code": "grade",
            "passed": True,
            "params": {"grade": grade, "allowed": ["A", "B"]},
        }


def test_grade_c_is_not_eligible(call):
    enterprise, user = call.applicant()
    PenaltyFactory.create_batch(3, enterprise=enterprise)
    graded(call, enterprise, Grade.C)
    application = call.apply(user)
    assert failed_codes(application) == ["grade"]


def test_an_enterprise_not_graded_yet_is_not_eligible(call):
    enterprise = EnterpriseFactory()
    assert not CreditGrade.objects.filter(enterprise=enterprise).exists()
    application = call.apply(enterprise_user(enterprise))
    assert failed_codes(application) == ["grade"] and check(application, "grade")["params"]["grade"] is None


@pytest.mark.parametrize("verdict", [Verdict.NONCONFORMING, Verdict.REFUSED])
def test_a_failed_spot_check_within_3_years_makes_it_ineligible(call, verdict):
    enterprise, user = call.applicant()
    task = final_task(enterprise, verdict, days_ago=3 * 365 - 5)
    application = call.apply(user)
    assert "spot_checks" in failed_codes(application)
    params = check(application, "spot_checks")["params"]
    assert params["count"] == 1 and params["latest"] == timezone.localdate(task.finalised_at).isoformat()


def test_a_failed_spot_check_older_than_3_years_does_not_count(call):
    enterprise, user = call.applicant()
    final_task(enterprise, Verdict.NONCONFORMING, days_ago=YEARS_3 + 5)
    final_task(enterprise, Verdict.REFUSED, days_ago=YEARS_3 + 30)
    application = call.apply(user)
    assert application.eligible and check(application, "spot_checks")["params"]["count"] == 0


def test_an_enterprise_on_the_dishonesty_list_is_not_eligible(call):
    enterprise, user = call.applicant()
    entry = BlacklistEntryFactory(enterprise=enterprise, published_on=today() - datetime.timedelta(days=5 * 365))
    application = call.apply(user)
    assert "blacklist" in failed_codes(application)
    assert check(application, "blacklist")["params"]["decisions"] == [entry.decision_number]


def test_a_listing_removed_within_3_years_still_makes_it_ineligible(call):
    enterprise, user = call.applicant()
    BlacklistEntryFactory(
        enterprise=enterprise,
        status=BlacklistStatus.REMOVED,
        published_on=today() - datetime.timedelta(days=4 * 365),
        removed_on=today() - datetime.timedelta(days=2 * 365),
    )
    application = call.apply(user)
    assert failed_codes(application) == ["blacklist"]


def test_a_listing_removed_long_ago_does_not_count(call):
    enterprise, user = call.applicant()
    BlacklistEntryFactory(
        enterprise=enterprise,
        status=BlacklistStatus.REMOVED,
        published_on=today() - datetime.timedelta(days=6 * 365),
        removed_on=today() - datetime.timedelta(days=5 * 365),
    )
    assert call.apply(user).eligible


def _licence(enterprise, *, expires_in: int):
    expires_on = today() + datetime.timedelta(days=expires_in)
    return LicenceFactory(enterprise=enterprise, issued_on=expires_on - relativedelta(years=5), expires_on=expires_on)


def test_a_lapsed_licence_not_renewed_makes_it_ineligible(call):
    enterprise, user = call.applicant()
    _licence(enterprise, expires_in=-10)
    application = call.apply(user)
    assert failed_codes(application) == ["licences"]
    assert check(application, "licences")["params"]["lacking"] == [application.enterprise.licences.get().kind]


def test_a_lapsed_licence_renewed_is_eligible(call):
    enterprise, user = call.applicant()
    _licence(enterprise, expires_in=-10)
    _licence(enterprise, expires_in=5 * 365)
    assert call.apply(user).eligible


def test_a_revoked_licence_makes_it_ineligible(call):
    enterprise, user = call.applicant()
    licence = _licence(enterprise, expires_in=365)
    licence.revoked_on, licence.revocation_reason = today() - datetime.timedelta(days=3), "生产条件发生重大变化"
    licence.save()
    assert failed_codes(call.apply(user)) == ["licences"]


def test_an_enterprise_holding_no_licence_is_eligible(call):
    enterprise, user = call.applicant()
    assert not enterprise.licences.exists()
    application = call.apply(user)
    assert application.eligible and check(application, "licences")["params"] == {"lacking": [], "held": 0}


def test_trading_less_than_3_years_is_not_eligible(call):
    enterprise, user = call.applicant(established_on=today() - relativedelta(years=3) + datetime.timedelta(days=1))
    assert failed_codes(call.apply(user)) == ["trading"]
    exactly, exactly_user = call.applicant(established_on=today() - relativedelta(years=3))
    assert call.apply(exactly_user).eligible


def test_an_enterprise_without_a_date_of_establishment_is_not_eligible(call):
    enterprise, user = call.applicant(established_on=None)
    application = call.apply(user)
    assert failed_codes(application) == ["trading"]
    assert check(application, "trading")["params"]["established"] is None


def test_each_check_is_explained_in_a_sentence(call):
    enterprise, user = call.applicant(established_on=today() - datetime.timedelta(days=400))
    final_task(enterprise, Verdict.NONCONFORMING, days_ago=20)
    _licence(enterprise, expires_in=-3)
    entry = BlacklistEntryFactory(enterprise=enterprise)
    graded(call, enterprise, Grade.C)
    application = call.apply(user)
    failing = explained(application.eligibility)
    assert [item["code"] for item in failing] == ["grade", "spot_checks", "blacklist", "licences", "trading"]
    assert all(not item["passed"] and item["rule"] and item["explanation"] for item in failing)
    by_code = {item["code"]: item for item in failing}
    assert "3" in str(by_code["spot_checks"]["rule"])
    assert str(today() - datetime.timedelta(days=20)) in by_code["spot_checks"]["explanation"]
    assert entry.decision_number in by_code["blacklist"]["explanation"]
    assert enterprise.established_on.isoformat() in by_code["trading"]["explanation"]

    clean, clean_user = call.applicant()
    passing = explained(call.apply(clean_user).eligibility)
    assert len(passing) == 5 and all(item["passed"] and item["rule"] and item["explanation"] for item in passing)
    assert "B" in next(item for item in passing if item["code"] == "grade")["explanation"]


def test_an_ineligible_application_is_kept_with_its_reasons(call):
    enterprise, user = call.applicant(established_on=None)
    application = call.apply(user)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE and not application.eligible
    assert application.stage == "" and application.checked_at is not None
    assert len(application.eligibility) == 5
    assert AuditEntry.objects.filter(action="brands.application.submit", object_id=application.pk).exists()


def test_a_bypass_needs_a_reason_and_records_who_and_when(call):
    enterprise, user = call.applicant(established_on=None)
    application = call.apply(user)
    with refused("reason"):
        services.eligibility_bypass(actor=call.supervisor, application=application, reason="  ")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE
    application = services.eligibility_bypass(actor=call.supervisor, application=application, reason="成立日期待补录")
    assert application.status == ApplicationStatus.IN_REVIEW and application.stage == "paper"
    assert application.bypass_reason == "成立日期待补录" and application.bypassed_by == call.supervisor
    assert application.bypassed_at is not None and failed_codes(application) == ["trading"]  # the failure stays on file


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.EXPERT, Role.INSPECTOR])
def test_only_staff_may_bypass_a_failed_check(call, role):
    enterprise, user = call.applicant(established_on=None)
    application = call.apply(user)
    actor = user if role == Role.ENTERPRISE else UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        services.eligibility_bypass(actor=actor, application=application, reason="请求破格")


def test_the_eligibility_rules_are_the_calls_data():
    strict = Call(eligibility={"grades": ["A"], "clean_years": 3, "trading_years": 3, "valid_licences": True})
    enterprise, user = strict.applicant()
    graded(strict, enterprise, Grade.B)
    application = strict.apply(user)
    assert failed_codes(application) == ["grade"]
    assert check(application, "grade")["params"]["allowed"] == ["A"]
    # And a call that looks back one year only lets an older failure pass.
    lenient = {"grades": ["A", "B"], "clean_years": 1, "trading_years": 0, "valid_licences": False}
    young = EnterpriseFactory(established_on=today() - datetime.timedelta(days=30))
    final_task(young, Verdict.NONCONFORMING, days_ago=400)
    recalculate_enterprises([young.pk], cause="manual")
    checks = eligibility_checks(young, lenient)
    assert all(c["passed"] for c in checks) and [c["code"] for c in checks] == [
        "grade",
        "spot_checks",
        "blacklist",
        "trading",
    ]


# The call's rules, checked when it is made.


def _programme(actor, **values):
    values = {
        "kind": ProgrammeKind.QUALITY_AWARD,
        "year": today().year,
        "title": "政府质量奖",
        "closes_on": today() + datetime.timedelta(days=30),
        "award_count": 2,
        **values,
    }
    return services.programme_create(actor=actor, values=values)


@pytest.mark.parametrize(
    "stages",
    [
        ["paper", "site"],  # no committee
        ["committee"],  # nothing scored
        ["paper", "interview", "committee"],  # unknown stage
        ["paper", "paper", "committee"],
        [],
    ],
)
def test_stages_end_with_the_committee_after_a_scored_stage(stages):
    with refused("stages"):
        _programme(UserFactory(role=Role.SUPERVISOR), stages=stages)


def test_stages_are_kept_in_their_order():
    programme = _programme(UserFactory(role=Role.SUPERVISOR), stages=["committee", "site", "paper"])
    assert programme.stages == ["paper", "site", "committee"]


@pytest.mark.parametrize("grades", [["A", "D"], [], ["a"]])
def test_eligible_grades_are_a_b_or_c(grades):
    rules = {"grades": grades, "clean_years": 3, "trading_years": 3, "valid_licences": True}
    with refused("eligibility"):
        _programme(UserFactory(role=Role.SUPERVISOR), eligibility=rules)


def test_a_call_cannot_close_in_the_past():
    with refused("closes_on"):
        _programme(UserFactory(role=Role.SUPERVISOR), closes_on=today() - datetime.timedelta(days=1))
    assert _programme(UserFactory(role=Role.SUPERVISOR), closes_on=today()).closes_on == today()


def test_a_call_without_a_closing_date_is_refused_with_a_field_error():
    with refused("closes_on"):
        _programme(UserFactory(role=Role.SUPERVISOR), closes_on=None)


def test_one_call_per_programme_and_year_and_only_staff_make_them():
    supervisor = UserFactory(role=Role.SUPERVISOR)
    _programme(supervisor)
    with refused():
        _programme(supervisor)
    with pytest.raises(PermissionDenied):
        _programme(UserFactory(role=Role.EXPERT), year=today().year + 1)


# Applications.


def test_applications_are_taken_only_while_the_call_is_open(call):
    enterprise, user = call.applicant()
    values = {"summary": "质量管理成效显著", "self_assessment": full_marks()}
    with refused():
        services.application_submit(
            actor=user, programme=call.programme, values=values, today=call.programme.closes_on + datetime.timedelta(1)
        )
    services.application_submit(actor=user, programme=call.programme, values=values, today=call.programme.closes_on)
    late, late_user = call.applicant()
    call.start_review()
    with refused():
        call.apply(late_user)
    assert not Application.objects.filter(enterprise=late).exists()


def test_a_famous_brand_application_names_one_of_the_applicants_current_products():
    brand = Call(kind=ProgrammeKind.FAMOUS_BRAND)
    enterprise, user = brand.applicant()
    with refused("product"):
        brand.apply(user)
    with refused("product"):
        brand.apply(user, product=ProductFactory())  # another enterprise's
    with refused("product"):
        brand.apply(user, product=ProductFactory(enterprise=enterprise, discontinued_on=today()))
    product = ProductFactory(enterprise=enterprise)
    assert brand.apply(user, product=product).product == product


def test_a_quality_award_application_is_for_the_enterprise_not_a_product(call):
    enterprise, user = call.applicant()
    assert call.apply(user, product=ProductFactory(enterprise=enterprise)).product is None


@pytest.mark.parametrize(
    "scores",
    [
        {**full_marks(), "results": 401},
        {**full_marks(), "leadership": -1},
        {code: points for code, points in full_marks().items() if code != "strategy"},
        {**full_marks(), "customers": "many"},
    ],
)
def test_a_self_assessment_out_of_range_is_refused_and_nothing_saved(call, scores):
    enterprise, user = call.applicant()
    with refused("self_assessment"):
        call.apply(user, scores=scores)
    assert not Application.objects.exists()


def test_the_self_assessment_total_is_kept(call):
    enterprise, user = call.applicant()
    application = call.apply(user, scores=full_marks(0.5))
    assert application.self_total == pytest.approx(500)


def test_one_application_per_call_and_enterprise_again_after_withdrawal(call):
    enterprise, user = call.applicant()
    first = call.apply(user)
    with refused():
        call.apply(user)
    services.application_withdraw(actor=user, application=first, reason="材料准备不足")
    second = call.apply(user)
    assert second.status == ApplicationStatus.IN_REVIEW
    assert Application.objects.filter(enterprise=enterprise).count() == 2


# Expert review.


@pytest.fixture
def reviewing(call):
    """A call under review with one eligible application at the paper stage."""
    enterprise, user = call.applicant()
    application = call.apply(user)
    call.start_review()
    return SimpleNamespace(call=call, application=application)


def test_only_expert_reviewers_are_assigned(reviewing):
    call = reviewing.call
    with refused("reviewers"):
        services.reviewers_assign(
            actor=call.supervisor, application=reviewing.application, reviewers=[UserFactory(role=Role.SUPERVISOR)]
        )
    with refused("reviewers"):
        services.reviewers_assign(actor=call.supervisor, application=reviewing.application, reviewers=[])
    with pytest.raises(PermissionDenied):
        services.reviewers_assign(actor=call.experts[0], application=reviewing.application, reviewers=call.experts)


def test_reviewers_are_assigned_only_once_the_review_has_started(call):
    enterprise, user = call.applicant()
    application = call.apply(user)
    with refused():
        services.reviewers_assign(actor=call.supervisor, application=application, reviewers=call.experts[:1])
    call.start_review()
    assert len(services.reviewers_assign(actor=call.supervisor, application=application, reviewers=call.experts)) == 5


def test_the_committee_stage_has_no_reviewers(reviewing):
    call = reviewing.call
    application = call.through_scored_stages(reviewing.application)
    assert application.stage == "committee"
    with refused():
        services.reviewers_assign(actor=call.supervisor, application=application, reviewers=call.experts[:1])


def test_a_reviewer_who_recused_is_never_assigned_to_that_application_again(reviewing):
    call, application = reviewing.call, reviewing.application
    conflicted, *others = call.experts
    [assignment] = services.reviewers_assign(actor=call.supervisor, application=application, reviewers=[conflicted])
    services.review_recuse(actor=conflicted, assignment=assignment, reason="曾任该企业技术顾问")
    with refused("reviewers"):
        services.reviewers_assign(actor=call.supervisor, application=application, reviewers=[conflicted])
    for assignment in services.reviewers_assign(actor=call.supervisor, application=application, reviewers=others[:3]):
        services.review_submit(actor=assignment.reviewer, assignment=assignment, scores=full_marks())
    services.stage_decide(actor=call.supervisor, application=application, advance=True)
    application.refresh_from_db()
    assert application.stage == "presentation"
    with refused("reviewers"):  # at a later stage too
        services.reviewers_assign(actor=call.supervisor, application=application, reviewers=[conflicted])


def test_a_recusal_needs_a_reason_and_is_recorded(reviewing):
    call, application = reviewing.call, reviewing.application
    [assignment] = services.reviewers_assign(actor=call.supervisor, application=application, reviewers=call.experts[:1])
    with refused("reason"):
        services.review_recuse(actor=call.experts[0], assignment=assignment, reason=" ")
    with pytest.raises(PermissionDenied):
        services.review_recuse(actor=call.experts[1], assignment=assignment, reason="他人代为回避")
    assignment = services.review_recuse(actor=call.experts[0], assignment=assignment, reason="近三年与该企业有业务往来")
    assignment.refresh_from_db()
    assert assignment.status == ReviewStatus.RECUSED and assignment.recusal_reason == "近三年与该企业有业务往来"
    assert assignment.closed_at is not None and assignment.total is None
    entry = AuditEntry.objects.get(action="brands.review.recuse", object_id=assignment.pk)
    assert entry.actor == call.experts[0] and entry.summary == "近三年与该企业有业务往来"


@pytest.mark.parametrize(
    "scores", [{**full_marks(), "leadership": 110.5}, {**full_marks(), "results": -0.1}, {"leadership": 100}]
)
def test_a_review_gives_0_to_the_maximum_in_every_category(reviewing, scores):
    call = reviewing.call
    [assignment] = services.reviewers_assign(
        actor=call.supervisor, application=reviewing.application, reviewers=call.experts[:1]
    )
    with refused("scores"):
        services.review_submit(actor=call.experts[0], assignment=assignment, scores=scores)
    assignment.refresh_from_db()
    assert assignment.status == ReviewStatus.ASSIGNED and assignment.total is None


def test_a_submitted_review_is_final_and_only_its_reviewer_submits_it(reviewing):
    call = reviewing.call
    first, second = services.reviewers_assign(
        actor=call.supervisor, application=reviewing.application, reviewers=call.experts[:2]
    )
    with pytest.raises(PermissionDenied):
        services.review_submit(actor=call.experts[1], assignment=first, scores=full_marks())
    with pytest.raises(PermissionDenied):
        services.review_submit(actor=call.supervisor, assignment=first, scores=full_marks())
    first = services.review_submit(actor=call.experts[0], assignment=first, scores=full_marks(0.9), comment="好")
    assert first.status == ReviewStatus.SUBMITTED and first.total == pytest.approx(900)
    with refused():
        services.review_submit(actor=call.experts[0], assignment=first, scores=full_marks(0.1))
    with refused():
        services.review_recuse(actor=call.experts[0], assignment=first, reason="事后回避")
    first.refresh_from_db()
    assert first.total == pytest.approx(900) and first.status == ReviewStatus.SUBMITTED


def test_a_stage_is_decided_only_when_every_reviewer_has_submitted_or_recused(reviewing):
    call, application = reviewing.call, reviewing.application
    with refused():  # nobody assigned yet
        services.stage_decide(actor=call.supervisor, application=application, advance=True)
    assignments = services.reviewers_assign(actor=call.supervisor, application=application, reviewers=call.experts[:3])
    for assignment in assignments[:2]:
        services.review_submit(actor=assignment.reviewer, assignment=assignment, scores=full_marks())
    with refused():  # one still pending
        services.stage_decide(actor=call.supervisor, application=application, advance=True)
    services.review_recuse(actor=assignments[2].reviewer, assignment=assignments[2], reason="亲属在该企业任职")
    with refused():  # two scores, the call needs three
        services.stage_decide(actor=call.supervisor, application=application, advance=True)
    [extra] = services.reviewers_assign(actor=call.supervisor, application=application, reviewers=call.experts[3:4])
    services.review_submit(actor=extra.reviewer, assignment=extra, scores=full_marks())
    result = services.stage_decide(actor=call.supervisor, application=application, advance=True)
    assert (result.scores_counted, result.scores_dropped, result.score) == (3, 0, pytest.approx(800))
    with pytest.raises(PermissionDenied):
        services.stage_decide(actor=call.experts[0], application=application, advance=True)


def test_trimmed_mean_drops_highest_and_lowest_from_five_scores():
    assert trimmed_mean([100, 800, 700, 600, 900], 5) == (700.0, 3, 2)
    assert trimmed_mean([100, 800, 700, 600], 5) == (550.0, 4, 0)
    assert trimmed_mean([1, 2, 3, 4, 5, 6], 5) == (3.5, 4, 2)
    assert trimmed_mean([100, 800, 700, 600], 4) == (650.0, 2, 2)  # the threshold is the call's
    assert trimmed_mean([], 5) == (None, 0, 0)


def test_a_stage_score_is_trimmed_with_five_reviewers_and_not_with_four(call):
    five, five_user = call.applicant()
    four, four_user = call.applicant()
    five_app, four_app = call.apply(five_user), call.apply(four_user)
    call.start_review()
    call.score(five_app, [0.9, 0.8, 0.7, 0.6, 0.1])
    call.score(four_app, [0.9, 0.8, 0.7, 0.1])
    five_result = services.stage_decide(actor=call.supervisor, application=five_app, advance=True)
    four_result = services.stage_decide(actor=call.supervisor, application=four_app, advance=True)
    assert (five_result.score, five_result.scores_counted, five_result.scores_dropped) == (700.0, 3, 2)
    assert (four_result.score, four_result.scores_counted, four_result.scores_dropped) == (625.0, 4, 0)
    assert (five_result.rank, four_result.rank) == (1, 2)


def test_equal_scores_share_a_rank(call):
    applications = []
    for _n in range(4):
        enterprise, user = call.applicant()
        applications.append(call.apply(user))
    call.start_review()
    for application, fraction in zip(applications, (0.9, 0.8, 0.8, 0.7), strict=True):
        call.score(application, [fraction] * 3)
    ranks = {s.application_id: s.rank for s in stage_scores(call.programme, "paper")}
    assert [ranks[a.pk] for a in applications] == [1, 2, 2, 4]
    results = [services.stage_decide(actor=call.supervisor, application=a, advance=True) for a in applications]
    assert [r.rank for r in results] == [1, 2, 2, 4]


def test_rank_puts_unscored_applications_last_without_a_rank():
    def score(pk, value):
        return StageScore(application_id=pk, score=value, counted=1, dropped=0, submitted=1, pending=0, recused=0)

    ranked = rank([score(1, 500.0), score(2, None), score(3, 700.0), score(4, 500.0), score(5, 300.0)])
    assert [(s.application_id, s.rank) for s in ranked] == [(3, 1), (1, 2), (4, 2), (5, 4), (2, None)]


def test_stopping_an_application_needs_a_note(reviewing):
    call, application = reviewing.call, reviewing.application
    call.score(application, [0.4, 0.4, 0.4])
    with refused("note"):
        services.stage_decide(actor=call.supervisor, application=application, advance=False, note=" ")
    result = services.stage_decide(actor=call.supervisor, application=application, advance=False, note="得分未达线")
    application.refresh_from_db()
    assert not result.advanced and result.note == "得分未达线"
    assert application.status == ApplicationStatus.NOT_SELECTED and application.closed_note == "得分未达线"


def test_an_application_goes_on_to_the_next_configured_stage():
    call = Call(stages=["paper", "site", "committee"])
    enterprise, user = call.applicant()
    application = call.apply(user)
    call.start_review()
    stages = []
    while application.stage != "committee":
        call.score(application, [0.8, 0.8, 0.8])
        services.stage_decide(actor=call.supervisor, application=application, advance=True)
        application.refresh_from_db()
        stages.append(application.stage)
    assert stages == ["site", "committee"]
    assert list(StageResult.objects.filter(application=application).values_list("stage", flat=True)) == [
        "paper",
        "site",
    ]
    with refused():  # the committee decides its own stage
        services.stage_decide(actor=call.supervisor, application=application, advance=True)


# The committee.


@pytest.fixture
def at_committee():
    """Two applications at the committee stage of a call with one award."""
    call = quick_call(award_count=1)
    applications = []
    for _n in range(2):
        enterprise, user = call.applicant()
        applications.append(call.apply(user))
    call.start_review()
    applications = [call.through_scored_stages(a, (0.8,)) for a in applications]
    return SimpleNamespace(call=call, applications=applications)


def test_only_a_leader_decides_for_the_committee(at_committee):
    call, [application, _other] = at_committee.call, at_committee.applications
    for actor in (call.supervisor, call.experts[0]):
        with pytest.raises(PermissionDenied):
            services.committee_decide(actor=actor, application=application, propose=True)
    services.committee_decide(actor=call.other_leader, application=application, propose=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PROPOSED


def test_proposals_are_capped_at_the_number_of_awards(at_committee):
    call, [first, second] = at_committee.call, at_committee.applications
    services.committee_decide(actor=call.leader, application=first, propose=True)
    with refused():
        services.committee_decide(actor=call.leader, application=second, propose=True)
    with refused("note"):
        services.committee_decide(actor=call.leader, application=second, propose=False)
    result = services.committee_decide(actor=call.leader, application=second, propose=False, note="名额已满")
    second.refresh_from_db()
    assert not result.advanced and second.status == ApplicationStatus.NOT_SELECTED
    assert result.score == pytest.approx(800)  # the committee's record carries the last stage score


def test_the_committee_decides_only_applications_that_reached_it():
    call = Call()
    enterprise, user = call.applicant()
    application = call.apply(user)
    call.start_review()
    with refused():
        services.committee_decide(actor=call.leader, application=application, propose=True)


# The public notice, objections and the award.


def test_the_notice_waits_until_every_application_is_decided(at_committee):
    call, [first, second] = at_committee.call, at_committee.applications
    services.committee_decide(actor=call.leader, application=first, propose=True)
    with refused():  # the second is still under review at the committee
        call.publish()
    services.committee_decide(actor=call.leader, application=second, propose=False, note="名额已满")
    with refused("text"):
        call.publish(text=" ")
    notice = call.publish()
    call.programme.refresh_from_db()
    assert call.programme.status == ProgrammeStatus.NOTICE and notice.programme == call.programme


def test_the_notice_needs_a_proposed_winner(at_committee):
    call = at_committee.call
    for application in at_committee.applications:
        services.committee_decide(actor=call.leader, application=application, propose=False, note="未达标准")
    with refused():
        call.publish()
    with pytest.raises(PermissionDenied):
        services.notice_publish(actor=call.experts[0], programme=call.programme, text="公示")


def test_an_ineligible_application_does_not_hold_up_the_notice():
    call = quick_call()
    enterprise, user = call.applicant()
    winner = call.apply(user)
    late, late_user = call.applicant(established_on=None)
    assert call.apply(late_user).status == ApplicationStatus.INELIGIBLE
    call.start_review()
    call.propose(winner)
    assert call.publish().ends_on


def test_the_notice_runs_7_working_days_over_the_national_day_holiday(at_committee):
    call, [first, second] = at_committee.call, at_committee.applications
    services.committee_decide(actor=call.leader, application=first, propose=True)
    services.committee_decide(actor=call.leader, application=second, propose=False, note="名额已满")
    # Published Wednesday 30 September 2026; 1–7 October are the holiday, Saturday 10 October is worked:
    # 8, 9, 10, 12, 13, 14, 15 October are the seven working days.
    notice = call.publish(on=datetime.date(2026, 9, 30))
    assert notice.published_on == datetime.date(2026, 9, 30)
    assert notice.ends_on == datetime.date(2026, 10, 15)


def test_the_notice_period_is_the_calls_data():
    call = quick_call(notice_working_days=1)
    enterprise, user = call.applicant()
    application = call.apply(user)
    call.start_review()
    call.propose(application)
    assert call.publish(on=datetime.date(2026, 9, 30)).ends_on == datetime.date(2026, 10, 8)


@pytest.fixture
def in_notice():
    """A call in its public notice: two proposed winners, a third not selected, and another call's winner."""
    call = quick_call(award_count=2)
    applicants = [call.applicant() for _n in range(3)]
    applications = [call.apply(user) for _enterprise, user in applicants]
    call.start_review()
    winners = [call.propose(a) for a in applications[:2]]
    loser = call.through_scored_stages(applications[2], (0.3,))
    services.committee_decide(actor=call.leader, application=loser, propose=False, note="得分较低")
    notice = call.publish(on=datetime.date(2026, 9, 30))
    return SimpleNamespace(call=call, notice=notice, winners=winners, loser=loser)


SIGNED = {"name": "王五", "phone": "138 0000 0000", "text": "该企业去年曾发生质量投诉"}


def test_objections_are_filed_only_while_the_notice_is_open(in_notice):
    notice, winner = in_notice.notice, in_notice.winners[0]
    objection = services.objection_file(
        actor=None, notice=notice, application=winner, values=SIGNED, today=notice.ends_on
    )
    assert objection.status == ObjectionStatus.OPEN and objection.phone == "13800000000"
    assert objection.filed_by is None
    with refused():
        services.objection_file(
            actor=None,
            notice=notice,
            application=winner,
            values=SIGNED,
            today=notice.ends_on + datetime.timedelta(days=1),
        )


def test_an_objection_names_a_proposed_winner_of_that_notice(in_notice):
    notice = in_notice.notice
    elsewhere = Call(year=2027)
    enterprise, user = elsewhere.applicant()
    other = elsewhere.apply(user)
    for application in (in_notice.loser, other):
        with refused("application"):
            services.objection_file(
                actor=None, notice=notice, application=application, values=SIGNED, today=notice.published_on
            )


@pytest.mark.parametrize("missing", ["name", "phone", "text"])
def test_an_objection_is_signed_with_a_name_and_phone(in_notice, missing):
    with refused(missing):
        services.objection_file(
            actor=None,
            notice=in_notice.notice,
            application=in_notice.winners[0],
            values={**SIGNED, missing: " "},
            today=in_notice.notice.published_on,
        )
    with refused("phone"):
        services.objection_file(
            actor=None,
            notice=in_notice.notice,
            application=in_notice.winners[0],
            values={**SIGNED, "phone": "12-34"},
            today=in_notice.notice.published_on,
        )
    assert not Objection.objects.exists()


def test_the_award_waits_for_the_end_of_the_notice(in_notice):
    call, notice = in_notice.call, in_notice.notice
    with refused():
        call.award(on=notice.ends_on)
    with pytest.raises(PermissionDenied):
        services.programme_submit(
            actor=call.supervisor, programme=call.programme, today=notice.ends_on + datetime.timedelta(days=1)
        )
    assert len(call.award(on=notice.ends_on + datetime.timedelta(days=1))) == 2


def test_the_award_waits_until_every_objection_is_resolved_and_an_upheld_one_removes_the_winner(in_notice):
    call, notice, (first, second) = in_notice.call, in_notice.notice, in_notice.winners
    after = notice.ends_on + datetime.timedelta(days=1)
    against_first = services.objection_file(
        actor=None, notice=notice, application=first, values=SIGNED, today=notice.published_on
    )
    against_second = services.objection_file(
        actor=None, notice=notice, application=second, values=SIGNED, today=notice.published_on
    )
    with refused():
        call.award(on=after)
    with refused("note"):
        services.objection_resolve(actor=call.supervisor, objection=against_first, upheld=True, note=" ")
    with pytest.raises(PermissionDenied):
        services.objection_resolve(actor=call.experts[0], objection=against_first, upheld=True, note="属实")
    services.objection_resolve(actor=call.supervisor, objection=against_first, upheld=True, note="经核实属实")
    with refused():  # the second is still open
        call.award(on=after)
    services.objection_resolve(actor=call.supervisor, objection=against_second, upheld=False, note="与事实不符")
    [honour] = call.award(on=after)
    first.refresh_from_db()
    assert honour.application == second and first.status == ApplicationStatus.NOT_SELECTED


def test_the_award_makes_honours_valid_for_the_calls_years_with_sequential_certificates(in_notice):
    call, notice = in_notice.call, in_notice.notice
    awarded_on = notice.ends_on + datetime.timedelta(days=1)
    honours = call.award(on=awarded_on)
    year = call.programme.year
    assert [h.certificate_number for h in honours] == [f"{year}-ZLJ-001", f"{year}-ZLJ-002"]
    for honour, application in zip(honours, sorted(in_notice.winners, key=lambda a: a.pk), strict=True):
        application.refresh_from_db()
        assert honour.application == application and application.status == ApplicationStatus.AWARDED
        assert honour.awarded_on == datetime.date(2026, 10, 16)
        assert honour.valid_until == datetime.date(2031, 10, 15)  # 5 years: to the day before the anniversary
        assert honour.status == HonourStatus.CURRENT and honour.enterprise == application.enterprise
    call.programme.refresh_from_db()
    assert call.programme.status == ProgrammeStatus.DECIDED
    in_notice.loser.refresh_from_db()
    assert in_notice.loser.status == ApplicationStatus.NOT_SELECTED
    with refused():  # once only
        call.award(on=awarded_on)


def test_the_validity_is_the_calls_data():
    call = quick_call(kind=ProgrammeKind.FAMOUS_BRAND, validity_years=3)
    enterprise, user = call.applicant()
    honour = call.honoured(user, product=ProductFactory(enterprise=enterprise))
    assert honour.valid_until == honour.awarded_on + relativedelta(years=3) - datetime.timedelta(days=1)
    assert honour.certificate_number == f"{call.programme.year}-MP-001" and honour.product is not None
    assert Honour.validity_end(datetime.date(2026, 1, 1), 5) == datetime.date(2030, 12, 31)


def test_certificate_numbers_are_unique_across_calls():
    first = quick_call(year=2026)
    second = quick_call(year=2027)
    honours = [call.honoured(call.applicant()[1]) for call in (first, second)]
    assert [h.certificate_number for h in honours] == ["2026-ZLJ-001", "2027-ZLJ-001"]


# Revocation: proposals raised by the holder's record, confirmed or dismissed by staff.


@pytest.fixture
def holder():
    """An enterprise holding a current quality-award honour, awarded today."""
    call = quick_call()
    enterprise, user = call.applicant()
    honour = call.honoured(user)
    assert honour.awarded_on == today() and honour.is_current()
    return SimpleNamespace(call=call, enterprise=enterprise, user=user, honour=honour)


def proposals(holder, cause=None):
    found = RevocationProposal.objects.filter(honour=holder.honour)
    return found.filter(cause=cause) if cause else found


def test_a_failed_spot_check_after_the_award_raises_a_proposal_through_the_verdict_event(
    holder, django_capture_on_commit_callbacks
):
    task = assign_task(UserFactory(role=Role.INSPECTOR), holder.enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        task_finalise(task=task, verdict=Verdict.NONCONFORMING, actor=holder.call.supervisor, source="test")
    event = DomainEvent.objects.get(kind="inspection.verdict", enterprise=holder.enterprise)
    assert event.dispatched_at is not None
    [proposal] = proposals(holder)
    assert proposal.cause == RevocationCause.NONCONFORMING and proposal.trigger == f"task:{task.pk}"
    assert proposal.status == ProposalStatus.OPEN
    assert proposals_raise() == 0 and proposals(holder).count() == 1  # raised once only


def test_a_refusal_after_the_award_is_proposed_once_not_again_for_the_grade_it_vetoes(
    holder, django_capture_on_commit_callbacks
):
    task = assign_task(UserFactory(role=Role.INSPECTOR), holder.enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        task_finalise(task=task, verdict=Verdict.REFUSED, actor=holder.call.supervisor, source="test")
    assert CreditGrade.objects.get(enterprise=holder.enterprise).grade == Grade.C  # the refusal's veto
    [proposal] = proposals(holder)
    assert (proposal.cause, proposal.trigger) == (RevocationCause.NONCONFORMING, f"task:{task.pk}")
    assert proposals_raise() == 0


def test_a_failed_spot_check_event_dispatched_by_hand_raises_a_proposal(holder):
    task = final_task(holder.enterprise, Verdict.NONCONFORMING, days_ago=0)
    event = event_emit("inspection.verdict", enterprise_id=holder.enterprise.pk, task=task.pk, verdict=task.verdict)
    assert event_dispatch(event.pk) is True
    assert proposals(holder, RevocationCause.NONCONFORMING).count() == 1
    assert event_dispatch(event.pk) is False  # dispatched once


def test_falling_to_grade_c_raises_a_proposal_through_the_record_event(holder):
    PenaltyFactory.create_batch(4, enterprise=holder.enterprise, decided_on=today())
    event = event_emit("enterprise.record", enterprise_id=holder.enterprise.pk)
    event_dispatch(event.pk)  # the credit handler regrades first, then the brands handler sees grade C
    grade = CreditGrade.objects.get(enterprise=holder.enterprise)
    assert grade.grade == Grade.C
    [proposal] = proposals(holder)
    assert proposal.cause == RevocationCause.GRADE_C and proposal.trigger.startswith("grade:")
    assert proposals_raise(enterprise_ids=[holder.enterprise.pk]) == 0
    # Still C the next night: nothing new.
    holder.call.regrade(holder.enterprise)
    assert proposals_raise() == 0


def test_blacklisting_raises_a_proposal_through_the_listing_event(holder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = list_enterprise(holder.enterprise, supervisor=holder.call.supervisor, published_on=today())
    assert DomainEvent.objects.get(kind="credit.listed", enterprise=holder.enterprise).dispatched_at is not None
    assert CreditGrade.objects.get(enterprise=holder.enterprise).grade == Grade.C  # the listing's veto
    [proposal] = proposals(holder)  # one listing, one proposal: not a second one for the grade it caused
    assert proposal.cause == RevocationCause.BLACKLISTED
    assert proposal.trigger == f"blacklist:{entry.pk}" and proposal.detail == entry.decision_number
    assert proposals_raise() == 0 and proposals(holder).count() == 1


def test_a_verdict_raises_a_proposal_only_for_the_honours_checked_before_it():
    earlier = quick_call(year=2026)
    enterprise, user = earlier.applicant()
    old = earlier.honoured(user)
    Application.objects.filter(pk=old.application_id).update(checked_at=timezone.now() - datetime.timedelta(days=300))
    later = quick_call(kind=ProgrammeKind.FAMOUS_BRAND)
    new = later.honoured(user, product=ProductFactory(enterprise=enterprise))
    task = final_task(enterprise, Verdict.NONCONFORMING, days_ago=30)  # after the first check, before the second
    assert proposals_raise() == 1
    assert list(RevocationProposal.objects.values_list("honour", "trigger")) == [(old.pk, f"task:{task.pk}")]
    final_task(enterprise, Verdict.NONCONFORMING, days_ago=0)  # after both
    assert proposals_raise() == 2
    assert RevocationProposal.objects.filter(honour=new).count() == 1


def test_a_failed_spot_check_during_the_review_is_proposed_once_awarded():
    call = quick_call()
    enterprise, user = call.applicant()
    application = call.apply(user)
    Application.objects.filter(pk=application.pk).update(checked_at=timezone.now() - datetime.timedelta(days=10))
    final_task(enterprise, Verdict.NONCONFORMING, days_ago=3)  # after the eligibility check, before the award
    call.start_review()
    call.propose(application)
    call.publish()
    [honour] = call.award()
    assert proposals_raise() == 1
    assert RevocationProposal.objects.get().honour == honour


def test_a_failure_admitted_with_a_recorded_reason_raises_nothing():
    call = quick_call()
    enterprise, user = call.applicant()
    final_task(enterprise, Verdict.NONCONFORMING, days_ago=3)  # before applying: the check fails
    application = call.apply(user)
    assert not application.eligible
    services.eligibility_bypass(actor=call.supervisor, application=application, reason="经局务会研究同意参评")
    call.start_review()
    call.propose(application)
    call.publish()
    call.award()
    assert proposals_raise() == 0 and not RevocationProposal.objects.exists()


def test_nothing_is_raised_for_an_expired_honour(holder):
    final_task(holder.enterprise, Verdict.NONCONFORMING, days_ago=0)
    after_expiry = holder.honour.valid_until + datetime.timedelta(days=1)
    assert proposals_raise(today=after_expiry) == 0
    assert proposals_raise(today=holder.honour.valid_until) == 1  # its last day is still in force


def test_nothing_is_raised_for_a_revoked_honour(holder):
    services.honour_review(actor=holder.call.supervisor, honour=holder.honour, year=2026, passed=False, note="整改不力")
    [proposal] = proposals(holder)
    services.proposal_decide(actor=holder.call.supervisor, proposal=proposal, confirm=True, note="撤销")
    final_task(holder.enterprise, Verdict.NONCONFORMING, days_ago=0)
    assert proposals_raise() == 0 and proposals(holder).count() == 1


def test_confirming_a_proposal_revokes_the_honour_and_lowers_the_credit_score(
    holder, django_capture_on_commit_callbacks
):
    call, enterprise = holder.call, holder.enterprise
    before = CreditGrade.objects.get(enterprise=enterprise)
    assert before.indicator_values["brand_honour"] == 1
    final_task(enterprise, Verdict.NONCONFORMING, days_ago=0)
    services.honour_review(actor=call.supervisor, honour=holder.honour, year=2026, passed=False, note="复核未通过")
    assert proposals_raise() == 1
    nonconforming = proposals(holder).get(cause=RevocationCause.NONCONFORMING)
    yearly = proposals(holder).get(cause=RevocationCause.YEARLY_REVIEW)
    with pytest.raises(PermissionDenied):
        services.proposal_decide(actor=holder.user, proposal=nonconforming, confirm=True, note="撤销")
    with refused("note"):
        services.proposal_decide(actor=call.supervisor, proposal=nonconforming, confirm=True, note="")
    call.regrade(enterprise)
    score_with_honour = CreditGrade.objects.get(enterprise=enterprise).score
    with django_capture_on_commit_callbacks(execute=True):  # the grade follows the revocation's commit
        services.proposal_decide(
            actor=call.supervisor, proposal=nonconforming, confirm=True, note="抽查不合格，撤销称号"
        )
    honour = Honour.objects.get(pk=holder.honour.pk)
    assert honour.status == HonourStatus.REVOKED and honour.revoked_on == today()
    assert "抽查不合格，撤销称号" in honour.revocation_reason
    assert not Honour.objects.current().filter(pk=honour.pk).exists()
    yearly.refresh_from_db()
    assert yearly.status == ProposalStatus.DISMISSED and yearly.decided_by == call.supervisor
    after = CreditGrade.objects.get(enterprise=enterprise)
    assert after.indicator_values["brand_honour"] == 0 and after.score == score_with_honour - 5
    with refused():  # decided once
        services.proposal_decide(actor=call.supervisor, proposal=yearly, confirm=True, note="再次撤销")


def test_dismissing_a_proposal_needs_a_note_and_keeps_the_honour(holder):
    final_task(holder.enterprise, Verdict.NONCONFORMING, days_ago=0)
    proposals_raise()
    [proposal] = proposals(holder)
    with refused("note"):
        services.proposal_decide(actor=holder.call.supervisor, proposal=proposal, confirm=False, note="  ")
    proposal = services.proposal_decide(
        actor=holder.call.supervisor, proposal=proposal, confirm=False, note="复检合格，系抽样问题"
    )
    assert proposal.status == ProposalStatus.DISMISSED and proposal.decision_note == "复检合格，系抽样问题"
    holder.honour.refresh_from_db()
    assert holder.honour.status == HonourStatus.CURRENT and Honour.objects.current().filter(pk=holder.honour.pk)
    assert proposals_raise() == 0  # a dismissed proposal is not raised again for the same verdict


def test_the_nightly_task_raises_missed_proposals_and_records_its_run(holder):
    final_task(holder.enterprise, Verdict.NONCONFORMING, days_ago=0)  # no event: missed
    assert raise_revocation_proposals_task.delay().get() == 1
    assert raise_revocation_proposals_task() == 0
    runs = JobRun.objects.filter(name="brands.revocation_proposals").order_by("pk")
    assert [(run.status, run.counts) for run in runs] == [
        (JobRun.Status.SUCCEEDED, {"raised": 1}),
        (JobRun.Status.SUCCEEDED, {"raised": 0}),
    ]
    assert all(run.finished_at for run in runs)


# The yearly review of an honour.


def test_a_yearly_review_records_the_checks_and_happens_once_a_year(holder):
    call = holder.call
    with refused("note"):
        services.honour_review(actor=call.supervisor, honour=holder.honour, year=2026, passed=True, note=" ")
    with pytest.raises(PermissionDenied):
        services.honour_review(actor=holder.user, honour=holder.honour, year=2026, passed=True, note="自查合格")
    review = services.honour_review(
        actor=call.supervisor, honour=holder.honour, year=2026, passed=True, note="仍符合条件"
    )
    assert [c["code"] for c in review.checks] == ["grade", "spot_checks", "blacklist", "licences", "trading"]
    assert all(c["passed"] for c in review.checks) and review.reviewed_by == call.supervisor
    assert not proposals(holder).exists()
    with refused("year"):
        services.honour_review(actor=call.supervisor, honour=holder.honour, year=2026, passed=True, note="重复")
    services.honour_review(actor=call.supervisor, honour=holder.honour, year=2027, passed=True, note="仍符合条件")
    assert HonourReview.objects.filter(honour=holder.honour).count() == 2


def test_a_failed_yearly_review_raises_a_proposal(holder):
    review = services.honour_review(
        actor=holder.call.supervisor, honour=holder.honour, year=2026, passed=False, note="质量管理体系运行失效"
    )
    assert not review.passed
    [proposal] = proposals(holder)
    assert (proposal.cause, proposal.trigger, proposal.detail) == (
        RevocationCause.YEARLY_REVIEW,
        "review:2026",
        "质量管理体系运行失效",
    )


def test_only_a_current_honour_is_reviewed(holder):
    call = holder.call
    services.honour_review(actor=call.supervisor, honour=holder.honour, year=2026, passed=False, note="不合格")
    services.proposal_decide(actor=call.supervisor, proposal=proposals(holder).get(), confirm=True, note="撤销")
    with refused():
        services.honour_review(actor=call.supervisor, honour=holder.honour, year=2027, passed=True, note="复核")
    expired = quick_call(year=2027)
    honour = expired.honoured(expired.applicant()[1])
    Honour.objects.filter(pk=honour.pk).update(valid_until=today() - datetime.timedelta(days=1))  # time passed
    with refused():
        services.honour_review(actor=call.supervisor, honour=honour, year=2027, passed=True, note="复核")


# Honours in the credit grade.


def honour_weight() -> dict:
    model = ScoringModel.objects.in_force(today())
    return model.weights["brand_honour"]


def test_the_scoring_model_in_force_counts_honours():
    in_force = ScoringModel.objects.in_force(today())
    assert honour_weight() == {"points": 5, "cap": 10}
    # The weight came as a new version (the earlier one stays unchanged).
    assert ScoringModel.objects.filter(version__lt=in_force.version).exclude(weights__has_key="brand_honour")


def test_a_current_honour_adds_points_to_the_credit_score():
    call = quick_call()
    enterprise, user = call.applicant()
    before = CreditGrade.objects.get(enterprise=enterprise).score
    call.honoured(user)
    grade = CreditGrade.objects.get(enterprise=enterprise)
    assert grade.indicator_values["brand_honour"] == 1
    assert grade.score == before + honour_weight()["points"]
    assert grade.model == ScoringModel.objects.in_force(today())


def test_the_grade_follows_an_award_through_the_honour_event_only():
    call = quick_call()
    enterprise, user = call.applicant()
    application = call.apply(user)
    call.start_review()
    call.propose(application)
    call.publish()
    call.submit()
    services.conferral_record(  # not committed yet: nothing follows
        actor=call.leader, programme=call.programme, decided_on=today(), document_number="岳政发〔2026〕1号"
    )
    assert CreditGrade.objects.get(enterprise=enterprise).indicator_values["brand_honour"] == 0
    event = DomainEvent.objects.get(kind=HONOUR_AWARDED, enterprise=enterprise)
    assert event.kind == "brands.award" and event.dispatched_at is None  # the kind is the history's detail
    assert event_dispatch(event.pk)  # as after the commit
    assert CreditGrade.objects.get(enterprise=enterprise).indicator_values["brand_honour"] == 1


def test_honour_points_are_capped():
    enterprise = EnterpriseFactory()
    user = enterprise_user(enterprise)
    recalculate_enterprises([enterprise.pk], cause="manual")
    before = CreditGrade.objects.get(enterprise=enterprise).score
    calls = [
        quick_call(year=2026),
        quick_call(year=2027),
        quick_call(kind=ProgrammeKind.FAMOUS_BRAND, year=2026),
    ]
    for call in calls:
        call.honoured(user, product=ProductFactory(enterprise=enterprise) if call.programme.needs_product else None)
    grade = CreditGrade.objects.get(enterprise=enterprise)
    weight = honour_weight()
    assert grade.indicator_values["brand_honour"] == 3
    assert grade.score == before + min(3 * weight["points"], weight["cap"]) == before + 10


def test_an_expired_honour_counts_nothing(holder):
    after_expiry = timezone.make_aware(
        datetime.datetime.combine(holder.honour.valid_until + datetime.timedelta(days=1), datetime.time(3))
    )
    recalculate_enterprises([holder.enterprise.pk], cause="manual", now=after_expiry)
    assert CreditGrade.objects.get(enterprise=holder.enterprise).indicator_values["brand_honour"] == 0


# Cultivation targets.


@pytest.fixture
def staff(db):
    return SimpleNamespace(
        leader=UserFactory(role=Role.LEADER),
        supervisor=UserFactory(role=Role.SUPERVISOR),
    )


def target_values(enterprise, officer, **values):
    return {
        "enterprise": enterprise,
        "year": 2026,
        "category": TargetCategory.HIDDEN_CHAMPION,
        "officer": officer,
        "goal": "争创省长质量奖",
        "plan": "导入卓越绩效模式，三年内完成对标",
        **values,
    }


def test_only_staff_put_an_enterprise_on_the_list_and_change_its_plan(staff, enterprise):
    user = enterprise_user(enterprise)
    for actor in (user, UserFactory(role=Role.EXPERT), UserFactory(role=Role.INSPECTOR)):
        with pytest.raises(PermissionDenied):
            services.target_save(actor=actor, values=target_values(enterprise, staff.supervisor))
    target = services.target_save(actor=staff.supervisor, values=target_values(enterprise, staff.supervisor))
    assert target.created_by == staff.supervisor and target.status == TargetStatus.ACTIVE
    other = EnterpriseFactory()
    target = services.target_save(
        actor=staff.leader,
        target=target,
        values={**target_values(other, staff.leader), "goal": "争创市长质量奖"},
    )
    target.refresh_from_db()
    assert target.goal == "争创市长质量奖" and target.officer == staff.leader
    assert target.enterprise == enterprise  # the enterprise of a target does not change
    with pytest.raises(PermissionDenied):
        services.target_save(actor=user, target=target, values={"goal": "自改", "plan": "自改"})


def test_one_target_per_enterprise_and_year(staff, enterprise):
    services.target_save(actor=staff.supervisor, values=target_values(enterprise, staff.supervisor))
    with refused():
        services.target_save(actor=staff.supervisor, values=target_values(enterprise, staff.supervisor))
    assert (
        services.target_save(actor=staff.supervisor, values=target_values(enterprise, staff.supervisor, year=2027)).year
        == 2027
    )


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.EXPERT, Role.ENTERPRISE, Role.ADMIN])
def test_the_responsible_officer_is_bureau_staff(staff, enterprise, role):
    officer = enterprise_user(enterprise) if role == Role.ENTERPRISE else UserFactory(role=role)
    with refused("officer"):
        services.target_save(actor=staff.supervisor, values=target_values(enterprise, officer))


@pytest.mark.parametrize("blank", ["goal", "plan"])
def test_a_target_has_a_goal_and_a_plan(staff, enterprise, blank):
    with refused(blank):
        services.target_save(actor=staff.supervisor, values=target_values(enterprise, staff.supervisor, **{blank: ""}))


def test_milestones_help_and_progress_notes(staff, enterprise):
    target = services.target_save(actor=staff.supervisor, values=target_values(enterprise, staff.supervisor))
    actor = staff.supervisor
    with refused("title"):
        services.milestone_add(actor=actor, target=target, title=" ", due_on=today())
    milestone = services.milestone_add(actor=actor, target=target, title="完成首轮自评", due_on=today())
    with refused("done_on"):
        services.milestone_done(actor=actor, milestone=milestone, done_on=today() + datetime.timedelta(days=1))
    milestone = services.milestone_done(actor=actor, milestone=milestone, done_on=today(), note="已提交报告")
    assert milestone.done_on == today() and not milestone.is_overdue()
    with refused():
        services.milestone_done(actor=actor, milestone=milestone, done_on=today())
    with refused("description"):
        services.help_record(actor=actor, target=target, kind=HelpKind.STANDARDS, given_on=today(), description="")
    with refused("given_on"):
        services.help_record(
            actor=actor,
            target=target,
            kind=HelpKind.METROLOGY,
            given_on=today() + datetime.timedelta(days=1),
            description="计量器具检定",
        )
    record = services.help_record(
        actor=actor, target=target, kind=HelpKind.TRAINING, given_on=today(), description="卓越绩效培训"
    )
    assert record.recorded_by == actor
    with refused("text"):
        services.progress_note(actor=actor, target=target, text="")
    note = services.progress_note(actor=actor, target=target, text="企业已成立质量奖申报工作组")
    assert (target.milestones.count(), target.help.count(), target.notes.get()) == (1, 1, note)
    user = enterprise_user(enterprise)
    with pytest.raises(PermissionDenied):
        services.progress_note(actor=user, target=target, text="自报进展")


def test_closing_a_target_needs_a_note(staff, enterprise):
    target = services.target_save(actor=staff.supervisor, values=target_values(enterprise, staff.supervisor))
    with refused("note"):
        services.target_close(actor=staff.supervisor, target=target, note=" ")
    target = services.target_close(actor=staff.supervisor, target=target, note="已获市长质量奖")
    assert target.status == TargetStatus.CLOSED and target.closed_note == "已获市长质量奖"
    with refused():  # closed: no more milestones
        services.milestone_add(actor=staff.supervisor, target=target, title="新节点", due_on=today())
    with refused():
        services.target_close(actor=staff.supervisor, target=target, note="再次关闭")


def test_an_enterprise_sees_only_its_own_cultivation_plan(staff, enterprise, other_enterprise):
    mine = services.target_save(actor=staff.supervisor, values=target_values(enterprise, staff.supervisor))
    theirs = services.target_save(actor=staff.supervisor, values=target_values(other_enterprise, staff.supervisor))
    assert list(CultivationTarget.objects.visible_to(enterprise_user(enterprise))) == [mine]
    assert set(CultivationTarget.objects.visible_to(staff.leader)) == {mine, theirs}
    for user in (UserFactory(role=Role.EXPERT), UserFactory(role=Role.INSPECTOR), AnonymousUser()):
        assert not CultivationTarget.objects.visible_to(user).exists()


# Who reads what.


def test_who_sees_which_applications(call):
    enterprise, user = call.applicant()
    other_enterprise, other_user = call.applicant()
    assigned, unassigned = call.apply(user), call.apply(other_user)
    call.start_review()
    services.reviewers_assign(actor=call.supervisor, application=assigned, reviewers=call.experts[:1])
    assert set(Application.objects.visible_to(call.supervisor)) == {assigned, unassigned}
    assert set(Application.objects.visible_to(call.leader)) == {assigned, unassigned}
    assert list(Application.objects.visible_to(other_user)) == [unassigned]
    assert list(Application.objects.visible_to(call.experts[0])) == [assigned]
    assert not Application.objects.visible_to(call.experts[1]).exists()
    for nobody in (UserFactory(role=Role.INSPECTOR), UserFactory(role=Role.LAB_TECHNICIAN), AnonymousUser()):
        assert not Application.objects.visible_to(nobody).exists()
    # A reviewer who recused no longer reads the application's file; their recusal stays theirs to see.
    [assignment] = ReviewAssignment.objects.filter(reviewer=call.experts[0])
    services.review_recuse(actor=call.experts[0], assignment=assignment, reason="利益冲突")
    assert not Application.objects.visible_to(call.experts[0]).exists()
    assert list(ReviewAssignment.objects.visible_to(call.experts[0])) == [assignment]
    assert not ReviewAssignment.objects.visible_to(other_user).exists()


def test_the_public_sees_only_current_honours(holder):
    revoked_call = quick_call(year=2027)
    revoked_enterprise, revoked_user = revoked_call.applicant()
    revoked = revoked_call.honoured(revoked_user)
    services.honour_review(actor=revoked_call.supervisor, honour=revoked, year=2027, passed=False, note="不合格")
    services.proposal_decide(
        actor=revoked_call.supervisor,
        proposal=RevocationProposal.objects.get(honour=revoked),
        confirm=True,
        note="撤销",
    )
    for reader in (AnonymousUser(), UserFactory(role=Role.INSPECTOR), holder.user):
        assert list(Honour.objects.visible_to(reader)) == [holder.honour]
    assert set(Honour.objects.visible_to(revoked_user)) == {holder.honour, revoked}  # its own, revoked too
    assert set(Honour.objects.visible_to(holder.call.supervisor)) == {holder.honour, revoked}


def test_objections_are_seen_by_staff_only(in_notice):
    objection = services.objection_file(
        actor=None,
        notice=in_notice.notice,
        application=in_notice.winners[0],
        values=SIGNED,
        today=in_notice.notice.published_on,
    )
    assert list(Objection.objects.visible_to(in_notice.call.supervisor)) == [objection]
    objector = enterprise_user(in_notice.winners[1].enterprise)
    for reader in (AnonymousUser(), objector, in_notice.call.experts[0], UserFactory(role=Role.INSPECTOR)):
        assert not Objection.objects.visible_to(reader).exists()


# Found in review: decisions taken on a stale page, withdrawn and half-scored applications in the ranking, a
# revoked honour on its notice, a proposal confirmed on an honour revoked meanwhile.


def test_a_decision_taken_on_a_page_showing_an_earlier_stage_is_refused(reviewing):
    call, application = reviewing.call, reviewing.application
    call.score(application, [0.8, 0.8, 0.8])
    services.stage_decide(actor=call.supervisor, application=application, advance=True, stage="paper")
    with refused():  # the same page, still showing the paper review, posted again
        services.stage_decide(actor=call.supervisor, application=application, advance=False, note="x", stage="paper")
    with refused():
        services.reviewers_assign(
            actor=call.supervisor, application=application, reviewers=call.experts[:1], stage="paper"
        )
    application.refresh_from_db()
    assert application.stage == "presentation" and not application.reviews.filter(stage="presentation").exists()


def test_only_complete_scores_of_applications_still_in_the_call_are_ranked(call):
    users = [call.applicant()[1] for _n in range(3)]
    applications = [call.apply(user) for user in users]
    call.start_review()
    call.score(applications[0], [0.6, 0.6, 0.6])
    call.score(applications[1], [0.9, 0.9, 0.9])
    services.reviewers_assign(actor=call.supervisor, application=applications[2], reviewers=call.experts[:2])
    first = applications[2].reviews.first()
    services.review_submit(actor=first.reviewer, assignment=first, scores=full_marks(0.95))  # one still to come
    services.application_withdraw(actor=users[1], application=applications[1], reason="不再参评")
    ranked = {s.application_id: s.rank for s in stage_scores(call.programme, "paper")}
    assert ranked == {applications[0].pk: 1, applications[2].pk: None}


def test_a_revoked_honour_leaves_its_notice(holder):
    notice = holder.call.notice
    assert list(notice.programme.applications.on_notice()) == [holder.honour.application]
    proposal = RevocationProposal.objects.create(
        honour=holder.honour, cause=RevocationCause.YEARLY_REVIEW, trigger="review:x"
    )
    services.proposal_decide(actor=holder.call.supervisor, proposal=proposal, confirm=True, note="撤销")
    assert not notice.programme.applications.on_notice().exists()


def test_a_proposal_cannot_revoke_an_honour_that_is_no_longer_current(holder):
    proposal = RevocationProposal.objects.create(
        honour=holder.honour, cause=RevocationCause.YEARLY_REVIEW, trigger="review:x"
    )
    Honour.objects.filter(pk=holder.honour.pk).update(status=HonourStatus.REVOKED)
    with refused():
        services.proposal_decide(actor=holder.call.supervisor, proposal=proposal, confirm=True, note="撤销")
    services.proposal_decide(actor=holder.call.supervisor, proposal=proposal, confirm=False, note="已撤销，无需处理")


def test_a_closed_target_is_no_longer_changed(call, enterprise):
    target = services.target_save(
        actor=call.supervisor,
        values={
            "enterprise": enterprise,
            "year": 2026,
            "category": "emerging",
            "officer": call.supervisor,
            "goal": "名牌产品",
            "plan": "三年培育计划",
        },
    )
    services.target_close(actor=call.supervisor, target=target, note="已获评名牌产品")
    with refused():
        services.progress_note(actor=call.supervisor, target=target, text="继续跟踪")
    with refused():
        services.target_save(actor=call.supervisor, target=target, values={"goal": "政府质量奖"})
