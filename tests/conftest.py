"""Fixtures shared by the whole suite, and the rules for tests that need real services.

Tests marked `postgres`, `redis` or `browser` are skipped when that service is not here, except when
QS_REQUIRE_SERVICES=1 (as in CI): then a missing service fails the test instead of skipping it.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from accounts.roles import Role
from credit.recalculation import sql_cache_clear
from tests.factories import EnterpriseFactory, UserFactory, assign_task, enterprise_user

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _service_available(marker: str) -> bool:
    if marker == "postgres":
        return connection.vendor == "postgresql"
    if marker == "redis":
        return bool(settings.REDIS_URL)
    if marker == "browser":
        return shutil.which(CHROMIUM) is not None
    raise ValueError(marker)


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) and not _service_available(marker):
            message = f"needs {marker}, which is not available here"
            if os.environ.get("QS_REQUIRE_SERVICES") == "1":
                pytest.fail(f"{message} (QS_REQUIRE_SERVICES=1)", pytrace=False)
            pytest.skip(message)


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}; redis: {'yes' if settings.REDIS_URL else 'no'}"


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (which cannot download its own browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    sql_cache_clear()  # the compiled SQL of enterprise recalculations (its calendar may differ between tests)


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory()


@pytest.fixture
def other_enterprise(db):
    return EnterpriseFactory()


@pytest.fixture
def actors(db, enterprise):
    """One user per role, the enterprise user tied to `enterprise`."""
    users = {role: UserFactory(role=role, username=role) for role in Role if role != Role.ENTERPRISE}
    users[Role.ENTERPRISE] = enterprise_user(enterprise, username="enterprise")
    return users


@pytest.fixture
def inspector_at_enterprise(actors, enterprise):
    """The inspector of `actors`, with a spot-check task at `enterprise` (so its file is open to them)."""
    assign_task(actors[Role.INSPECTOR], enterprise)
    return actors[Role.INSPECTOR]


@pytest.fixture
def reference_data(db):
    """Industries and the working-day calendar, which a transactional test's flush removes for the next one."""
    from qsportal.reference_data import restore_reference_data

    restore_reference_data()
