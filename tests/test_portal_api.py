"""The open-data API (/api/v1/public/): read-only, without an account, throttled per address, JSON or CSV. Built
on the same world as the pages (tests.test_portal): only what is published is listed, and every other id is 404."""

import csv
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.roles import Role
from credit.models import CreditGrade
from credit.services import recalculate_enterprises
from inspections.choices import Verdict
from portal.api.throttling import DEFAULT_PUBLIC_RATE, PublicRateThrottle
from tests.clients import token_api
from tests.factories import BlacklistEntryFactory
from tests.test_portal import TODAY, World, _more_published, build_world, honours_world

pytestmark = pytest.mark.django_db

API = "/api/v1/public"


@pytest.fixture
def world(actors, reference_data) -> World:
    return build_world(actors)


@pytest.fixture
def honours(reference_data) -> dict:
    return honours_world()


@pytest.fixture
def public() -> APIClient:
    return APIClient()


def _ids(client, path: str, **params) -> set[int]:
    response = client.get(f"{API}/{path}/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# Only what is published, by listing and by guessing ids.


def test_results_lists_only_published_results(public, world):
    assert _ids(public, "results") == {world.published.pk}
    row = public.get(f"{API}/results/{world.published.pk}/").json()
    assert row["enterprise_name"] == "岳阳已公布甲食品有限公司" and row["product_name"] == "洞庭香米"
    assert row["verdict"] == Verdict.NONCONFORMING and row["reply"] == "已停产整改，复检合格"
    assert row["enterprise"] == world.shown.pk and row["campaign"] == world.campaign.pk
    assert "withdrawn_at" not in row and "withdraw_reason" not in row and "task" not in row
    for guessed in (world.withdrawn.pk, world.published.pk + 100, 10**17, "abc", "1.5"):
        assert public.get(f"{API}/results/{guessed}/").status_code == 404, guessed


def test_results_filter_like_the_page(public, world):
    published = {world.published.pk}
    assert _ids(public, "results", enterprise="已公布甲") == published
    assert _ids(public, "results", enterprise=world.shown.credit_code) == published
    assert _ids(public, "results", enterprise="未公布乙") == set()
    assert _ids(public, "results", enterprise_id=world.shown.pk) == published
    assert _ids(public, "results", enterprise_id=world.unpublished.pk) == set()
    assert _ids(public, "results", product="香米") == published
    assert _ids(public, "results", product="糯米") == set()  # the withdrawn one
    assert _ids(public, "results", verdict=Verdict.NONCONFORMING) == published
    assert _ids(public, "results", verdict=Verdict.CONFORMING) == set()
    assert _ids(public, "results", campaign=world.campaign.pk) == published
    assert _ids(public, "results", campaign=world.draft.pk) == set()
    assert _ids(public, "results", year=TODAY.year) == published
    assert _ids(public, "results", year=TODAY.year - 1) == set()
    for params in ({"year": "二〇二六"}, {"verdict": "nonsense"}, {"campaign": "x"}, {"enterprise_id": 2**70}):
        response = public.get(f"{API}/results/", params)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid", params


def test_campaigns_lists_only_public_campaigns(public, world):
    response = public.get(f"{API}/campaigns/")
    assert [row["id"] for row in response.json()["results"]] == [world.campaign.pk]
    row = response.json()["results"][0]
    assert row["published_count"] == 1 and row["product_categories"] == ["大米", "小麦粉"]
    assert public.get(f"{API}/campaigns/{world.draft.pk}/").status_code == 404
    assert _ids(public, "campaigns", year=TODAY.year - 1) == set()


def test_the_blacklist_lists_only_entries_in_force(public, world):
    [entry] = public.get(f"{API}/blacklist/").json()["results"]
    assert entry["enterprise"] == world.listed.pk and entry["decision_number"] == "岳市监信〔2026〕88号"
    assert entry["enterprise_name"] == "岳阳失信戊食品有限公司" and "facts" not in entry
    for enterprise in (world.removed, world.ahead):
        hidden = enterprise.blacklist_entries.get()
        assert public.get(f"{API}/blacklist/{hidden.pk}/").status_code == 404
        assert _ids(public, "blacklist", q=hidden.decision_number) == set()
    assert _ids(public, "blacklist", q="失信戊") == {entry["id"]}


def test_honours_lists_only_honours_in_force(public, honours):
    current = honours["current"]
    assert _ids(public, "honours") == {current.pk}
    row = public.get(f"{API}/honours/{current.pk}/").json()
    assert row["certificate_number"] == current.certificate_number and row["enterprise_name"] == "岳阳质量奖辛有限公司"
    assert row["programme_kind"] == "quality_award" and row["year"] == TODAY.year
    for key in ("revoked", "expired"):
        assert public.get(f"{API}/honours/{honours[key].pk}/").status_code == 404, key
    assert _ids(public, "honours", q=honours["revoked"].certificate_number) == set()


def test_enterprises_lists_only_enterprises_with_something_published(public, world, honours):
    expected = {world.shown.pk, world.listed.pk, honours["current"].enterprise_id}
    assert _ids(public, "enterprises") == expected
    hidden = [world.unpublished, world.withdrawn_at, world.in_draft, world.removed, world.ahead]
    hidden += [honours["revoked"].enterprise, honours["expired"].enterprise]
    for enterprise in hidden:
        assert public.get(f"{API}/enterprises/{enterprise.pk}/").status_code == 404, enterprise.name
        assert _ids(public, "enterprises", q=enterprise.credit_code) == set()
    assert public.get(f"{API}/enterprises/{10**17}/").status_code == 404
    assert _ids(public, "enterprises", listed="true") == {world.listed.pk}
    assert _ids(public, "enterprises", q="已公布甲") == {world.shown.pk}


def test_an_enterprise_profile_carries_its_results_replies_honours_and_listing(public, world, honours):
    BlacklistEntryFactory(enterprise=world.shown, decision_number="岳市监信〔2026〕1号")
    profile = public.get(f"{API}/enterprises/{world.shown.pk}/").json()
    assert profile["name"] == "岳阳已公布甲食品有限公司" and profile["credit_code"] == world.shown.credit_code
    assert [row["id"] for row in profile["results"]] == [world.published.pk]
    assert profile["results"][0]["reply"] == "已停产整改，复检合格"
    assert profile["listing"]["decision_number"] == "岳市监信〔2026〕1号" and profile["is_listed"] is True
    assert profile["honours"] == [] and profile["published_count"] == 1
    honoured = public.get(f"{API}/enterprises/{honours['current'].enterprise_id}/").json()
    assert [row["certificate_number"] for row in honoured["honours"]] == [honours["current"].certificate_number]
    assert honoured["listing"] is None and honoured["results"] == [] and honoured["honour_count"] == 1


def test_the_credit_grade_is_given_only_where_the_bureau_publishes_grades(public, world, settings):
    recalculate_enterprises([world.shown.pk, world.unpublished.pk], cause="manual")
    grade = CreditGrade.objects.get(enterprise=world.shown).grade
    url = f"{API}/enterprises/{world.shown.pk}/"
    assert public.get(url).json()["credit_grade"] is None
    assert {row["credit_grade"] for row in public.get(f"{API}/enterprises/").json()["results"]} == {None}
    settings.PUBLISH_CREDIT_GRADES = True
    assert public.get(url).json()["credit_grade"] == grade
    listed = {row["id"]: row["credit_grade"] for row in public.get(f"{API}/enterprises/").json()["results"]}
    assert listed[world.shown.pk] == grade
    assert public.get(f"{API}/enterprises/{world.unpublished.pk}/").status_code == 404  # a grade alone is not news


# Read-only, for anyone, the same for signed-in users.


def test_the_api_is_read_only(public, world, actors):
    staff = token_api(actors[Role.SUPERVISOR])
    for client in (public, staff):
        assert client.post(f"{API}/results/", {}, format="json").status_code == 405
        assert client.delete(f"{API}/results/{world.published.pk}/").status_code == 405
        assert client.patch(f"{API}/enterprises/{world.shown.pk}/", {}, format="json").status_code == 405


def test_a_credential_changes_nothing(world, actors):
    staff = token_api(actors[Role.SUPERVISOR])  # staff read withdrawn results elsewhere; here only what is public
    assert _ids(staff, "results") == {world.published.pk}
    assert staff.get(f"{API}/results/{world.withdrawn.pk}/").status_code == 404
    broken = APIClient()
    broken.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert broken.get(f"{API}/results/").status_code == 200  # not a 401: the public API takes no credentials


# CSV and paging.


def test_csv_export_has_a_header_row_and_chinese_text(public, world):
    response = public.get(f"{API}/results/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="results.csv"'
    assert response["X-Total-Count"] == "1"
    header, *rows = _csv(response)
    assert header[:3] == ["id", "published_at", "campaign"] and "enterprise_name" in header and "reply" in header
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["enterprise_name"] == "岳阳已公布甲食品有限公司" and row["product_name"] == "洞庭香米"
    assert row["reply"] == "已停产整改，复检合格" and row["verdict"] == Verdict.NONCONFORMING


def test_an_empty_csv_still_names_its_columns(public, world):
    header, *rows = _csv(public.get(f"{API}/results/", {"format": "csv", "product": "没有这种产品"}))
    assert "enterprise_name" in header and rows == []


def test_a_profile_in_csv_is_one_row_with_its_lists_as_json(public, world):
    header, row = _csv(public.get(f"{API}/enterprises/{world.shown.pk}/", {"format": "csv"}))
    profile = dict(zip(header, row, strict=True))
    assert profile["name"] == "岳阳已公布甲食品有限公司" and "listing.decision_number" in header
    assert "已停产整改，复检合格" in profile["results"] and profile["listing.decision_number"] == ""


def test_csv_cells_never_start_a_formula(public, world):
    world.published.__class__.objects.filter(pk=world.published.pk).update(reply='=HYPERLINK("http://x")')
    header, row = _csv(public.get(f"{API}/results/", {"format": "csv"}))
    assert dict(zip(header, row, strict=True))["reply"] == '\'=HYPERLINK("http://x")'


def test_errors_answer_in_the_format_asked(public, world):
    response = public.get(f"{API}/results/{world.withdrawn.pk}/", {"format": "csv"})
    assert response.status_code == 404 and "Content-Disposition" not in response
    assert _csv(response)[0] == ["error.code", "error.message"]


def test_page_size_is_chosen_up_to_a_maximum(public, world):
    _more_published(world, 4)
    response = public.get(f"{API}/results/", {"page_size": 2, "format": "csv"})
    assert len(_csv(response)) == 3 and response["X-Total-Count"] == "5"
    assert 'rel="next"' in response["Link"] and "format=csv" in response["Link"]
    response = public.get(f"{API}/results/", {"page_size": 100_000})
    assert response.status_code == 200 and len(response.json()["results"]) == 5  # capped (at 500), not refused


# Throttling.


def test_the_api_is_throttled_per_address(public, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": "3/min"},
    }
    statuses = [public.get(f"{API}/results/", REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert public.get(f"{API}/enterprises/", REMOTE_ADDR="203.0.113.7").status_code == 429  # one limit per address
    assert public.get(f"{API}/results/", REMOTE_ADDR="203.0.113.8").status_code == 200
    assert public.get(f"{API}/results/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 429


def test_the_rate_has_a_default_until_the_settings_name_one(settings):
    rates = {key: value for key, value in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].items() if key != "public"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    assert PublicRateThrottle().get_rate() == DEFAULT_PUBLIC_RATE


# Bounded queries and the schema.


def test_lists_read_a_bounded_number_of_queries(public, world, honours, django_assert_max_num_queries):
    _more_published(world, 3)
    for path in ("results", "campaigns", "blacklist", "honours", "enterprises"):
        counts = []
        for fmt in ("json", "csv"):
            with django_assert_max_num_queries(3) as queries:
                assert public.get(f"{API}/{path}/", {"format": fmt}).status_code == 200
            counts.append(len(queries.captured_queries))
        assert counts[0] == counts[1], path
    _more_published(world, 20)
    with django_assert_max_num_queries(3):
        assert len(public.get(f"{API}/results/").json()["results"]) == 24
    with django_assert_max_num_queries(3):
        assert len(public.get(f"{API}/enterprises/").json()["results"]) == 26


def test_a_profile_reads_a_bounded_number_of_queries(public, world, django_assert_max_num_queries):
    _more_published(world, 2)
    with django_assert_max_num_queries(5):
        assert public.get(f"{API}/enterprises/{world.shown.pk}/").status_code == 200


def test_the_openapi_schema_documents_the_public_api_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for name in ("results", "campaigns", "blacklist", "honours", "enterprises"):
        assert f"/api/v1/public/{name}/" in schema and f"/api/v1/public/{name}/{{id}}/" in schema
    assert "text/csv" in schema and "OpenDataEnterpriseProfile" in schema
