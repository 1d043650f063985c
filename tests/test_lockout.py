"""A locked-out user is told that the account is temporarily locked and when to try again, on the login page and at
the API token endpoint, in the same words whether the password last given was right or wrong."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def _fail(post, settings, username="leader"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post(username, "guess")


def _page_post(client):
    return lambda username, password: client.post(reverse("login"), {"username": username, "password": password})


def _token_post(api):
    return lambda username, password: api.post(TOKEN, {"username": username, "password": password}, format="json")


def test_the_login_page_says_the_account_is_locked_and_when_to_retry(client, actors, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    before = timezone.now()
    _fail(_page_post(client), settings)
    right = _page_post(client)("leader", PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    retry_after = int(right.headers["Retry-After"])
    assert 14 * 60 <= retry_after <= 15 * 60
    html = right.content.decode()
    assert "temporarily locked" in html or "暂时锁定" in html
    retry_at = timezone.localtime(before + datetime.timedelta(minutes=15))
    shown = re.search(r'data-testid="retry-at">([^<]*)', html).group(1)
    assert retry_at.strftime("%H:%M") in shown or (retry_at + datetime.timedelta(minutes=1)).strftime("%H:%M") in shown
    # A wrong password while locked gets the very same answer: nothing tells which one was right.
    wrong = _page_post(client)("leader", "guess")
    assert wrong.status_code == 429
    strip = lambda text: re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)  # noqa: E731
    assert strip(wrong.content.decode()) == strip(html)


def test_the_token_endpoint_says_the_account_is_locked_and_when_to_retry(actors, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    api = APIClient()
    _fail(_token_post(api), settings)
    right = _token_post(api)("leader", PASSWORD)
    wrong = _token_post(api)("leader", "guess")
    for response in (right, wrong):
        assert response.status_code == 429
        error = response.json()["error"]
        assert error["code"] == "locked" and "token" not in response.json()
        assert 14 * 60 <= int(response.headers["Retry-After"]) <= 15 * 60
    assert right.json() == wrong.json()
    assert re.search(r"\d\d:\d\d", right.json()["error"]["message"])


def test_before_the_limit_a_wrong_password_is_a_plain_error(actors, settings):
    api = APIClient()
    response = _token_post(api)("leader", "guess")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    page = APIClient()
    assert page.post(reverse("login"), {"username": "leader", "password": "guess"}).status_code == 200


def test_after_the_cool_off_the_right_password_works_again(client, actors, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    _fail(_page_post(client), settings)
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert _page_post(client)("leader", PASSWORD).status_code == 302
