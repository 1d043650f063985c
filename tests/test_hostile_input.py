"""Hostile strings are field errors, never a 500 (issue 16, item 7).

Every write operation in the published schema is sent, as a user it lets through, a lone surrogate ("\\ud800",
which JSON can carry and PostgreSQL cannot store), a 100 000-character string and the longest text the portal
takes in a field without a bound of its own, in each of its text fields; every login surface gets a 256-character
username. The surrogate only fails on PostgreSQL, so the walk is marked `postgres` (CI runs it there); the checks
that do not depend on the database run everywhere.
"""

import json

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from core.hygiene import TEXT_MAX_LENGTH
from tests.api_walk import REFUSED, api_schema, clients, concrete_paths, resolve, seed_city, write_operations
from tests.factories import UserFactory

SURROGATE = "abc\ud800def"
HUGE = "长" * 100_000


def _send(client, operation, path: str, body: dict):
    """One request, rolled back afterwards (each operation sees the same city); 5xx come back as responses."""
    client.raise_request_exception = False
    cache.clear()  # the public forms' limits per address would answer 429 long before the walk ends
    with transaction.atomic():
        if operation.media_type == "multipart/form-data":
            response = getattr(client, operation.method)(path, body, format="multipart")
        else:
            data = json.dumps(body)  # json.dumps escapes the surrogate as \ud800, as a real client would send it
            response = getattr(client, operation.method)(path, data, content_type="application/json")
        transaction.set_rollback(True)
    return response


def _error_fields(response) -> list[str]:
    try:
        return list(response.json()["error"]["fields"])
    except (ValueError, KeyError, TypeError):
        return []


def _hostile_values(operation, field: str) -> list[tuple[str, object, bool]]:
    """(label, value, must be refused) for one text field: the surrogate, 100 000 characters and one over the
    field's bound must be refused naming the field; exactly its bound must not fail (it may be stored)."""
    prop = resolve(operation.properties[field], api_schema())
    limit = resolve(prop.get("items", {}), api_schema()).get("maxLength") if prop.get("type") == "array" else None
    limit = limit or prop.get("maxLength") or TEXT_MAX_LENGTH
    values = [("100 000 characters", HUGE, True), (f"{limit + 1} characters", "长" * (limit + 1), True)]
    values.append((f"{limit} characters", "长" * limit, False))
    if operation.media_type != "multipart/form-data":  # a form body cannot carry a surrogate (Django replaces it)
        values.append(("lone surrogate", SURROGATE, True))
    wrap = (lambda value: [value]) if prop.get("type") == "array" else (lambda value: value)
    return [(label, wrap(value), refused) for label, value, refused in values]


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_write_operation_answers_hostile_text_with_a_field_error():
    users = seed_city()
    role_clients = clients(users)
    problems, walked, sent = [], 0, 0
    for operation in write_operations():
        fields = operation.string_fields()
        if not fields:
            continue
        # The first role and object that get past the permission and object checks.
        probe = {fields[0]: HUGE}
        chosen = None
        for _role, client in role_clients:
            for path in concrete_paths(operation.path, client):
                response = _send(client, operation, path, probe)
                if response.status_code not in REFUSED:
                    chosen = (client, path)
                    break
            if chosen:
                break
        if chosen is None:
            problems.append(f"{operation}: no role or object got past the permission checks")
            continue
        walked += 1
        client, path = chosen
        for field in fields:
            for label, value, refused in _hostile_values(operation, field):
                response = _send(client, operation, path, {field: value})
                sent += 1
                status = response.status_code
                if status >= 500 or (refused and (status != 400 or field not in _error_fields(response))):
                    problems.append(f"{operation} {field} ({label}): {status} {_error_fields(response)}")
    print(f"{walked} operations walked, {sent} hostile requests")
    assert not problems, "\n".join(problems)


LONG_USERNAME = "u" * 256


@pytest.mark.django_db
def test_the_login_page_answers_a_256_character_username_with_a_field_error(client):
    response = client.post(reverse("login"), {"username": LONG_USERNAME, "password": "x"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not AccessAttempt.objects.exists()  # it never reached authentication (and its 255-character column)


@pytest.mark.django_db
def test_the_admin_login_answers_a_256_character_username_with_a_field_error(client):
    response = client.post(reverse("admin:login"), {"username": LONG_USERNAME, "password": "x"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_the_token_endpoint_answers_a_256_character_username_with_a_field_error():
    client = APIClient()
    for body in ({"username": LONG_USERNAME, "password": "x"}, {"username": "a", "password": "p" * 4097}):
        response = client.post("/api/v1/auth/token/", body, format="json")
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) == set(body) - {
            "username" if len(body["username"]) == 1 else "password"
        }
    surrogate = client.post(
        "/api/v1/auth/token/", json.dumps({"username": SURROGATE, "password": "x"}), content_type="application/json"
    )
    assert surrogate.status_code == 400 and list(surrogate.json()["error"]["fields"]) == ["username"]
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_a_long_username_still_signs_in_when_it_fits(client):
    user = UserFactory(username="u" * 150)
    user.set_password("Secret-2026")
    user.save()
    response = client.post(reverse("login"), {"username": user.username, "password": "Secret-2026"})
    assert response.status_code == 302


def test_every_api_view_parses_through_the_hygiene_parsers():
    """A view that names its own parsers takes them from core.api.parsers (or the defaults), so no body skips the
    check (DRF's token view names DRF's own: accounts sets it back to the defaults)."""
    from drf_spectacular.generators import SchemaGenerator

    from core.api.parsers import HygieneParser

    generator = SchemaGenerator()
    generator.endpoints = generator.endpoint_inspector_cls(generator.patterns, generator.urlconf).get_api_endpoints()
    endpoints = generator._get_paths_and_endpoints()
    assert endpoints
    unchecked = {
        f"{method} {path}": parser.__name__
        for path, _regex, method, view in endpoints
        for parser in (type(instance) for instance in view.get_parsers())
        if not issubclass(parser, HygieneParser)
    }
    assert not unchecked, unchecked


def test_the_parsers_name_the_field_and_the_item():
    client = APIClient()
    body = json.dumps({"username": ["ok", SURROGATE], "password": "x" * 10_001, SURROGATE: "y"})
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"username", "password", "abc\\ud800def"}
    assert list(fields["username"]) == ["1"]  # the second item of the list
