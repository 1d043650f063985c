import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from accounts.models import User
from accounts.roles import Role
from core.demo.seed import DEMO_PASSWORD, seed_demo_city
from core.reference_data import restore_reference_data
from enterprises.credit_code import validate_credit_code
from enterprises.models import Enterprise, Licence, SelfReport

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 1)


def snapshot() -> list[tuple]:
    enterprises = list(
        Enterprise.objects.order_by("credit_code").values_list(
            "credit_code",
            "name",
            "legal_representative",
            "address",
            "district__code",
            "area__name",
            "industry__code",
            "scale",
            "status",
        )
    )
    licences = list(
        Licence.objects.order_by("kind", "number").values_list(
            "enterprise__credit_code", "kind", "number", "issued_on", "expires_on"
        )
    )
    users = list(
        User.objects.order_by("username").values_list("username", "full_name", "role", "enterprise__credit_code")
    )
    return [enterprises, licences, users]


def reset():
    if connection.vendor == "postgresql":
        # Inside the test's transaction, PostgreSQL refuses to TRUNCATE tables with pending deferred checks.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()


def test_the_same_seed_builds_the_same_city():
    seed_demo_city(seed=7, enterprises=120, as_of=AS_OF)
    first = snapshot()
    reset()
    seed_demo_city(seed=7, enterprises=120, as_of=AS_OF)
    assert snapshot() == first
    reset()
    seed_demo_city(seed=8, enterprises=120, as_of=AS_OF)
    assert snapshot() != first


def test_the_city_is_realistic_and_valid():
    result = seed_demo_city(seed=1, enterprises=400, as_of=AS_OF)
    assert result.enterprises == Enterprise.objects.count() == 400
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
    for enterprise in Enterprise.objects.select_related("area")[:50]:
        enterprise.full_clean()
    # Every enterprise on file is supervised: above-scale or holding one of the five licences.
    assert Enterprise.objects.supervised().count() == 400
    assert {role for role in User.objects.values_list("role", flat=True)} == set(Role.values)
    assert all(u.check_password(DEMO_PASSWORD) for u in User.objects.filter(username__in=["leader", "enterprise"]))
    assert User.objects.get(username="enterprise").enterprise is not None
    # Licence dates are spread so the worklists have something to show.
    assert Licence.objects.expired(today=AS_OF).exists()
    assert Licence.objects.expiring_within(90, today=AS_OF).exists()
    assert not Enterprise.objects.exclude(area__district=F("district")).exists()
    # The enterprises with accounts have lived-in files: products, staff and reports at every stage.
    demo = Enterprise.objects.get(users__username="enterprise")
    assert demo.products.exists() and demo.quality_staff.filter(is_chief_quality_officer=True).exists()
    assert set(SelfReport.objects.values_list("status", flat=True)) == {"submitted", "returned", "accepted"}
    reports = list(SelfReport.objects.all())
    assert sum(report.is_late for report in reports) < len(reports) / 2  # most arrive on time, as in real life


def test_the_command_refuses_a_production_database(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", "--enterprises", "5", stdout=StringIO())
    assert not Enterprise.objects.exists()


def test_the_command_prints_an_account_per_role_and_does_not_seed_twice(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--enterprises", "30", "--seed", "3", stdout=out)
    text = out.getvalue()
    for username in ("leader", "supervisor", "inspector", "lab", "enterprise", "admin"):
        assert f" {username} " in text
    assert DEMO_PASSWORD in text
    assert "--seed 3 --enterprises 30 --as-of " in text  # how to rebuild exactly this city
    again = StringIO()
    call_command("seed_demo", "--enterprises", "30", stdout=again)
    assert "nothing was added" in again.getvalue()
    assert Enterprise.objects.count() == 30


@pytest.mark.postgres
def test_bulk_seed_on_postgresql():
    result = seed_demo_city(seed=2026, enterprises=5000, as_of=AS_OF)
    assert Enterprise.objects.count() == result.enterprises == 5000
    assert Licence.objects.count() == result.licences > 5000
