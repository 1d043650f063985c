"""Loading and refreshing the catalogue of standards from the bureau's file (.xlsx or .csv, Chinese headers, row 1).

Columns (an asterisk marks the required ones):

| header | content |
|---|---|
| 标准号* | the standard's number, e.g. GB 2762-2022, GB/T 1234-2020, DB33/T 100-2021, T/ZZB 0001-2019 |
| 标准名称* | its title |
| 类别 | 国家标准 / 行业标准 / 地方标准 / 团体标准; blank: read from the number |
|  | (GB → national, DB → local, T/ → group, else industry) |
| 状态 | 现行 / 即将实施 / 废止 / 被代替; blank means 现行 |
| 代替标准号 | the number of the standard that replaces it: required for 被代替, allowed for 废止; |
|  | in the file or on file |
| 发布日期, 实施日期, 废止日期 | dates (YYYY-MM-DD); 废止日期 not before 发布日期 |

A row whose number is on file updates that standard (a refresh); any other adds one. Enterprises' own standards
(Q/) are declared or filed by their enterprise, not loaded. Validation reads the whole file and reports every
error by row and column; nothing is written unless the whole file is valid, and then all of it in one transaction.
"""

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import openpyxl
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from enterprises.choices import OUTDATED_STANDARD_STATUSES, StandardKind, StandardStatus

MAX_ROWS = 20_000
MAX_SHEET_ROWS = 10 * MAX_ROWS
FIRST_DATA_ROW = 2
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
QUERY_CHUNK = 900

