import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.factories import PASSWORD, LicenceFactory

pytestmark = pytest.mark.django_db

HOME_HEADINGS = {
    Role.LEADER: "全局概览",
    Role.SUPERVISOR: "我的责任区",
    Role.INSPECTOR: "我的抽查任务",
    Role.LAB_TECHNICIAN: "待检样品",
    Role.ENTERPRISE: "我的企业",
    Role.ADMIN: "系统管理",
}


def test_login_form_reports_a_wrong_password_in_chinese(client, actors):
    response = client.post(reverse("login"), {"username": "leader", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", list(HOME_HEADINGS))
def test_each_role_logs_in_to_its_own_home_page(client, actors, role):
    response = client.post(reverse("login"), {"username": actors[role].username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert f'data-testid="home-heading">{HOME_HEADINGS[role]}</h1>' in response.content.decode()


def test_login_rotates_the_session_key(client, actors):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen"
    client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen"


def test_logout_needs_post_and_ends_the_session(client, actors):
    client.force_login(User.objects.get(username="leader"))
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change_keeps_this_session_and_checks_the_old_password(client, actors):
    client.force_login(User.objects.get(username="leader"))
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "bad", "new_password1": "Shiny-new-pass-42", "new_password2": "Shiny-new-pass-42"},
    )
    assert "old_password" in wrong.context["form"].errors
    done = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Shiny-new-pass-42", "new_password2": "Shiny-new-pass-42"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("home")
    assert "密码已修改" in done.content.decode()  # the flash message
    assert client.get(reverse("home")).status_code == 200
    actors[Role.LEADER].refresh_from_db()
    assert actors[Role.LEADER].check_password("Shiny-new-pass-42")


def test_password_rules_reject_a_weak_password(client, actors):
    client.force_login(User.objects.get(username="leader"))
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    )
    assert "new_password2" in response.context["form"].errors


def test_session_cookie_is_http_only_and_expires(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


def test_language_switch_to_english_and_back(client, actors):
    client.force_login(User.objects.get(username="leader"))
    assert "全局概览" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert "Bureau overview" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert "全局概览" in client.get(reverse("home")).content.decode()


def test_pages_are_phone_friendly_and_use_no_cdn(client, actors):
    client.force_login(User.objects.get(username="leader"))
    html = client.get(reverse("home")).content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "http://" not in html and "https://" not in html  # every asset is served by the portal itself


def test_error_pages_share_the_portal_layout(client, actors):
    client.force_login(User.objects.get(username="enterprise"))
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert "页面不存在" in not_found.content.decode() and "质量监督管理平台" in not_found.content.decode()
    forbidden = client.get(reverse("enterprises:list"))
    assert forbidden.status_code == 403 and "质量监督管理平台" in forbidden.content.decode()


def test_server_error_page_renders_without_a_request(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "系统出现错误" in html


def test_supervisor_home_lists_expiring_licences_in_own_areas(client, actors, enterprise):
    from django.utils import timezone

    today = timezone.localdate()
    enterprise.area.officer = actors[Role.SUPERVISOR]
    enterprise.area.save()
    LicenceFactory(
        enterprise=enterprise,
        number="SC-SOON",
        issued_on=today - datetime.timedelta(days=4 * 365),
        expires_on=today + datetime.timedelta(days=20),
    )
    client.force_login(User.objects.get(username="supervisor"))
    response = client.get(reverse("home"))
    assert "SC-SOON" in response.content.decode()
    assert response.context["expiry"]["within_30"] == 1


def test_register_list_filters_and_sorts(client, actors, enterprise, other_enterprise):
    client.force_login(User.objects.get(username="supervisor"))
    response = client.get(reverse("enterprises:list"), {"q": other_enterprise.credit_code, "sort": "-name"})
    assert list(response.context["page"]) == [other_enterprise]


def test_register_list_runs_a_bounded_number_of_queries(client, actors, django_assert_max_num_queries):
    from tests.factories import EnterpriseFactory

    EnterpriseFactory.create_batch(60)
    client.force_login(User.objects.get(username="leader"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprises:list"))
    assert len(response.context["page"]) == 50


def test_repeated_wrong_passwords_lock_the_account_out_from_that_address(client, actors, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "leader", "password": "guess"})
    locked = client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another user from the same address is not affected.
    other = client.post(reverse("login"), {"username": "inspector", "password": PASSWORD})
    assert other.status_code == 302


def test_the_api_token_endpoint_shares_the_lockout(actors, settings):
    from rest_framework.test import APIClient

    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"username": "leader", "password": "guess"}, format="json")
    response = api.post("/api/v1/auth/token/", {"username": "leader", "password": PASSWORD}, format="json")
    # Even the right password is refused while the lockout lasts, and the caller is told so (tests/test_lockout.py).
    assert response.status_code == 429
    assert "token" not in response.json() and response.json()["error"]["code"] == "locked"


def test_an_anonymous_visitor_at_the_root_lands_on_the_public_portal_with_a_staff_login_link(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain == [(reverse("portal:home"), 302)]
    assert f'href="{reverse("login")}"' in response.content.decode()
