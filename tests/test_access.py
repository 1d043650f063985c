"""Who may open what: every role against every page and endpoint, refusals tested as carefully as access."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.clients import signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTER_READERS = {Role.LEADER, Role.SUPERVISOR, Role.ADMIN}
ALL = set(Role)

# (url name, roles allowed, what they get); everyone else signed in gets 403, anonymous users are sent to log in.
PAGES = [
    ("home", ALL, 200),
    ("enterprises:list", REGISTER_READERS, 200),
    ("enterprises:own", {Role.ENTERPRISE}, 302),
    ("password_change", ALL, 200),
]


@pytest.mark.parametrize(("url_name", "allowed", "status"), PAGES)
@pytest.mark.parametrize("role", sorted(ALL))
def test_page_access_by_role(client, actors, url_name, allowed, status, role):
    response = signed_in(client, actors[role]).get(reverse(url_name))
    assert response.status_code == (status if role in allowed else 403)


@pytest.mark.parametrize(("url_name", "allowed", "status"), PAGES)
def test_anonymous_users_are_sent_to_log_in(client, url_name, allowed, status):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    # The root sends a visitor without an account to the public portal (whose header has the login link).
    assert response["Location"].startswith(reverse("portal:home") if url_name == "home" else reverse("login"))


@pytest.mark.parametrize("role", sorted(REGISTER_READERS))
def test_register_readers_read_any_enterprise_file(client, actors, enterprise, other_enterprise, role):
    response = signed_in(client, actors[role]).get(reverse("enterprises:detail", args=[other_enterprise.pk]))
    assert response.status_code == 200


def test_lab_technicians_never_see_an_enterprise(client, actors, enterprise):
    # Blind testing: the laboratory sees sample codes only.
    client = signed_in(client, actors[Role.LAB_TECHNICIAN])
    assert client.get(reverse("enterprises:detail", args=[enterprise.pk])).status_code == 404
    assert client.get(reverse("enterprises:list")).status_code == 403


def test_enterprise_user_reads_its_own_file(client, actors, enterprise):
    response = signed_in(client, actors[Role.ENTERPRISE]).get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert response.status_code == 200
    assert enterprise.credit_code in response.content.decode()


def test_enterprise_user_cannot_read_another_enterprise_even_by_guessing_ids(client, actors, other_enterprise):
    client = signed_in(client, actors[Role.ENTERPRISE])
    other = client.get(reverse("enterprises:detail", args=[other_enterprise.pk]))
    missing = client.get(reverse("enterprises:detail", args=[other_enterprise.pk + 1000]))
    # "Not yours" looks exactly like "does not exist".
    assert other.status_code == missing.status_code == 404


def test_enterprise_user_is_refused_the_register(client, actors):
    response = signed_in(client, actors[Role.ENTERPRISE]).get(reverse("enterprises:list"))
    assert response.status_code == 403
    assert "你无权打开此页面" in response.content.decode()


@pytest.mark.parametrize("role", sorted(ALL - {Role.ADMIN}))
def test_only_administrators_enter_the_admin(client, actors, role):
    response = signed_in(client, actors[role]).get("/admin/")
    assert response.status_code == 302  # the admin sends non-staff to its own login


def test_administrator_manages_users_but_cannot_delete_them(client, actors):
    client = signed_in(client, actors[Role.ADMIN])
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 200
    user = actors[Role.INSPECTOR]
    assert client.get(f"/admin/accounts/user/{user.pk}/delete/").status_code == 403


def test_administrator_cannot_take_over_privileged_accounts(client, actors):
    client = signed_in(client, actors[Role.ADMIN])
    root = User.objects.create_superuser("root", "root@example.com", "a-long-password-1")
    peer = UserFactory(role=Role.ADMIN)
    for target in (root, peer):
        assert client.get(f"/admin/accounts/user/{target.pk}/password/").status_code == 403
        assert client.post(f"/admin/accounts/user/{target.pk}/password/", {}).status_code == 403
    ordinary = actors[Role.SUPERVISOR]
    assert client.get(f"/admin/accounts/user/{ordinary.pk}/password/").status_code == 200


def test_administrator_cannot_read_api_tokens(client, actors):
    client = signed_in(client, actors[Role.ADMIN])
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403


def test_administrator_sees_the_register_read_only_in_the_admin(client, actors, enterprise):
    client = signed_in(client, actors[Role.ADMIN])
    assert client.get(f"/admin/enterprises/enterprise/{enterprise.pk}/change/").status_code == 200
    assert client.get("/admin/enterprises/enterprise/add/").status_code == 403


def test_navigation_shows_each_role_its_own_items(client, actors):
    leader_nav = signed_in(client, actors[Role.LEADER]).get(reverse("home")).context["nav_items"]
    client.logout()
    enterprise_nav = signed_in(client, actors[Role.ENTERPRISE]).get(reverse("home")).context["nav_items"]
    leader_urls = {item["url"] for item in leader_nav}
    enterprise_urls = {item["url"] for item in enterprise_nav}
    assert reverse("enterprises:list") in leader_urls and reverse("enterprises:own") not in leader_urls
    assert reverse("enterprises:own") in enterprise_urls and reverse("enterprises:list") not in enterprise_urls
    assert reverse("admin:index") not in leader_urls | enterprise_urls
