"""The audit log is a hash chain: each entry carries the SHA-256 of the one before; editing, removing or inserting a
past entry in SQL is found by `manage.py verify_audit`, which names the first broken link and exits non-zero; the
daily head on file catches even a chain rewritten from some entry on."""

import datetime
import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.urls import reverse

from accounts.roles import Role
from core.audit import GENESIS, audit, audit_chain_reseal, audit_head_write, audit_verify, entry_hash
from core.audit_tasks import write_audit_head_task
from core.models import AuditEntry
from tests.factories import EnterpriseFactory


def _entries(actor, count=5):
    enterprise = EnterpriseFactory()
    return [
        audit(actor=actor, action="test.edit", target=enterprise, summary=f"第{n}次", n=n, note="修改 ✓")
        for n in range(count)
    ]


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify(**options):
    out = StringIO()
    call_command("verify_audit", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_each_entry_carries_the_hash_of_the_one_before(actors):
    entries = _entries(actors[Role.SUPERVISOR])
    stored = list(AuditEntry.objects.order_by("pk"))
    assert stored[0].prev_hash == GENESIS
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    assert [entry.hash for entry in entries] == [entry.hash for entry in stored]
    assert all(entry_hash(entry) == entry.hash for entry in stored)  # what was sealed is what reads back
    assert "The audit chain holds: 5 entries" in _verify()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditentry SET summary = 'rewritten' WHERE id = %s",
        "UPDATE core_auditentry SET actor_id = NULL WHERE id = %s",
        "UPDATE core_auditentry SET data = '{\"n\": 99}' WHERE id = %s",
        "UPDATE core_auditentry SET at = '2020-01-01 00:00:00+00:00' WHERE id = %s",
    ],
)
def test_an_edited_past_entry_is_found(actors, statement):
    entries = _entries(actors[Role.SUPERVISOR])
    _sql(statement, [entries[2].pk])
    result = audit_verify()
    assert not result.ok and result.broken.entry_id == entries[2].pk
    with pytest.raises(CommandError, match=f"entry {entries[2].pk}: its content does not match"):
        _verify()


@pytest.mark.django_db
def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(actors):
    entries = _entries(actors[Role.SUPERVISOR])
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.summary = "rewritten"
    _sql(
        "UPDATE core_auditentry SET summary = %s, hash = %s WHERE id = %s", ["rewritten", entry_hash(forged), forged.pk]
    )
    assert audit_verify().broken.entry_id == entries[2].pk


@pytest.mark.django_db
def test_a_removed_entry_is_found(actors):
    entries = _entries(actors[Role.SUPERVISOR])
    _sql("DELETE FROM core_auditentry WHERE id = %s", [entries[3].pk])
    assert audit_verify().broken.entry_id == entries[4].pk


@pytest.mark.django_db
def test_the_daily_head_catches_a_rewritten_tail(actors, tmp_path, settings):
    settings.AUDIT_HEAD_DIR = str(tmp_path)
    entries = _entries(actors[Role.SUPERVISOR])
    assert write_audit_head_task.delay().get()  # the beat task writes today's head
    [written] = tmp_path.glob("audit-head-*.json")
    head = json.loads(written.read_text())
    assert head["id"] == entries[-1].pk and head["hash"] == entries[-1].hash and head["entries"] == 5
    # Someone edits the last entry and reseals the chain from the start: every link holds again...
    _sql("UPDATE core_auditentry SET summary = 'rewritten' WHERE id = %s", [entries[-1].pk])
    audit_chain_reseal()
    assert audit_verify(head_dir=tmp_path / "none").ok
    # ...but not against the head on file.
    result = audit_verify()
    assert result.broken.entry_id == entries[-1].pk and "head written on" in result.broken.reason
    with pytest.raises(CommandError, match="head written on"):
        _verify()


@pytest.mark.django_db
def test_no_head_without_a_folder(actors, settings):
    settings.AUDIT_HEAD_DIR = None
    _entries(actors[Role.SUPERVISOR], 1)
    assert audit_head_write() is None
    assert "Head written" not in _verify(write_head=True)


@pytest.mark.django_db
def test_verify_audit_can_write_the_head(actors, tmp_path):
    _entries(actors[Role.SUPERVISOR], 2)
    out = _verify(head_dir=tmp_path, write_head=True)
    assert "Head written" in out and len(list(tmp_path.glob("audit-head-*.json"))) == 1


@pytest.mark.django_db
def test_an_empty_log_verifies(db):
    assert audit_verify().ok and audit_verify().entries == 0


@pytest.mark.django_db
def test_the_migration_seals_entries_written_before_the_chain(actors):
    _entries(actors[Role.SUPERVISOR], 4)
    AuditEntry.objects.update(prev_hash="", hash="")  # as they were before the chain
    assert not audit_verify().ok
    assert audit_chain_reseal() == 4
    assert audit_verify().ok


@pytest.mark.django_db
def test_bulk_published_entries_are_chained(actors):
    from core.audit import audit_append

    enterprise = EnterpriseFactory()
    _entries(actors[Role.SUPERVISOR], 1)
    rows = audit_append(
        AuditEntry(action="result.publish", object_type="x.y", object_id=n, trail="x", at=_now()) for n in range(3)
    )
    assert len(rows) == 3 and enterprise
    assert audit_verify().ok and audit_verify().entries == 4


def _now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_edited_past_entry_is_found_on_postgresql(actors):
    entries = _entries(actors[Role.SUPERVISOR])
    _sql("UPDATE core_auditentry SET data = jsonb_set(data, '{n}', '7') WHERE id = %s", [entries[1].pk])
    assert audit_verify().broken.entry_id == entries[1].pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_chain_on_postgresql(actors):
    """Writers in parallel transactions: the advisory lock makes each chain onto the last committed entry."""
    enterprise = EnterpriseFactory()
    actor = actors[Role.SUPERVISOR]
    start = threading.Barrier(6)

    def writer(n):
        try:
            start.wait()
            for m in range(5):
                with transaction.atomic():
                    audit(actor=actor, action="test.parallel", target=enterprise, n=n, m=m)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = audit_verify()
    assert result.ok and result.entries == 30


@pytest.mark.django_db
def test_the_public_page_shows_the_daily_heads_only_when_the_bureau_publishes_them(client, actors, tmp_path, settings):
    settings.AUDIT_HEAD_DIR = str(tmp_path)
    entries = _entries(actors[Role.SUPERVISOR])
    audit_head_write(day=datetime.date(2026, 12, 1))
    (tmp_path / "audit-head-2026-12-02.json").write_text("{not json")  # a damaged file is left out, not a 500
    url = reverse("portal:audit_heads")
    settings.AUDIT_HEAD_PUBLIC = False
    assert client.get(url).status_code == 404
    settings.AUDIT_HEAD_PUBLIC = True
    response = client.get(url)
    assert response.status_code == 200
    assert [head["hash"] for head in response.context["heads"]] == [entries[-1].hash]
    assert entries[-1].hash in response.content.decode()
    settings.AUDIT_HEAD_DIR = str(tmp_path / "missing")
    assert client.get(url).status_code == 200