NUMBER, TITLE, KIND, STATUS, SUCCESSOR = "标准号", "标准名称", "类别", "状态", "代替标准号"
ISSUED_ON, EFFECTIVE_ON, ABOLISHED_ON = "发布日期", "实施日期", "废止日期"
COLUMNS = (NUMBER, TITLE, KIND, STATUS, SUCCESSOR, ISSUED_ON, EFFECTIVE_ON, ABOLISHED_ON)
REQUIRED = (NUMBER, TITLE)
KIND_NAMES = {
    "国家标准": StandardKind.NATIONAL,
    "国标": StandardKind.NATIONAL,
    "行业标准": StandardKind.INDUSTRY,
    "地方标准": StandardKind.LOCAL,
    "团体标准": StandardKind.GROUP,
}
STATUS_NAMES = {
    "现行": StandardStatus.CURRENT,
    "现行有效": StandardStatus.CURRENT,
    "即将实施": StandardStatus.UPCOMING,
    "废止": StandardStatus.ABOLISHED,
    "被代替": StandardStatus.REPLACED,
    "已被代替": StandardStatus.REPLACED,
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


class CatalogueFileError(Exception):
    """The file as a whole cannot be loaded: wrong type, unreadable, missing headers, no rows or too many."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class LoadResult:
    """What a load found and did."""

    rows: int
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    outdated: int = 0  # standards this load marked abolished or replaced that were not so before

    @property
    def is_valid(self) -> bool:
        return not self.errors


def standard_model():
    return apps.get_model("enterprises", "Standard")


def normalise_number(number: str) -> str:
    """A standard's number as the catalogue keys it: full-width slashes and spaces folded, single spaces."""
    text = number.replace("／", "/").replace("－", "-").replace("\u3000", " ")
    return " ".join(text.split())


def kind_from_number(number: str) -> str:
    head = number.upper()
    if head.startswith("GB"):
        return StandardKind.NATIONAL
    if head.startswith("DB"):
        return StandardKind.LOCAL
    if head.startswith("T/"):
        return StandardKind.GROUP
    return StandardKind.INDUSTRY


# Reading


def read_rows(file: IO[bytes], *, filename: str) -> list[tuple[int, dict[str, object]]]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(file)
    elif suffix == ".csv":
        rows = _csv_rows(file)
    else:
        raise CatalogueFileError(gettext("Only Excel (.xlsx) and CSV (.csv) files can be imported."))
    header = next(rows, None)
    if header is None:
        raise CatalogueFileError(gettext("The file is empty."))
    headers = ["" if cell is None else str(cell).strip().rstrip("*＊").strip() for cell in header]
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        raise CatalogueFileError(
            gettext("Required columns are missing: %(columns)s. The header must be in row 1.")
            % {"columns": "、".join(missing)}
        )
    named = [h for h in headers if h]
    repeated = sorted({h for h in named if named.count(h) > 1})
    if repeated:
        raise CatalogueFileError(
            gettext("These columns appear more than once: %(columns)s.") % {"columns": "、".join(repeated)}
        )
    data = []
    for number, cells in enumerate(rows, start=FIRST_DATA_ROW):
        if number > MAX_SHEET_ROWS:
            raise CatalogueFileError(
                gettext("The sheet has more than %(limit)s rows, blank ones included; delete the blank rows.")
                % {"limit": f"{MAX_SHEET_ROWS:,}"}
            )
        values = [cell.strip() if isinstance(cell, str) else cell for cell in cells]
        if all(value in ("", None) for value in values):
            continue
        if len(data) == MAX_ROWS:
            raise CatalogueFileError(
                gettext("The file has more than %(limit)s data rows; split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        data.append((number, {h: v for h, v in zip(headers, values, strict=False) if h in COLUMNS}))
    if not data:
        raise CatalogueFileError(gettext("The file has a header row but no data rows."))
    return data


def _xlsx_rows(file: IO[bytes]) -> Iterator[tuple]:
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl fails on a broken file with many exception types
        raise CatalogueFileError(gettext("The file could not be read as an Excel workbook (.xlsx).")) from error
    try:
        if not workbook.worksheets:
            raise CatalogueFileError(gettext("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(file: IO[bytes]) -> Iterator[list[str]]:
    data = file.read()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CatalogueFileError(gettext("The CSV file is neither UTF-8 nor GB18030 text."))
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise CatalogueFileError(gettext("The CSV file could not be read: %(error)s") % {"error": error}) from error


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).split(" ")[0]
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


# Validation


@dataclass
class _Parsed:
    row: int
    number: str
    title: str
    kind: str
    status: str
    successor: str
    issued_on: datetime.date | None
    effective_on: datetime.date | None
    abolished_on: datetime.date | None


def validate(rows: list[tuple[int, dict[str, object]]]) -> tuple[list[_Parsed], list[RowError], dict]:
    """Every row parsed, every error found, and the standards on file the file names (by number)."""
    errors: list[RowError] = []
    parsed: list[_Parsed] = []
    Standard = standard_model()
    numbers = [normalise_number(_text(values.get(NUMBER))) for _row, values in rows]
    successors = [normalise_number(_text(values.get(SUCCESSOR))) for _row, values in rows]
    wanted = {n for n in numbers + successors if n}
    on_file = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), QUERY_CHUNK):
        for standard in Standard.objects.filter(code__in=ordered[start : start + QUERY_CHUNK]):
            on_file[standard.code] = standard
    seen: dict[str, int] = {}
    in_file = set(numbers)
    for (row, values), number, successor in zip(rows, numbers, successors, strict=True):
        failed = False

        def error(column: str, reason, row=row) -> None:
            nonlocal failed
            failed = True
            errors.append(RowError(row=row, column=column, reason=str(reason)))

        title = _text(values.get(TITLE))
        for column, value, limit in ((NUMBER, number, 64), (TITLE, title, 255)):
            if not value:
                error(column, gettext("This column must be filled in."))
            elif len(value) > limit:
                error(column, gettext("At most %(limit)s characters.") % {"limit": limit})
            elif any(0xD800 <= ord(char) <= 0xDFFF or ord(char) < 32 for char in value):
                error(column, gettext("This text holds characters that cannot be stored."))
        if number in seen:
            error(NUMBER, gettext("The same number is in row %(row)s.") % {"row": seen[number]})
        elif number:
            seen[number] = row
        existing = on_file.get(number)
        if existing is not None and existing.owner_id is not None:
            error(NUMBER, gettext("This is an enterprise's own standard: its enterprise declares or files it."))
        kind_name = _text(values.get(KIND))
        kind = KIND_NAMES.get(kind_name) if kind_name else kind_from_number(number)
        if kind is None:
            error(KIND, gettext("Write one of: %(names)s.") % {"names": " / ".join(KIND_NAMES)})
        status_name = _text(values.get(STATUS))
        status = STATUS_NAMES.get(status_name) if status_name else StandardStatus.CURRENT
        if status is None:
            error(STATUS, gettext("Write one of: %(names)s.") % {"names": " / ".join(STATUS_NAMES)})
        if successor:
            if successor == number:
                error(SUCCESSOR, gettext("A standard cannot replace itself."))
            elif successor not in in_file and successor not in on_file:
                error(SUCCESSOR, gettext("“%(number)s” is neither in the file nor on file.") % {"number": successor})
            elif status not in OUTDATED_STANDARD_STATUSES:
                error(SUCCESSOR, gettext("Only an abolished or replaced standard has a successor."))
        elif status == StandardStatus.REPLACED:
            error(SUCCESSOR, gettext("A replaced standard names the standard that replaces it."))
        dates = {}
        for column in (ISSUED_ON, EFFECTIVE_ON, ABOLISHED_ON):
            value = values.get(column)
            try:
                dates[column] = None if value in ("", None) else _date(value)
            except ValueError:
                error(column, gettext("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": _text(value)})
                dates[column] = None
        issued, abolished = dates[ISSUED_ON], dates[ABOLISHED_ON]
        if issued and abolished and abolished < issued:
            error(ABOLISHED_ON, gettext("A standard cannot be abolished before it was issued."))
        if not failed:
            parsed.append(
                _Parsed(row, number, title, kind, status, successor, issued, dates[EFFECTIVE_ON], dates[ABOLISHED_ON])
            )
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
    return parsed, errors, on_file


def catalogue_load(file: IO[bytes], *, filename: str, user, dry_run: bool) -> LoadResult:
    """Read and validate a catalogue file; unless a dry run, and only if every row is valid, add and update the
    standards in one transaction, audited, with a CatalogueLoad record and a `standards.catalogue_loaded` event.
    Raises CatalogueFileError when the file itself cannot be read."""
    from standards.services import catalogue_write

    rows = read_rows(file, filename=filename)
    result = LoadResult(rows=len(rows), dry_run=dry_run)
    if dry_run:
        result.errors = validate(rows)[1]
        return result
    try:
        with transaction.atomic():
            parsed, result.errors, on_file = validate(rows)
            if result.errors:
                return result
            catalogue_write(parsed=parsed, on_file=on_file, result=result, filename=Path(filename).name, user=user)
    except (IntegrityError, ValidationError) as error:
        raise CatalogueFileError(
            gettext("The catalogue changed while the file was being loaded, so nothing was written. Try again.")
        ) from error
    return result
