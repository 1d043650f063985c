"""Every benchmark still runs: each `bench/*.py` is run with `--smoke` (a tiny city it builds itself, seconds, no
timing asserted) in a subprocess, so a broken benchmark fails CI instead of rotting until someone measures.

The scripts are discovered, not listed: a new `bench/<name>.py` is smoke-tested the day it lands (files starting
with "_" are helpers, not benchmarks). A script that empties its database takes `--flush` as the confirmation;
it is passed only to scripts that declare it.

Where they run. A benchmark with --flush EMPTIES the database DATABASE_URL names, so each subprocess gets a
DATABASE_URL of its own and never the suite's:
- on SQLite (the default), a file under this run's tmp_path;
- on PostgreSQL (CI), a separate database `<configured name>_bench_smoke`, created for this module and dropped after
  it, on the same server (the CI role may create databases). The name is checked before anything runs: never the
  configured database nor the test database.
Redis is not passed on (tasks run in-process, nothing is queued where the suite's worker would take it), and
uploads go to a scratch folder. A script whose smoke needs PostgreSQL exits with SMOKE_SKIPPED (75) elsewhere:
skipped on SQLite, a failure on PostgreSQL.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted(path for path in (ROOT / "bench").glob("*.py") if not path.name.startswith("_"))
SMOKE_SKIPPED = 75
SUFFIX = "_bench_smoke"
# Not a timing: a guard against a hung script holding CI for hours.
HANG_GUARD_S = 1800

pytestmark = pytest.mark.bench


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _postgres_names() -> tuple[str, set[str]]:
    """The throwaway database's name, and the names it must never be (the configured and the test database)."""
    current = settings.DATABASES["default"]
    configured = current["NAME"].removeprefix("test_") if current["NAME"].startswith("test_") else current["NAME"]
    forbidden = {configured, current["NAME"], current.get("TEST", {}).get("NAME") or f"test_{configured}"}
    return f"{configured}{SUFFIX}", forbidden


def _admin_connection(database: dict):
    import psycopg2

    for name in ("postgres", database["NAME"]):
        try:
            connection = psycopg2.connect(
                dbname=name,
                user=database.get("USER") or None,
                password=database.get("PASSWORD") or None,
                host=database.get("HOST") or None,
                port=database.get("PORT") or None,
            )
        except psycopg2.OperationalError:
            continue
        connection.autocommit = True  # CREATE / DROP DATABASE cannot run in a transaction
        return connection
    raise RuntimeError("cannot connect to the PostgreSQL server to create the smoke database")


@pytest.fixture(scope="module")
def smoke_database_url(tmp_path_factory):
    if not _is_postgres():
        yield f"sqlite:///{tmp_path_factory.mktemp('bench-smoke') / 'bench.sqlite3'}"
        return
    database = settings.DATABASES["default"]
    name, forbidden = _postgres_names()
    # The one rule that keeps a --flush away from real data: never a database the suite or anyone else uses.
    assert name.endswith(SUFFIX) and name not in forbidden, (name, forbidden)
    admin = _admin_connection(database)
    quoted = '"' + name.replace('"', '""') + '"'
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")  # a crashed run's leftover, ours by name
        cursor.execute(f"CREATE DATABASE {quoted}")
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    try:
        yield f"postgres://{credentials}{host}{port}/{quote(name, safe='')}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        admin.close()


def _environment(database_url: str, media: Path) -> dict:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        env.pop(name, None)
    env.update(DATABASE_URL=database_url, MEDIA_ROOT=str(media), LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    return env


def _run(script: Path, args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        check=False,
    )


def test_bench_scripts_are_found():
    assert {"credit.py", "dashboard.py", "draw.py", "seed_demo.py"} <= {path.name for path in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_bench_smoke(script, smoke_database_url, tmp_path):
    source = script.read_text(encoding="utf-8")
    assert '"--smoke"' in source, f"{script.name} has no --smoke mode (a tiny city it builds itself, for CI)"
    args = ["--smoke", *(["--flush"] if '"--flush"' in source else [])]
    result = _run(script, args, _environment(smoke_database_url, tmp_path / "media"))
    command = f"$ {script.name} {' '.join(args)}"
    output = f"{command}\n--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}"
    if result.returncode == SMOKE_SKIPPED and not _is_postgres():
        pytest.skip(f"{script.name} --smoke needs PostgreSQL")
    assert result.returncode == 0, output


@pytest.mark.parametrize("name", ["seed_demo.py", "draw.py", "credit.py", "dashboard.py"])
def test_smoke_without_flush_empties_nothing(name, tmp_path):
    """--smoke builds its own city, so it empties the database: without --flush it refuses before connecting."""
    missing = tmp_path / "never-created.sqlite3"
    result = _run(ROOT / "bench" / name, ["--smoke"], _environment(f"sqlite:///{missing}", tmp_path / "media"))
    assert result.returncode == 2, result.stderr
    assert "--flush" in result.stderr
    assert not missing.exists()
