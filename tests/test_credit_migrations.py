"""The migration to the serious-dishonesty list keeps the entries of the earlier list: each ground code becomes the
ground of that code, the lister becomes the proposer, and an entry removed after credit repair says so."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.roles import Role
from credit.choices import RemovalKind
from credit.models import BlacklistEntry
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("credit", "0004_scoring_model_draw_weights")]


def test_the_earlier_entries_keep_their_ground_and_removal(reference_data):
    # Made first: neither table changes in these migrations.
    user, enterprise = UserFactory(role=Role.SUPERVISOR), EnterpriseFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    entry_model = executor.loader.project_state(BEFORE).apps.get_model("credit", "BlacklistEntry")
    old = {"enterprise_id": enterprise.pk, "listed_by_id": user.pk, "facts": "事实"}
    listed = entry_model.objects.create(
        **old, ground="unlicensed", decision_number="旧1号", published_on=datetime.date(2025, 3, 1)
    )
    removed = entry_model.objects.create(
        **old,
        ground="fraud",
        decision_number="旧2号",
        published_on=datetime.date(2024, 3, 1),
        status="removed",
        removed_on=datetime.date(2025, 3, 1),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    entries = BlacklistEntry.objects
    listed_now, removed_now = entries.get(pk=listed.pk), entries.get(pk=removed.pk)
    assert listed_now.ground.code == "unlicensed" and listed_now.proposed_by == user
    assert listed_now.status == "listed" and listed_now.removal_kind == "" and listed_now.penalty is None
    assert removed_now.ground.code == "fraud" and removed_now.removal_kind == RemovalKind.REPAIR
    assert listed_now.early_removal_from == datetime.date(2026, 3, 1)
