"""The register reads a page's keys first, then those rows with their next expiry (core.pages.KeysFirstPaginator):
the same rows in the same order as a plain page, for every sort and depth, in a fixed number of queries."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.pages import KeysFirstPaginator
from enterprises.models import Enterprise
from enterprises.selectors import register_queryset
from enterprises.views import SORTS
from tests.clients import token_api
from tests.factories import EnterpriseFactory, LicenceFactory, ResponsibilityAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(actors):
    area = ResponsibilityAreaFactory()
    today = timezone.localdate()
    for n in range(23):
        enterprise = EnterpriseFactory(area=area, name=f"岳阳{'甲乙丙'[n % 3]}{n:02d}有限公司")
        if n % 4:  # some with no licence, whose next expiry is empty
            LicenceFactory(enterprise=enterprise, expires_on=today + datetime.timedelta(days=(n * 37) % 300))
    return User.objects.get(username="supervisor")


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_a_page_holds_the_rows_a_plain_page_holds(register, sort):
    rows = register_queryset(register).order_by(SORTS[sort], "pk")
    for number in (1, 2, 3, 4):
        plain = Paginator(rows, 7).get_page(number)
        keys_first = KeysFirstPaginator(rows, 7).get_page(number)
        assert [(row.pk, row.next_expiry) for row in keys_first] == [(row.pk, row.next_expiry) for row in plain]
        assert keys_first.number == plain.number and keys_first.paginator.count == plain.paginator.count


def test_a_page_past_the_end_is_the_last_and_an_empty_list_is_one_empty_page(register):
    rows = register_queryset(register).order_by("name", "pk")
    assert KeysFirstPaginator(rows, 7).get_page(99).number == Paginator(rows, 7).get_page(99).number
    assert list(KeysFirstPaginator(rows.none(), 7).get_page(1)) == []


def test_deep_and_first_pages_run_the_same_queries(client, register, django_assert_max_num_queries):
    client.force_login(register)
    counts = []
    for params in ({}, {"page": 2}, {"sort": "expiry"}, {"sort": "-expiry", "page": 2}, {"q": "岳阳", "page": 2}):
        with django_assert_max_num_queries(12) as queries:
            response = client.get(reverse("enterprises:list"), params)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert len(set(counts)) == 1, counts


def test_the_api_pages_hold_the_rows_in_order_with_a_fixed_number_of_queries(register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = token_api(register)
    expected = list(Enterprise.objects.order_by("name", "pk").values_list("pk", flat=True))
    seen, counts = [], []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            body = api.get("/api/v1/enterprises/", {"page_size": 10, "page": page}).json()
        counts.append(len(queries.captured_queries))
        seen += [row["id"] for row in body["results"]]
        assert body["count"] == len(expected)
    assert seen == expected
    assert len(set(counts)) == 1, counts
    by_expiry = api.get("/api/v1/enterprises/", {"ordering": "next_expiry", "page_size": 50}).json()["results"]
    dates = [row["next_licence_expiry"] for row in by_expiry if row["next_licence_expiry"]]
    assert dates == sorted(dates)
