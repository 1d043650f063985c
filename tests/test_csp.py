"""A Content-Security-Policy on every page: scripts and styles only from the portal's own files (or with the request's
nonce), and in Chromium no key page trips it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory


def _plain_paths(patterns=None, prefix=""):
    """Every URL of the portal that takes no argument."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route:
            continue
        route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        if isinstance(pattern, URLResolver):
            yield from _plain_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + route


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", Role.SUPERVISOR, Role.ENTERPRISE, Role.ADMIN])
def test_every_page_carries_the_policy(client, actors, who):
    if who != "anonymous":
        client.force_login(actors[who])
    paths = sorted(set(_plain_paths()))
    assert len(paths) > 40
    missing = []
    for path in paths:
        if path.startswith("/i18n/"):
            continue
        response = client.get(path)
        if "Content-Security-Policy" not in response.headers:
            missing.append((path, response.status_code))
            continue
        policy = _policy(response)
        assert "'unsafe-inline'" not in policy.get("script-src", []), path
        assert "'unsafe-eval'" not in policy.get("script-src", []), path
    assert missing == []


@pytest.mark.django_db
def test_the_policy_allows_no_inline_script_and_no_other_origin(client):
    response = client.get("/accounts/login/")
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no nonce unless the page uses one
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]  # attributes only: no <style> element, no script
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_the_api_docs_inline_start_up_carries_the_nonce(client, actors):
    client.force_login(actors[Role.SUPERVISOR])
    response = client.get("/api/docs/")
    assert response.status_code == 200
    nonce = next(v for v in _policy(response)["script-src"] if v.startswith("'nonce-"))[len("'nonce-") : -1]
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert f'<style nonce="{nonce}">' in html
    assert "<script>" not in html and "<style>" not in html


@pytest.mark.django_db
def test_a_complaint_photo_keeps_its_own_sandbox(client, actors):
    """The uploads' stricter policy is not replaced by the portal's."""
    from complaints import services
    from tests.test_complaints_pages import complaint_values, photo

    complaint = services.complaint_file(values=complaint_values(), photos=[photo()])
    client.force_login(actors[Role.SUPERVISOR])
    response = client.get(f"/complaints/{complaint.pk}/photos/{complaint.photos.get().pk}/")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


INLINE = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>|\son[a-z]+=|\sstyle=", re.I)


def test_the_templates_have_no_inline_script_handler_or_style_attribute():
    """Scripts come from static/ (or carry the nonce); the PDF templates' <style> never reaches a browser."""
    found = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if INLINE.search(line) and "csp_nonce" not in line:
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert found == []


# The key pages, and who looks at them, for the browser check.
KEY_PAGES = [
    (None, "/accounts/login/"),
    (None, "/public/"),
    (None, "/public/complaints/new/"),
    (None, "/public/results/"),
    ("supervisor", "/"),
    ("supervisor", "/enterprises/"),
    ("supervisor", "/analysis/dashboard/"),
    ("supervisor", "/api/docs/"),
    ("supervisor", "/api/v1/"),
    ("supervisor", "/api/v1/enterprises/"),
    ("enterprise", "/"),
    ("superuser", "/admin/"),
    ("superuser", "/admin/accounts/user/"),
    ("superuser", "/admin/accounts/user/add/"),
]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_key_pages_show_no_policy_violation_in_chromium(browser, live_server, actors, reference_data):
    UserFactory(username="superuser", role=Role.ADMIN, is_staff=True, is_superuser=True)
    found = {}
    for username, path in KEY_PAGES:
        context = browser.new_context(locale="zh-CN")
        context.add_init_script(LISTEN)
        page = context.new_page()
        console = []
        page.on("console", lambda message, console=console: console.append(message.text))
        if username:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 400, path
        assert "Content-Security-Policy" in {name.title() for name in response.headers}, path
        page.wait_for_load_state("networkidle")
        if path == "/analysis/dashboard/":
            chart = page.locator("[data-chart] svg").first
            if chart.count():
                chart.hover()  # the charts' tooltips are drawn too
                page.wait_for_timeout(300)
        violations = page.evaluate("window.__cspViolations") + [
            text for text in console if "Content Security Policy" in text
        ]
        if violations:
            found[path] = violations
        context.close()
    assert found == {}
