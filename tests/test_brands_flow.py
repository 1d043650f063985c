"""A whole call through the services: eligibility, review, committee, notice, objection, award, revocation."""

import datetime

import pytest
from django.utils import timezone

from brands import services
from brands.choices import ApplicationStatus, HonourStatus, ObjectionStatus, ProposalStatus, RevocationCause
from brands.models import Honour, RevocationProposal
from brands.revocation import proposals_raise
from credit.models import CreditGrade
from inspections.choices import Verdict
from tests.brands_flow import Call
from tests.factories import final_task

pytestmark = pytest.mark.django_db


def test_a_call_from_application_to_revocation(reference_data, django_capture_on_commit_callbacks):
    call = Call(award_count=2, reviewers=5)
    good, good_user = call.applicant()
    failed, failed_user = call.applicant()
    final_task(failed, Verdict.NONCONFORMING, days_ago=100)
    young, young_user = call.applicant(established_on=timezone.localdate() - datetime.timedelta(days=400))

    winner = call.apply(good_user)
    assert winner.status == ApplicationStatus.IN_REVIEW and winner.stage == "paper"
    rejected = call.apply(failed_user)
    assert rejected.status == ApplicationStatus.INELIGIBLE
    assert [c["code"] for c in rejected.failed_checks] == ["spot_checks"]
    new = call.apply(young_user)
    assert [c["code"] for c in new.failed_checks] == ["trading"]
    new = services.eligibility_bypass(actor=call.supervisor, application=new, reason="经局务会研究同意破格参评")
    assert new.status == ApplicationStatus.IN_REVIEW and new.bypassed_by == call.supervisor

    call.start_review()
    winner = call.through_scored_stages(winner, (0.9, 0.8, 0.7, 0.6, 0.1))
    paper = winner.stage_results.get(stage="paper")
    assert (paper.scores_counted, paper.scores_dropped) == (3, 2)
    assert paper.score == pytest.approx(700.0)  # (800 + 700 + 600) / 3; untrimmed it would be 620
    new = call.through_scored_stages(new, (0.5, 0.5, 0.5))
    services.committee_decide(actor=call.leader, application=winner, propose=True)
    services.committee_decide(actor=call.leader, application=new, propose=True)

    two_weeks_ago = timezone.localdate() - datetime.timedelta(days=14)
    notice = services.notice_publish(
        actor=call.supervisor, programme=call.programme, text="拟授予名单公示", today=two_weeks_ago
    )
    assert notice.ends_on > notice.published_on
    objection = services.objection_file(
        actor=None,
        notice=notice,
        application=new,
        values={"name": "王五", "phone": "13800000000", "text": "该企业成立不满三年"},
        today=two_weeks_ago,
    )
    with pytest.raises(Exception, match="objection|异议"):
        call.submit(on=notice.ends_on + datetime.timedelta(days=1))
    objection = services.objection_resolve(actor=call.supervisor, objection=objection, upheld=True, note="经核实属实")
    assert objection.status == ObjectionStatus.UPHELD
    call.submit()
    with django_capture_on_commit_callbacks(execute=True):  # the grade follows the decision's commit
        [honour] = services.conferral_record(
            actor=call.leader,
            programme=call.programme,
            decided_on=timezone.localdate(),
            document_number="岳政发〔2026〕1号",
        )
    assert honour.enterprise == good and honour.valid_until.year == honour.awarded_on.year + 5
    assert CreditGrade.objects.get(pk=good.pk).indicator_values["brand_honour"] == 1

    final_task(good, Verdict.NONCONFORMING, days_ago=0)
    assert proposals_raise(enterprise_ids=[good.pk]) == 1
    assert proposals_raise() == 0  # raised once per cause
    proposal = RevocationProposal.objects.get(honour=honour, cause=RevocationCause.NONCONFORMING)
    proposal = services.proposal_decide(
        actor=call.supervisor, proposal=proposal, confirm=True, note="抽查不合格，撤销称号"
    )
    honour.refresh_from_db()
    assert honour.status == HonourStatus.REVOKED and proposal.status == ProposalStatus.CONFIRMED
    assert not Honour.objects.current().exists()
