"""The migrations of issue 15's awards and wording keep what is on file: an honour awarded before the conferring
body's decision was recorded names the body (the setting of its programme kind), has no document number and keeps
its award date and validity; the enterprise standards recorded as "filed" become self-declared ones, or stay filed
as food-safety ones when numbered as such."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from brands.choices import ProgrammeKind
from brands.models import Conferral, Honour
from enterprises.choices import StandardKind
from enterprises.models import Standard
from tests.brands_flow import Call
from tests.factories import EnterpriseFactory, ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_honours_keep_their_validity_and_name_the_conferring_body(reference_data):
    award = Call(reviewers=1, min_reviewers=1, stages=["paper", "committee"])
    award_honour = award.honoured(award.applicant()[1])
    brand = Call(kind=ProgrammeKind.FAMOUS_BRAND, reviewers=1, min_reviewers=1, stages=["paper", "committee"])
    enterprise, user = brand.applicant()
    brand_honour = brand.honoured(user, product=ProductFactory(enterprise=enterprise))
    before = {h.pk: (h.awarded_on, h.valid_until, h.certificate_number) for h in (award_honour, brand_honour)}

    _migrate([("brands", "0002_scoring_model_honours")])  # as they were: no body, no decision on file
    _latest()

    honours = {h.pk: h for h in Honour.objects.all()}
    assert {pk: (h.awarded_on, h.valid_until, h.certificate_number) for pk, h in honours.items()} == before
    assert honours[award_honour.pk].conferring_body == "岳阳市人民政府"
    assert honours[brand_honour.pk].conferring_body == "岳阳市名牌战略推进委员会"
    assert {h.decision_number for h in honours.values()} == {""}
    assert all(h.is_current(h.awarded_on) for h in honours.values())
    conferrals = {c.programme_id: c for c in Conferral.objects.all()}
    legacy = conferrals[award_honour.programme_id]
    assert legacy.conferred is True and legacy.document_number == ""
    assert legacy.decided_on == award_honour.awarded_on and legacy.conferring_body == "岳阳市人民政府"


def test_filed_enterprise_standards_become_self_declared_or_stay_filed_as_food_safety(reference_data):
    owner = EnterpriseFactory()
    apps = _migrate([("enterprises", "0007_established_on")])
    old = apps.get_model("enterprises", "Standard")
    filed = {"kind": "enterprise", "owner_id": owner.pk, "filing_number": "430600-2025-7"}
    food = old.objects.create(code="Q/YYHC 0001S-2025", title="桂花糕", filed_on=datetime.date(2025, 3, 1), **filed)
    other = old.objects.create(code="Q/YYJX 0002-2025", title="齿轮泵", filed_on=datetime.date(2025, 4, 1), **filed)
    national = old.objects.create(code="GB 7099-2015", title="糕点、面包", kind="national")
    _latest()

    food, other, national = (Standard.objects.get(pk=s.pk) for s in (food, other, national))
    assert food.kind == StandardKind.FOOD_SAFETY and food.filing_number == "430600-2025-7"
    assert food.filed_on == datetime.date(2025, 3, 1) and food.published_on is None
    assert other.kind == StandardKind.ENTERPRISE and other.published_on == datetime.date(2025, 4, 1)
    assert national.kind == StandardKind.NATIONAL and national.published_on is None
