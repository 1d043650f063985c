"""Project-wide checks: migrations, the OpenAPI schema, deployment settings and static files."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
_TEST_ONLY_VARIABLES = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _TEST_ONLY_VARIABLES}


def manage(*args: str, timeout: float | None = 120, **env: str) -> subprocess.CompletedProcess:
    base = _clean_environ()
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "qsportal.settings", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def production_env() -> dict[str, str]:
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)}


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/enterprises/" in schema and "tokenAuth" in schema


def test_deploy_check_is_clean_with_debug_off_and_a_real_secret():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_settings_refuse_to_start_without_a_secret_when_debug_is_off():
    result = manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_settings_reject_a_malformed_boolean():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_whitenoise_serves_hashed_static_files_with_debug_off(tmp_path):
    # No wall-clock limit: collectstatic is CPU work (about 9 s of it, compressing only what is served) that a
    # loaded machine stretches; a time limit would test the machine, not the portal.
    env = {**production_env(), "STATIC_ROOT": str(tmp_path / "static")}
    collected = manage("collectstatic", "--noinput", "--verbosity", "0", timeout=None, **env)
    assert collected.returncode == 0, collected.stderr
    root = tmp_path / "static"
    # What pages link (hashed names) is pre-compressed; source maps, plain-named copies and ReDoc are collected but
    # not compressed (qsportal/staticfiles.py).
    (css,) = [path for path in (root / "css").glob("portal.*.css")]
    assert css.with_name(css.name + ".gz").exists() and css.with_name(css.name + ".br").exists()
    assert (root / "css" / "portal.css").exists() and not (root / "css" / "portal.css.gz").exists()
    swagger = root / "drf_spectacular_sidecar" / "swagger-ui-dist"
    assert [path for path in swagger.glob("swagger-ui-bundle.*.js.br")]
    assert [path for path in swagger.glob("*.map")] and not [path for path in swagger.glob("*.map.gz")]
    redoc = root / "drf_spectacular_sidecar" / "redoc"
    assert not [path for path in redoc.rglob("*") if path.suffix in {".gz", ".br"}]
    probe = (
        "import django; django.setup();"
        "from django.templatetags.static import static; from django.test import Client;"
        "url = static('css/portal.css'); r = Client().get(url, secure=True);"
        "print(url, r.status_code, r.headers.get('Cache-Control'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**_clean_environ(), "DJANGO_SETTINGS_MODULE": "qsportal.settings", **env},
        capture_output=True,
        text=True,
    )
    url, status, cache_control = result.stdout.split(maxsplit=2)
    assert url.startswith("/static/css/portal.") and url != "/static/css/portal.css"  # hashed name
    assert status == "200"
    assert "max-age=315360000" in cache_control  # immutable, served by whitenoise


def test_simplified_chinese_catalogue_is_compiled():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Enterprise register") == "企业档案"
    with translation.override("en"):
        assert translation.gettext("Enterprise register") == "Enterprise register"


@pytest.mark.parametrize(("lock", "extras"), [("requirements.lock", []), ("requirements-dev.lock", ["dev"])])
def test_lock_files_pin_what_pyproject_pins(lock, extras):
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [dep for extra in extras for dep in project["optional-dependencies"][extra]]
    locked = {line.strip().lower() for line in (ROOT / lock).read_text().splitlines()}
    for requirement in wanted:
        name, version = requirement.split("==")
        name = name.split("[")[0].lower().replace("_", "-")
        assert f"{name}=={version}" in locked, f"{lock} is stale: regenerate it (see its first lines)"
