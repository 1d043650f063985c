import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from enterprises.models import Enterprise
from tests.clients import token_api
from tests.factories import PASSWORD, EnterpriseFactory, LicenceFactory, assign_task

pytestmark = pytest.mark.django_db

ENTERPRISES = "/api/v1/enterprises/"


def test_token_is_issued_for_a_username_and_password(actors):
    response = APIClient().post("/api/v1/auth/token/", {"username": "leader", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.get("/api/v1/me/").json()["role"] == Role.LEADER


def test_wrong_password_gets_the_common_error_format(actors):
    response = APIClient().post("/api/v1/auth/token/", {"username": "leader", "password": "nope"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "non_field_errors" in error["fields"]


def test_missing_fields_are_reported_field_by_field():
    response = APIClient().post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"username", "password"}


def test_anonymous_requests_are_refused_in_the_common_format():
    response = APIClient().get(ENTERPRISES)
    assert response.status_code == 403  # session authentication comes first, so no WWW-Authenticate challenge
    assert response.json()["error"]["code"] == "not_authenticated"


def test_session_authentication_works_for_the_browser(client, actors):
    client.force_login(User.objects.get(username="inspector"))
    assert client.get("/api/v1/me/").json()["username"] == "inspector"


def test_enterprise_token_sees_only_its_own_enterprise(actors, enterprise, other_enterprise):
    client = token_api(actors[Role.ENTERPRISE])
    listed = client.get(ENTERPRISES).json()
    assert [row["id"] for row in listed["results"]] == [enterprise.pk]
    assert client.get(f"{ENTERPRISES}{enterprise.pk}/").status_code == 200
    refused = client.get(f"{ENTERPRISES}{other_enterprise.pk}/")
    missing = client.get(f"{ENTERPRISES}{other_enterprise.pk + 1000}/")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()


@pytest.mark.parametrize("role", [Role.LEADER, Role.SUPERVISOR, Role.ADMIN])
def test_register_readers_list_the_register(actors, other_enterprise, role):
    response = token_api(actors[role]).get(ENTERPRISES)
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_an_inspector_lists_only_the_enterprises_of_their_tasks(actors, enterprise, other_enterprise):
    client = token_api(actors[Role.INSPECTOR])
    assert client.get(ENTERPRISES).json()["count"] == 0
    assign_task(actors[Role.INSPECTOR], other_enterprise)
    assert [row["id"] for row in client.get(ENTERPRISES).json()["results"]] == [other_enterprise.pk]
    assert client.get(f"{ENTERPRISES}{enterprise.pk}/").status_code == 404


def test_lab_technicians_are_refused_the_register(actors, enterprise):
    client = token_api(actors[Role.LAB_TECHNICIAN])
    listed = client.get(ENTERPRISES)
    assert listed.status_code == 403 and listed.json()["error"]["code"] == "permission_denied"
    detail = client.get(f"{ENTERPRISES}{enterprise.pk}/")
    assert detail.status_code == 404 and detail.json()["error"]["code"] == "not_found"


def test_an_unknown_page_number_is_a_not_found_error(actors):
    response = token_api(actors[Role.LEADER]).get(ENTERPRISES, {"page": 99})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_token_endpoint_is_throttled(actors, settings):
    client = APIClient()
    # A different username each time, so the throttle (not a username's lockout, tests/test_lockout.py) answers.
    responses = [
        client.post("/api/v1/auth/token/", {"username": f"nobody{n}", "password": "x"}, format="json")
        for n in range(11)
    ]
    assert [response.status_code for response in responses[:10]] == [400] * 10
    assert responses[10].status_code == 429 and responses[10].json()["error"]["code"] == "throttled"


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(actors):
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "nobody", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        ).status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429


def test_files_are_never_deleted_through_the_api(actors, enterprise):
    client = token_api(actors[Role.LEADER])
    assert client.delete(f"{ENTERPRISES}{enterprise.pk}/").status_code == 405
    assert client.post(ENTERPRISES, {"name": "x"}, format="json").status_code == 400
    assert Enterprise.objects.filter(pk=enterprise.pk).exists() and Enterprise.objects.count() == 1


def test_filters_search_and_ordering(actors, enterprise):
    other = EnterpriseFactory(name="华容县洞庭鱼业有限公司", scale="below")
    LicenceFactory(enterprise=other)
    client = token_api(actors[Role.SUPERVISOR])
    assert [r["id"] for r in client.get(ENTERPRISES, {"q": "洞庭鱼业"}).json()["results"]] == [other.pk]
    assert [r["id"] for r in client.get(ENTERPRISES, {"q": other.credit_code.lower()}).json()["results"]] == [other.pk]
    assert [r["id"] for r in client.get(ENTERPRISES, {"scale": "below"}).json()["results"]] == [other.pk]
    assert [r["id"] for r in client.get(ENTERPRISES, {"licence_kind": "food_production"}).json()["results"]] == [
        other.pk
    ]
    names = [r["name"] for r in client.get(ENTERPRISES, {"ordering": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)


def test_a_bad_filter_value_is_a_400_naming_the_field(actors):
    response = token_api(actors[Role.LEADER]).get(ENTERPRISES, {"scale": "huge"})
    assert response.status_code == 400
    assert "scale" in response.json()["error"]["fields"]


def test_pagination_and_page_size(actors):
    EnterpriseFactory.create_batch(5)
    body = token_api(actors[Role.LEADER]).get(ENTERPRISES, {"page_size": 2, "page": 2}).json()
    assert body["count"] == 6 and len(body["results"]) == 2 and body["next"] and body["previous"]


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_list_runs_a_constant_number_of_queries(actors, django_assert_max_num_queries, page_size):
    for enterprise in EnterpriseFactory.create_batch(50):
        LicenceFactory.create_batch(2, enterprise=enterprise)
    client = token_api(actors[Role.LEADER])
    # token, count, page, then one prefetch each for licences, products (+ their standards) and self-reports
    with django_assert_max_num_queries(7):
        response = client.get(ENTERPRISES, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_reference_data_is_listed(actors):
    client = token_api(actors[Role.ENTERPRISE])
    industries = client.get("/api/v1/industries/", {"code": "14"}).json()["results"]
    assert industries[0]["name"] == "食品制造业"


def test_schema_and_docs_need_a_signed_in_user(client, actors):
    assert client.get(reverse("api-schema")).status_code in (401, 403)
    client.force_login(User.objects.get(username="enterprise"))
    assert client.get(reverse("api-schema")).status_code == 200
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    # The interactive docs load Swagger UI from the portal itself, never from a CDN.
    assert "cdn" not in docs.content.decode().lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs.content.decode()
