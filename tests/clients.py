"""Signed-in test clients, shared by the page and API tests."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def signed_in(client, user):
    """The Django test client with `user`'s session."""
    client.force_login(user)
    return client


def token_api(user) -> APIClient:
    """An API client that authenticates with `user`'s token, as an integrating system would."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client
