"""scripts/backup and scripts/restore: a backup restored into a fresh database and media folder holds every record
and every file intact (the same rows in every table, each stored file with the SHA-256 its row records), and a
damaged backup or a database that is not empty is refused."""

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from accounts.roles import Role
from complaints import services as complaints
from core.audit import audit
from core.models import StoredFile
from tests.factories import EnterpriseFactory
from tests.test_complaints_pages import complaint_values, photo

ROOT = Path(settings.BASE_DIR)


def _url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _run(script: str, *args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *map(str, args)],
        env={**os.environ, "PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _connect(name: str):
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=name, user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    )


def _tables_digest(name: str) -> dict[str, tuple[int, str]]:
    """Every table of the database: its row count and an MD5 over all its rows."""
    with _connect(name) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        digest = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
            )
            digest[table] = cursor.fetchone()
    conn.close()
    return digest


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


@pytest.fixture
def city(actors, settings, tmp_path):
    """Records and uploaded files: complaints with photos, audited changes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    enterprise = EnterpriseFactory()
    filed = [
        complaints.complaint_file(values=complaint_values(), photos=[photo(f"{n}-a.png"), photo(f"{n}-b.jpg")])
        for n in range(3)
    ]
    for n in range(5):
        audit(actor=actors[Role.SUPERVISOR], action="test.edit", target=enterprise, summary=f"第{n}次", n=n)
    return {"complaints": filed, "media": settings.MEDIA_ROOT}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_and_media_folder_intact(city, fresh_database, tmp_path):
    source = connection.settings_dict["NAME"]
    backup_dir = tmp_path / "backup"
    made = _run("backup", backup_dir, env={"DATABASE_URL": _url(source), "MEDIA_ROOT": str(city["media"])})
    assert made.returncode == 0, made.stderr
    manifest = (backup_dir / "MANIFEST.sha256").read_text().splitlines()
    assert manifest[0].endswith("  database.dump") and len(manifest) == 1 + 6  # the dump and six photos

    restored_media = tmp_path / "restored-media"
    restored = _run(
        "restore", backup_dir, env={"DATABASE_URL": _url(fresh_database), "MEDIA_ROOT": str(restored_media)}
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "The audit chain holds" in restored.stdout

    # Every table: the same rows.
    assert _tables_digest(fresh_database) == _tables_digest(source)
    # Every stored file: present, and with the SHA-256 its row recorded at upload.
    checked = 0
    with _connect(fresh_database) as conn, conn.cursor() as cursor:
        for model in apps.get_models():
            if issubclass(model, StoredFile):
                cursor.execute(f'SELECT file, sha256 FROM "{model._meta.db_table}"')
                for name, sha256 in cursor.fetchall():
                    assert hashlib.sha256((restored_media / name).read_bytes()).hexdigest() == sha256
                    checked += 1
    conn.close()
    assert checked == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_or_a_used_database_is_refused(city, fresh_database, tmp_path):
    source = connection.settings_dict["NAME"]
    backup_dir = tmp_path / "backup"
    assert (
        _run("backup", backup_dir, env={"DATABASE_URL": _url(source), "MEDIA_ROOT": str(city["media"])}).returncode == 0
    )
    # Into the database it came from (not empty): refused, nothing touched.
    used = _run("restore", backup_dir, env={"DATABASE_URL": _url(source), "MEDIA_ROOT": str(tmp_path / "m1")})
    assert used.returncode == 2 and "empty database" in used.stderr
    # A photo changed in the backup: refused before anything is written.
    victim = next(path for path in (backup_dir / "media").rglob("*") if path.is_file())
    victim.write_bytes(victim.read_bytes() + b"x")
    damaged = _run(
        "restore", backup_dir, env={"DATABASE_URL": _url(fresh_database), "MEDIA_ROOT": str(tmp_path / "m2")}
    )
    assert damaged.returncode == 1 and "damaged" in damaged.stderr
    assert _tables_digest(fresh_database) == {}
    # The same destination twice: refused.
    again = _run("backup", backup_dir, env={"DATABASE_URL": _url(source), "MEDIA_ROOT": str(city["media"])})
    assert again.returncode == 2 and "not empty" in again.stderr


def test_backup_needs_postgresql(tmp_path):
    result = _run("backup", tmp_path / "b", env={"DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode == 2 and "not PostgreSQL" in result.stderr
    assert not (tmp_path / "b").exists()
