"""The serious-dishonesty list's procedure through its services, for tests that need an enterprise listed the way
the portal lists one: a heavier penalty, the proposal, the notice, a statement, a leader's decision."""

import datetime

from django.utils import timezone

from accounts.roles import Role
from credit import services
from credit.choices import BlacklistGround
from credit.models import BlacklistEntry
from tests.factories import PenaltyFactory, UserFactory, listing_ground


def heavier_penalty(enterprise, *, decided_on: datetime.date | None = None, number: str | None = None):
    values = {"enterprise": enterprise, "is_heavier": True}
    if decided_on:
        values["decided_on"] = decided_on
    if number:
        values["decision_number"] = number
    return PenaltyFactory(**values)


def propose(enterprise, *, supervisor=None, ground: str = BlacklistGround.COUNTERFEIT, penalty=None) -> BlacklistEntry:
    return services.listing_propose(
        actor=supervisor or UserFactory(role=Role.SUPERVISOR),
        enterprise=enterprise,
        values={
            "ground": listing_ground(ground),
            "penalty": penalty or heavier_penalty(enterprise),
            "facts": "生产销售掺杂掺假产品",
        },
    )


def list_enterprise(
    enterprise,
    *,
    supervisor=None,
    leader=None,
    number: str = "岳市监信〔2026〕99号",
    published_on: datetime.date | None = None,
    penalty=None,
) -> BlacklistEntry:
    """Through every step: proposed, notified ten days before publication, a paper statement, listed."""
    supervisor = supervisor or UserFactory(role=Role.SUPERVISOR)
    leader = leader or UserFactory(role=Role.LEADER)
    published_on = published_on or timezone.localdate()
    notified = published_on - datetime.timedelta(days=10)
    entry = propose(enterprise, supervisor=supervisor, penalty=penalty)
    entry = services.listing_notify(actor=supervisor, entry=entry, notice_number=f"告{number}", today=notified)
    entry = services.listing_statement(actor=supervisor, entry=entry, statement="书面陈述", today=notified)
    return services.listing_decide(
        actor=leader,
        entry=entry,
        list_it=True,
        reasons="违法事实清楚",
        decision_number=number,
        published_on=published_on,
        today=published_on,
    )
