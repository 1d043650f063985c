"""Import of the verification institutions' records (.xlsx or .csv, Chinese headers), as the enterprise register's
import works: every row is checked and every error listed with its row, column and reason; a dry run writes nothing;
a real run writes nothing unless the whole file is valid, then all of it in one transaction.

Each row is one verification of an instrument already on file, found by its category and serial number (and the
maker when the same serial exists twice)."""

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.transitions import require_perm
from metrology.choices import VerificationResult, VerificationSource
from metrology.models import Instrument, InstrumentCategory
from metrology.services import _verification, verifications_write

MAX_ROWS = 20_000
FILE_TYPES = (".xlsx", ".csv")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")

# The institutions' column names are data: they stay Chinese in every language.
CATEGORY, SERIAL, MAKER, VERIFIED_ON, RESULT, CERTIFICATE, INSTITUTION, VALID_UNTIL = (
    "器具类别",
    "出厂编号",
    "制造单位",
    "检定日期",
    "检定结论",
    "证书编号",
    "检定机构",
    "有效期至",
)
COLUMNS = (CATEGORY, SERIAL, MAKER, VERIFIED_ON, RESULT, CERTIFICATE, INSTITUTION, VALID_UNTIL)
REQUIRED = (CATEGORY, SERIAL, VERIFIED_ON, RESULT, CERTIFICATE, INSTITUTION)
RESULT_NAMES = {"合格": VerificationResult.PASSED, "不合格": VerificationResult.FAILED}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
FIELD_COLUMNS = {
    "verified_on": VERIFIED_ON,
    "result": RESULT,
    "certificate_number": CERTIFICATE,
    "institution": INSTITUTION,
    "valid_until": VALID_UNTIL,
}


class ImportFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportResult:
    rows: int
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    written: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(file: IO[bytes], filename: str) -> list[list]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()
                rows = []
                for row in sheet.iter_rows(values_only=True):
                    rows.append(list(row))
                    if len(rows) > MAX_ROWS * 2:
                        break
                return rows
            finally:
                workbook.close()
        except Exception as error:  # openpyxl fails on a broken file with many exception types
            raise ImportFileError(gettext("The file could not be read as an Excel workbook (.xlsx).")) from error
    if suffix == ".csv":
        data = file.read()
        for encoding in CSV_ENCODINGS:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(gettext("The CSV file is neither UTF-8 nor GB18030 text."))
        try:
            return list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise ImportFileError(gettext("The CSV file could not be read: %(error)s") % {"error": error}) from error
    raise ImportFileError(gettext("Only Excel (.xlsx) and CSV (.csv) files can be imported."))


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    raise ValueError(text)


def verification_import(*, actor, file: IO[bytes], filename: str, dry_run: bool) -> ImportResult:
    """Check (and, unless `dry_run` or a row is wrong, write) the verifications in the file."""
    require_perm(actor, "metrology.manage")
    rows = _rows(file, filename)
    if not rows:
        raise ImportFileError(gettext("The file is empty."))
    headers = [_text(cell) for cell in rows[0]]
    missing = [column for column in REQUIRED if column not in headers]
    if missing:
        raise ImportFileError(gettext("Missing columns: %(columns)s") % {"columns": "、".join(missing)})
    data = [
        (number, {header: row[i] if i < len(row) else None for i, header in enumerate(headers) if header in COLUMNS})
        for number, row in enumerate(rows[1:], start=2)
        if any(_text(cell) for cell in row)
    ]
    if len(data) > MAX_ROWS:
        raise ImportFileError(gettext("At most %(count)d rows can be imported at once.") % {"count": MAX_ROWS})
    result = ImportResult(rows=len(data), dry_run=dry_run)
    categories = {}
    for category in InstrumentCategory.objects.all():
        categories[category.code] = categories[category.name] = category
    serials = {_text(values.get(SERIAL)) for _, values in data}
    candidates: dict[tuple[int, str], list[Instrument]] = {}
    for instrument in Instrument.objects.supervised().filter(serial__in=serials).select_related("category"):
        candidates.setdefault((instrument.category_id, instrument.serial), []).append(instrument)
    today = timezone.localdate()
    checked = []
    seen: set[tuple[int, str]] = set()
    for number, values in data:
        errors = []
        for column in REQUIRED:
            if not _text(values.get(column)):
                errors.append(RowError(number, column, gettext("Required.")))
        category = categories.get(_text(values.get(CATEGORY)))
        if _text(values.get(CATEGORY)) and category is None:
            errors.append(RowError(number, CATEGORY, gettext("Not a category on file.")))
        result_name = _text(values.get(RESULT))
        if result_name and result_name not in RESULT_NAMES:
            errors.append(RowError(number, RESULT, gettext("Write 合格 or 不合格.")))
        dates = {}
        for column in (VERIFIED_ON, VALID_UNTIL):
            if _text(values.get(column)):
                try:
                    dates[column] = _date(values.get(column))
                except ValueError:
                    errors.append(RowError(number, column, gettext("Not a date (YYYY-MM-DD).")))
        instrument = None
        if category is not None and _text(values.get(SERIAL)):
            found = candidates.get((category.pk, _text(values.get(SERIAL))), [])
            maker = _text(values.get(MAKER))
            if maker:
                found = [each for each in found if each.maker == maker]
            if not found:
                errors.append(RowError(number, SERIAL, gettext("No accepted instrument of this category and serial.")))
            elif len(found) > 1:
                errors.append(RowError(number, MAKER, gettext("Several instruments have this serial: give the maker.")))
            else:
                instrument = found[0]
        if errors or instrument is None:
            result.errors.extend(errors)
            continue
        key = (instrument.pk, _text(values.get(CERTIFICATE)))
        if key in seen:
            result.errors.append(RowError(number, CERTIFICATE, gettext("The same certificate twice in the file.")))
            continue
        seen.add(key)
        try:
            checked.append(
                _verification(
                    instrument=instrument,
                    verified_on=dates.get(VERIFIED_ON),
                    result=RESULT_NAMES[result_name],
                    certificate_number=_text(values.get(CERTIFICATE)),
                    institution=_text(values.get(INSTITUTION)),
                    valid_until_on=dates.get(VALID_UNTIL),
                    source=VerificationSource.IMPORTED,
                    actor=actor,
                    today=today,
                )
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = FIELD_COLUMNS.get(name, CERTIFICATE if name == "__all__" else name)
                result.errors.extend(RowError(number, column, message) for message in messages)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        result.written = verifications_write(actor=actor, verifications=checked)
    return result
