"""Set-based loading of many rows at once, for the demo city and the benchmarks.

On PostgreSQL the rows are streamed with COPY after their ids are reserved from the table's sequence, so
the ids are known without a round trip per row and concurrent writers stay safe. Elsewhere `bulk_create`
does the same job more slowly.
"""

import datetime
import io
from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

BATCH_SIZE = 5000


def bulk_insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> list[int]:
    """Insert `rows` (values in the order of `fields`; foreign keys given as ids) and return their new ids."""
    if not rows:
        return []
    attnames = [model._meta.get_field(name).attname for name in fields]
    if connection.vendor == "postgresql":
        return _copy_into(model, attnames, rows)
    objects = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return [obj.pk for obj in objects]


def _copy_into(model: type[models.Model], attnames: list[str], rows: Sequence[tuple]) -> list[int]:
    meta = model._meta
    if not isinstance(meta.pk, models.AutoField | models.BigAutoField):
        raise ValueError(f"{meta.label} has no serial primary key to reserve ids from")
    # COPY skips Python-side defaults, so every column not given gets its default (or "now" for auto_now).
    given = set(attnames)
    others = [f for f in meta.concrete_fields if f.attname not in given and not f.primary_key]
    now = timezone.now()
    extra_values = [
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_db_prep_save(f.get_default(), connection)
        for f in others
    ]
    columns = [meta.pk.column] + [meta.get_field(name).column for name in attnames] + [f.column for f in others]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        buffer = io.StringIO()
        for pk, row in zip(ids, rows, strict=True):
            buffer.write("\t".join(_copy_text(value) for value in (pk, *row, *extra_values)))
            buffer.write("\n")
        buffer.seek(0)
        cursor.copy_expert(f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN", buffer)
    return ids


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        raise TypeError("bulk_insert takes scalar values only; pass JSON as a string")
    text = str(value)
    if any(char in text for char in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def history_baseline(model: type[models.Model], *, reason: str) -> int:
    """Give every row of `model` its first change-history entry ("created") in one INSERT ... SELECT, for rows
    that were loaded in bulk and so bypassed django-simple-history. Returns the number of entries written."""
    history = model.history.model
    source_columns = {field.column for field in model._meta.concrete_fields}
    tracked = [f.column for f in history._meta.concrete_fields if f.column in source_columns]
    quote = connection.ops.quote_name
    columns = [*tracked, "history_date", "history_type", "history_change_reason", "history_user_id"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
            f"SELECT {', '.join(quote(c) for c in tracked)}, %s, '+', %s, NULL FROM {quote(model._meta.db_table)}",
            [timezone.now(), reason],
        )
        return cursor.rowcount
