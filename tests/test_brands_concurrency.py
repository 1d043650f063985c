"""Brands writes that race on PostgreSQL: a withdrawal while the leader awards, two proposals confirmed at once."""

import time
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from brands import services
from brands.choices import ApplicationStatus, HonourStatus, ProposalStatus, RevocationCause
from brands.models import Application, Honour, RevocationProposal
from tests.brands_flow import Call
from tests.test_credit_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def outcome(call):
    """Run `call`; its refusal (a ValidationError) is an outcome too."""
    try:
        return call()
    except ValidationError as error:
        return error


def test_a_withdrawal_during_the_award_either_wins_or_is_refused_never_lost(reference_data, monkeypatch):
    call = Call(reviewers=1, min_reviewers=1, stages=["paper", "committee"])
    _enterprise, user = call.applicant()
    application = call.apply(user)
    call.start_review()
    call.propose(application)
    call.publish()
    call.submit()
    full_clean = Honour.full_clean

    def slow_full_clean(honour, *args, **kwargs):  # the award holds its locks while the withdrawal comes in
        time.sleep(0.5)
        return full_clean(honour, *args, **kwargs)

    monkeypatch.setattr(Honour, "full_clean", slow_full_clean)
    award, withdrawal = at_once(
        partial(
            outcome,
            partial(
                services.conferral_record,
                actor=call.leader,
                programme=call.programme,
                decided_on=timezone.localdate(),
                document_number="岳政发〔2026〕1号",
            ),
        ),
        partial(
            outcome,
            partial(services.application_withdraw, actor=user, application=application, reason="不再参评"),
        ),
    )
    application.refresh_from_db()
    if application.status == ApplicationStatus.AWARDED:
        assert isinstance(withdrawal, ValidationError) and Honour.objects.get().application == application
    else:
        assert application.status == ApplicationStatus.WITHDRAWN and not Honour.objects.exists()
        assert award == []


def test_two_proposals_confirmed_at_once_revoke_the_honour_once(reference_data):
    call = Call(reviewers=1, min_reviewers=1, stages=["paper", "committee"])
    _enterprise, user = call.applicant()
    honour = call.honoured(user)
    proposals = [
        RevocationProposal.objects.create(honour=honour, cause=RevocationCause.YEARLY_REVIEW, trigger=f"review:{n}")
        for n in (1, 2)
    ]
    results = at_once(
        *(
            partial(
                outcome,
                partial(services.proposal_decide, actor=call.supervisor, proposal=proposal, confirm=True, note="撤销"),
            )
            for proposal in proposals
        )
    )
    assert sum(isinstance(result, ValidationError) for result in results) == 1
    honour.refresh_from_db()
    assert honour.status == HonourStatus.REVOKED
    statuses = sorted(RevocationProposal.objects.values_list("status", flat=True))
    assert statuses == sorted([ProposalStatus.CONFIRMED, ProposalStatus.DISMISSED])
    assert Application.objects.get().status == ApplicationStatus.AWARDED
