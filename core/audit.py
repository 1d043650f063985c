"""The audit log: every state-changing service writes one entry, in the same transaction as its change.

The log is a hash chain: each entry carries the SHA-256 of the entry before it (`prev_hash`) and its own
(`hash`, over its content and `prev_hash`), so changing, removing or inserting a past entry breaks every later link.
Appends are serialised (an advisory lock on PostgreSQL, held to the end of the writing transaction; SQLite has one
writer at a time anyway), so two writers never chain onto the same entry. Once a day the head of the chain is written
to a file outside the database (AUDIT_HEAD_DIR), so even rewriting the whole chain from some entry on is caught by
`manage.py verify_audit`."""

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from core.models import AuditEntry

GENESIS = "0" * 64  # the "previous hash" of the first entry
# pg_advisory_xact_lock key: "audit" in ASCII, so other locks of the portal do not collide with it.
APPEND_LOCK_KEY = int.from_bytes(b"audit", "big")
RESEAL_BATCH = 2000


def trail_key(record: models.Model) -> str:
    """The case an entry belongs to, e.g. "inspections.campaign:12"."""
    return f"{record._meta.label_lower}:{record.pk}"


def audit(
    *,
    actor,
    action: str,
    target: models.Model,
    trail: models.Model | None = None,
    summary: str = "",
    **data,
) -> AuditEntry:
    """Record that `actor` (None for the system) did `action` to `target`, as part of the case `trail`."""
    entry = AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=target._meta.label_lower,
        object_id=target.pk,
        trail=trail_key(trail or target),
        summary=str(summary)[:255],
        data=data,
    )
    return audit_append([entry])[0]


def audit_append(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Add unsaved entries to the end of the chain, in order, with their links, in one insert."""
    entries = list(entries)
    with transaction.atomic():
        head = _locked_head()
        for entry in entries:
            entry.prev_hash = head
            entry.hash = head = entry_hash(entry)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
            return entries
        return AuditEntry.objects.bulk_create(entries)


def audit_trail(record: models.Model):
    """Every entry of the case `record` heads, newest first."""
    return AuditEntry.objects.filter(trail=trail_key(record)).select_related("actor")


def _locked_head() -> str:
    """The hash of the last entry, once this transaction alone may append (until it ends)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_KEY])
    last = AuditEntry.objects.order_by("-pk").values_list("hash", flat=True).first()
    return last or GENESIS


def _canonical_data(data) -> str:
    # What the database gives back for `data` (the encoder turned dates and decimals into strings), keys sorted.
    plain = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _canonical_at(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def entry_hash(entry: AuditEntry) -> str:
    """The SHA-256 of an entry's content and the previous entry's hash (not of its primary key: the order is the
    links', and an entry is sealed before the database numbers it)."""
    fields = [
        entry.prev_hash,
        _canonical_at(entry.at),
        str(entry.actor_id or ""),
        entry.action,
        entry.object_type,
        str(entry.object_id),
        entry.trail,
        entry.summary,
        _canonical_data(entry.data),
    ]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8", "surrogatepass")).hexdigest()


CHAIN_FIELDS = ["prev_hash", "hash", "at", "actor_id", "action", "object_type", "object_id", "trail"]


def _walk(queryset) -> Iterator[AuditEntry]:
    yield from queryset.order_by("pk").only(*CHAIN_FIELDS, "summary", "data").iterator(chunk_size=RESEAL_BATCH)


def audit_chain_reseal(*, model=AuditEntry) -> int:
    """Compute every link anew, from the first entry on: for the migration that introduced the chain, and for the
    demo city, which dates its story back after writing it. Never for a live register: that is what the chain is
    there to catch. Returns how many entries were sealed."""
    head, batch, count = GENESIS, [], 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_KEY])
        for entry in _walk(model.objects.all()):
            entry.prev_hash = head
            entry.hash = head = entry_hash(entry)
            batch.append(entry)
            if len(batch) == RESEAL_BATCH:
                model.objects.bulk_update(batch, ["prev_hash", "hash"])
                count, batch = count + len(batch), []
        model.objects.bulk_update(batch, ["prev_hash", "hash"])
    return count + len(batch)


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold."""

    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"entry {self.entry_id}: {self.reason}" if self.entry_id is not None else self.reason


@dataclass(frozen=True)
class Verification:
    entries: int
    head: str
    heads_checked: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def audit_verify(*, head_dir: Path | None = None) -> Verification:
    """Walk the chain from the first entry and give the first broken link; then check each daily head on file
    (an entry the head names must still be there with the same hash)."""
    head, count, by_id = GENESIS, 0, {}
    heads = _heads_on_file(head_dir)
    wanted = {item["id"] for item in heads}
    for entry in _walk(AuditEntry.objects.all()):
        count += 1
        if entry.prev_hash != head:
            return Verification(count, head, 0, Break(entry.pk, "its link to the previous entry does not match"))
        computed = entry_hash(entry)
        if entry.hash != computed:
            return Verification(count, head, 0, Break(entry.pk, "its content does not match its hash"))
        head = computed
        if entry.pk in wanted:
            by_id[entry.pk] = computed
    for item in heads:
        if by_id.get(item["id"]) != item["hash"]:
            reason = f"the head written on {item['date']} (entry {item['id']}) is not in the chain any more"
            return Verification(count, head, len(heads), Break(item["id"], reason))
    return Verification(count, head, len(heads), None)


def _head_dir(head_dir: Path | None) -> Path | None:
    configured = head_dir or getattr(settings, "AUDIT_HEAD_DIR", None)
    return Path(configured) if configured else None


def _heads_on_file(head_dir: Path | None) -> list[dict]:
    folder = _head_dir(head_dir)
    if not folder or not folder.is_dir():
        return []
    return [json.loads(path.read_text()) for path in sorted(folder.glob("audit-head-*.json"))]


def audit_heads_published(*, limit: int = 90, head_dir: Path | None = None) -> list[dict]:
    """The latest `limit` daily heads on file, newest first, for the public page (AUDIT_HEAD_PUBLIC). A file that
    cannot be read or parsed is left out (the page never fails on it; `verify_audit` reports it)."""
    folder = _head_dir(head_dir)
    try:
        paths = sorted(folder.glob("audit-head-*.json"), reverse=True)[:limit] if folder and folder.is_dir() else []
    except OSError:
        return []
    heads = []
    for path in paths:
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and {"date", "id", "hash", "entries"} <= record.keys():
            heads.append({key: record[key] for key in ("date", "id", "hash", "entries")})
    return heads


def audit_head() -> dict:
    """The last entry of the chain: its id, hash and the number of entries."""
    last = AuditEntry.objects.order_by("-pk").values("id", "hash").first()
    return {
        "id": last["id"] if last else 0,
        "hash": last["hash"] if last else GENESIS,
        "entries": AuditEntry.objects.count(),
    }


def audit_head_write(*, head_dir: Path | None = None, day: datetime.date | None = None) -> Path | None:
    """Write today's head of the chain to AUDIT_HEAD_DIR (one small JSON file a day, rewritten if run again that
    day); None when no folder is configured or the chain is empty."""
    folder = _head_dir(head_dir)
    if folder is None:
        return None
    head = audit_head()
    if not head["id"]:
        return None
    day = day or timezone.localdate()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-head-{day.isoformat()}.json"
    record = {"date": day.isoformat(), **head, "written_at": timezone.now().isoformat()}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=1) + "\n")
    temporary.replace(path)
    return path
