"""A call run through the services, step by step, for the brand tests to start from at any stage."""

import datetime

from django.test import TestCase
from django.utils import timezone

from accounts.roles import Role
from brands import services
from brands.choices import ProgrammeKind
from brands.criteria import CRITERIA
from credit.services import recalculate_enterprises
from tests.factories import EnterpriseFactory, UserFactory, enterprise_user


def full_marks(fraction: float = 0.8) -> dict:
    return {code: round(points * fraction, 1) for code, _label, points in CRITERIA}


class Call:
    """A quality-award call with its staff, reviewers and applicants; each method moves it one step on."""

    def __init__(self, *, kind=ProgrammeKind.QUALITY_AWARD, award_count=2, reviewers=5, **rules):
        self.leader = UserFactory(role=Role.LEADER)
        self.other_leader = UserFactory(role=Role.LEADER)
        self.supervisor = UserFactory(role=Role.SUPERVISOR)
        self.experts = [UserFactory(role=Role.EXPERT, full_name=f"专家{n}") for n in range(reviewers)]
        values = {
            "kind": kind,
            "year": timezone.localdate().year,
            "title": f"{timezone.localdate().year}年度岳阳市政府质量奖",
            "closes_on": timezone.localdate() + datetime.timedelta(days=30),
            "award_count": award_count,
            **rules,
        }
        self.programme = services.programme_create(actor=self.supervisor, values=values)

    def applicant(self, **enterprise_fields):
        enterprise = EnterpriseFactory(**enterprise_fields)
        recalculate_enterprises([enterprise.pk], cause="manual")
        return enterprise, enterprise_user(enterprise)

    def apply(self, user, *, product=None, scores=None, summary="质量管理成效显著"):
        values = {"summary": summary, "self_assessment": scores or full_marks(), "product": product}
        return services.application_submit(actor=user, programme=self.programme, values=values)

    def start_review(self):
        self.programme = services.programme_start_review(actor=self.supervisor, programme=self.programme)

    def score(self, application, fractions):
        """Assign one expert per fraction and have each submit that share of every category's points."""
        experts = self.experts[: len(fractions)]
        assignments = services.reviewers_assign(actor=self.supervisor, application=application, reviewers=experts)
        for assignment, fraction in zip(assignments, fractions, strict=True):
            services.review_submit(actor=assignment.reviewer, assignment=assignment, scores=full_marks(fraction))
        return assignments

    def through_scored_stages(self, application, fractions=(0.8, 0.8, 0.8)):
        application.refresh_from_db()
        while application.stage != "committee":
            self.score(application, fractions)
            services.stage_decide(actor=self.supervisor, application=application, advance=True)
            application.refresh_from_db()
        return application

    # Added for the rule tests: a call taken on to its notice and award in a few calls.

    def regrade(self, *enterprises):
        """Recalculate the grades after a test changed the record (as the nightly run or an event would)."""
        recalculate_enterprises([enterprise.pk for enterprise in enterprises], cause="manual")

    def propose(self, application, fractions=None):
        """Through every scored stage (as many scores as the call needs) and proposed by the committee."""
        fractions = fractions or (0.8,) * self.programme.min_reviewers
        application = self.through_scored_stages(application, fractions)
        services.committee_decide(actor=self.leader, application=application, propose=True)
        application.refresh_from_db()
        return application

    def publish(self, *, on=None, text="拟授予名单公示"):
        """The public notice, published two weeks ago unless `on` says when (so the award may follow today)."""
        on = on or timezone.localdate() - datetime.timedelta(days=14)
        self.notice = services.notice_publish(actor=self.supervisor, programme=self.programme, text=text, today=on)
        return self.notice

    def submit(self, *, on=None):
        """A leader submits the proposed winners to the conferring body (after the notice)."""
        return services.programme_submit(actor=self.leader, programme=self.programme, today=on)

    def decide(self, *, on=None, document_number="岳政发〔2026〕12号", **decision):
        """A leader records the conferring body's decision, taken `on` (today unless given), and what follows its
        commit runs (the holders' new grades), as the `django_capture_on_commit_callbacks(execute=True)` fixture
        does."""
        on = on or timezone.localdate()
        with TestCase.captureOnCommitCallbacks(execute=True):
            return services.conferral_record(
                actor=self.leader,
                programme=self.programme,
                decided_on=on,
                document_number=document_number,
                today=on,
                **decision,
            )

    def award(self, *, on=None):
        """Submit the winners to the conferring body and record its decision to confer, both `on` (today unless
        given): what used to be the bureau's award."""
        self.submit(on=on)
        return self.decide(on=on)

    def honoured(self, user, *, product=None):
        """One applicant's way from application to honour in this call (applications close at once)."""
        application = self.apply(user, product=product)
        self.start_review()
        self.propose(application)
        self.publish()
        [honour] = self.award()
        return honour
