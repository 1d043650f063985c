"""Settings for the test suite: the real settings with test-only defaults and fast hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
# Playwright's sync API runs an event loop in the test thread; ORM calls from the test are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from qsportal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Tasks run in-process in tests; the worker test switches this off to go through the real broker.
CELERY_TASK_ALWAYS_EAGER = True
# Throttle and lockout counters must not leak between tests or runs through a shared Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Uploads made by tests go to a scratch folder, never into the project's media/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="qsportal-test-media-")
