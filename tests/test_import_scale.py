"""The register import at scale: set-based writes whatever the file's size, the history written in bulk with them,
the file streamed, and the row limit a setting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises import importing
from enterprises.importing import ImportFileError
from enterprises.models import Enterprise
from tests.test_import_export import ENTERPRISE_HEADERS, area, csv_file, enterprise_row, run_import, staff, xlsx_file

pytestmark = pytest.mark.django_db
__all__ = ["area", "staff"]  # fixtures shared with test_import_export


def _statements(upload, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = run_import(upload, user=user)
    assert result.is_valid, result.errors
    return len(queries)


def test_the_statements_do_not_grow_with_the_rows(area, staff, settings, monkeypatch):
    monkeypatch.setattr(importing, "WRITE_BATCH", 50)
    small = _statements(xlsx_file(ENTERPRISE_HEADERS, [enterprise_row(n) for n in range(3)]), staff)
    large = _statements(xlsx_file(ENTERPRISE_HEADERS, [enterprise_row(n) for n in range(3, 48)]), staff)
    assert large == small  # one batch each: the insert and its history, the lookups per chunk of rows
    assert Enterprise.objects.count() == Enterprise.history.count() == 48
    batches = _statements(xlsx_file(ENTERPRISE_HEADERS, [enterprise_row(n) for n in range(100, 220)], "b.xlsx"), staff)
    assert batches == small + 2 * 2  # three batches of 50: two more inserts, each with its history
    assert {record.history_type for record in Enterprise.history.all()} == {"+"}


def test_the_row_limit_is_a_setting_and_counts_data_rows_only(area, staff, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [enterprise_row(n) for n in range(3)]
    assert run_import(csv_file(ENTERPRISE_HEADERS, [rows[0], [""] * len(rows[0]), *rows[1:]]), user=staff).written == 3
    with pytest.raises(ImportFileError, match="3"):
        run_import(csv_file(ENTERPRISE_HEADERS, [enterprise_row(n) for n in range(10, 14)]), user=staff)
    assert Enterprise.objects.count() == 3  # the refused file wrote nothing


def test_an_invalid_row_after_many_valid_ones_writes_nothing(area, staff, monkeypatch):
    monkeypatch.setattr(importing, "QUERY_CHUNK", 4)  # the rows are validated over several chunks
    rows = [enterprise_row(n) for n in range(10)] + [enterprise_row(10, 区县="无此区")] + [enterprise_row(1)]
    result = run_import(xlsx_file(ENTERPRISE_HEADERS, rows), user=staff)
    assert not result.written and result.rows == 12
    assert [(error.row, error.column) for error in result.errors] == [(12, "区县"), (13, "统一社会信用代码")]
    assert not Enterprise.objects.exists() and not Enterprise.history.exists()
