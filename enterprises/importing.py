"""Bulk import of the enterprise register from the bureau's own spreadsheets (.xlsx or .csv, Chinese headers).

Reading streams a file as numbered rows (an .xlsx read-only, row by row); validation collects every error of every
row, keeping of each valid row only its field values; nothing is written unless the whole file is valid, and then
all of it is written in one transaction, set-based (bulk inserts in batches, the change history of every row
written in bulk with it, attributed to the importing user with the file's name as the reason).

Up to IMPORT_MAX_ROWS data rows (a setting, 100 000 by default). At that size the real import takes about as long
again as its dry run and its memory stays well under 300 MiB (bench/import.py measures both).
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO

import openpyxl
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel
from simple_history.utils import bulk_create_with_history

from core.credit_code import normalise_credit_code
from enterprises.choices import EnterpriseStatus, LicenceKind, Scale
from enterprises.credit_code import validate_credit_code
from enterprises.models import District, Enterprise, Industry, Licence, ResponsibilityArea

# Data rows are limited by the setting IMPORT_MAX_ROWS. Excel keeps styled but empty rows; past ten times that many
# rows of any kind the sheet is refused without reading on.
SHEET_ROWS_FACTOR = 10
WRITE_BATCH = 2_000  # rows per bulk insert (and per bulk insert of their history)
FIRST_DATA_ROW = 2  # row 1 holds the headers, as the user sees it in the spreadsheet
FILE_TYPES = (".xlsx", ".csv")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel in China saves CSV in GB18030
QUERY_CHUNK = 900  # stays under SQLite's historical limit of 999 parameters per query

Cell = str | int | float | datetime.date | None


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", pgettext_lazy("what an import file holds", "Enterprises")
    LICENCES = "licences", pgettext_lazy("what an import file holds", "Licences")


@dataclass(frozen=True)
class Column:
    """A spreadsheet column: its header (the bureau's Chinese name), whether it must be filled in, and a hint."""

    header: str
    required: bool
    hint: str = ""


# The bureau's column names are data, not interface text: they stay Chinese in every language.
NAME, CREDIT_CODE, LEGAL_REPRESENTATIVE, ADDRESS = "企业名称", "统一社会信用代码", "法定代表人", "地址"
DISTRICT, AREA, INDUSTRY, SCALE, STATUS = "区县", "责任区", "行业代码", "规模", "状态"
CONTACT_PERSON, CONTACT_PHONE = "联系人", "联系电话"
ESTABLISHED_ON = "成立日期"
KIND, NUMBER, SCOPE, ISSUED_ON, EXPIRES_ON = "证照类别", "证书编号", "范围", "发证日期", "有效期至"

ENTERPRISE_COLUMNS = (
    Column(NAME, True),
    Column(CREDIT_CODE, True, _("18 characters, GB 32100-2015")),
    Column(LEGAL_REPRESENTATIVE, True),
    Column(ADDRESS, True),
    Column(DISTRICT, True, _("District name as on file")),
    Column(AREA, True, _("Responsibility area within that district")),
    Column(INDUSTRY, True, _("GB/T 4754 division, e.g. 14 or C14")),
    Column(SCALE, True, "规上 / 规下"),
    Column(ESTABLISHED_ON, False, _("As on the business licence: a date, or text as YYYY-MM-DD; not in the future")),
    Column(STATUS, False, _("正常 / 停产 / 注销; blank means 正常")),
    Column(CONTACT_PERSON, False),
    Column(CONTACT_PHONE, False),
)
LICENCE_COLUMNS = (
    Column(CREDIT_CODE, True, _("The enterprise must already be on file")),
    Column(KIND, True, _("e.g. 食品生产许可证（SC）, 工业产品生产许可证, 3C, ISO 9001")),
    Column(NUMBER, True),
    Column(SCOPE, False),
    Column(ISSUED_ON, True, _("A date, or text as YYYY-MM-DD or YYYY/MM/DD")),
    Column(EXPIRES_ON, True, _("After the issue date")),
)
COLUMNS = {ImportKind.ENTERPRISES: ENTERPRISE_COLUMNS, ImportKind.LICENCES: LICENCE_COLUMNS}

# Spreadsheet values, in the bureau's words, for the choice fields; the exporter writes the first name of each.
SCALE_NAMES = {Scale.ABOVE: ("规上", "规模以上"), Scale.BELOW: ("规下", "规模以下")}
STATUS_NAMES = {
    EnterpriseStatus.ACTIVE: ("正常",),
    EnterpriseStatus.SUSPENDED: ("停产",),
    EnterpriseStatus.CLOSED: ("注销",),
}
LICENCE_KIND_NAMES = {
    LicenceKind.INDUSTRIAL_PRODUCT: ("工业产品生产许可证",),
    LicenceKind.FOOD_PRODUCTION: ("食品生产许可证（SC）", "食品生产许可证", "SC"),
    LicenceKind.CCC: ("强制性产品认证（3C）", "强制性产品认证", "强制性认证", "3C", "CCC", "3C/CCC"),
    LicenceKind.SPECIAL_EQUIPMENT: ("特种设备许可证", "特种设备生产许可证"),
    LicenceKind.MEASURING_INSTRUMENT: ("计量器具生产许可证",),
    LicenceKind.ISO_9001: ("质量管理体系认证（ISO 9001）", "质量管理体系认证", "ISO 9001", "GB/T 19001"),
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


class ImportFileError(Exception):
    """The file as a whole cannot be imported: wrong type, unreadable, missing headers or too many rows."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: the row as numbered in the spreadsheet, the column header, and why."""

    row: int
    column: str
    reason: str


@dataclass
class Sheet:
    """The data rows of a file, streamed once, each as (spreadsheet row number, {header: value}) for the known
    columns; `count` is the number of data rows read so far (all of them once `rows` is exhausted)."""

    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Cell]]]
    count: int = 0

    def chunks(self, size: int = 0) -> Iterator[list[tuple[int, dict[str, Cell]]]]:
        size = size or QUERY_CHUNK
        while chunk := list(islice(self.rows, size)):
            yield chunk


@dataclass
class Validated:
    """What validation keeps: every row error, and the field values of each row (kept only while no row failed:
    an invalid file is never written)."""

    fields: tuple[str, ...]
    values: list[tuple] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import found and did: rows read, every row error, and how many records it wrote."""

    kind: str
    rows: int
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    written: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors


# Reading


@contextmanager
def read_sheet(file: IO[bytes], *, filename: str, columns: Iterable[Column]) -> Iterator[Sheet]:
    """Open the first sheet of an .xlsx file or a .csv file, streamed: headers from row 1, whitespace stripped,
    blank rows dropped. Raises ImportFileError for an unknown type, an unreadable file or missing headers, and
    while the rows are read for too many rows or none."""
    readers = {".xlsx": _xlsx_rows, ".csv": _csv_rows}
    reader = readers.get(Path(filename).suffix.lower())
    if reader is None:
        raise ImportFileError(gettext("Only Excel (.xlsx) and CSV (.csv) files can be imported."))
    rows = reader(file)
    try:
        yield _sheet_from_rows(rows, columns)
    finally:
        rows.close()  # releases the workbook even when reading stops early


def _xlsx_rows(file: IO[bytes]) -> Iterator[tuple[Cell, ...]]:
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl fails on a broken file with any of a dozen exception types
        raise ImportFileError(gettext("The file could not be read as an Excel workbook (.xlsx).")) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(gettext("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong sheet size, which would cut rows off
        yield from sheet.iter_rows(values_only=True)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(gettext("The file could not be read as an Excel workbook (.xlsx).")) from error
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
        raise ImportFileError(gettext("The CSV file is neither UTF-8 nor GB18030 text."))
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise ImportFileError(gettext("The CSV file could not be read: %(error)s") % {"error": error}) from error


def _sheet_from_rows(rows: Iterator[Iterable[Cell]], columns: Iterable[Column]) -> Sheet:
    header_cells = next(rows, None)
    if header_cells is None:
        raise ImportFileError(gettext("The file is empty."))
    headers = [_header(cell) for cell in header_cells]
    _check_headers(headers, columns)
    sheet = Sheet(headers=headers, rows=iter(()))
    sheet.rows = _data_rows(sheet, rows, {column.header for column in columns})
    return sheet


def _data_rows(sheet: Sheet, rows: Iterator[Iterable[Cell]], known: set[str]) -> Iterator[tuple[int, dict]]:
    max_rows = settings.IMPORT_MAX_ROWS
    max_sheet_rows = SHEET_ROWS_FACTOR * max_rows
    positions = [(index, header) for index, header in enumerate(sheet.headers) if header in known]
    for number, cells in enumerate(rows, start=FIRST_DATA_ROW):
        if number > max_sheet_rows:
            raise ImportFileError(
                gettext("The sheet has more than %(limit)s rows, blank ones included; delete the blank rows.")
                % {"limit": f"{max_sheet_rows:,}"}
            )
        values = [_clean(cell) for cell in cells]
        if all(value in ("", None) for value in values):
            continue
        if sheet.count == max_rows:
            raise ImportFileError(
                gettext("The file has more than %(limit)s data rows; split it into smaller files.")
                % {"limit": f"{max_rows:,}"}
            )
        sheet.count += 1
        yield number, {header: values[index] for index, header in positions if index < len(values)}
    if not sheet.count:
        raise ImportFileError(gettext("The file has a header row but no data rows."))


def _header(cell: Cell) -> str:
    # The download template marks required columns with an asterisk, as the bureau's paper forms do.
    return "" if cell is None else str(cell).strip().rstrip("*＊").strip()


def _check_headers(headers: list[str], columns: Iterable[Column]) -> None:
    named = [header for header in headers if header]
    repeated = sorted({header for header in named if named.count(header) > 1})
    if repeated:
        raise ImportFileError(
            gettext("These columns appear more than once: %(columns)s.") % {"columns": "、".join(repeated)}
        )
    missing = [column.header for column in columns if column.required and column.header not in named]
    if missing:
        raise ImportFileError(
            gettext("Required columns are missing: %(columns)s. The header must be in row 1.")
            % {"columns": "、".join(missing)}
        )


def _clean(cell: Cell) -> Cell:
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time(0):
        return cell.date()
    return cell


# Validation


class _Row:
    """One data row being validated: reads its cells as text or dates and records its errors."""

    def __init__(self, number: int, values: dict[str, Cell], errors: list[RowError]) -> None:
        self.number = number
        self.values = values
        self._errors = errors
        self.failed: set[str] = set()

    def error(self, column: str, reason: str) -> None:
        self.failed.add(column)
        self._errors.append(RowError(row=self.number, column=column, reason=str(reason)))

    def text(self, column: str, *, required: bool = False) -> str:
        value = _as_text(self.values.get(column))
        if required and not value:
            self.error(column, gettext("This column must be filled in."))
        return value

    def date(self, column: str, *, required: bool = True) -> datetime.date | None:
        value = self.values.get(column)
        if value in ("", None):
            if required:
                self.error(column, gettext("This column must be filled in."))
            return None
        parsed = _as_date(value)
        if parsed is None:
            self.error(column, gettext("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value})
        return parsed

    def credit_code(self) -> str:
        code = normalise_credit_code(self.text(CREDIT_CODE, required=True))
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as error:
                self.error(CREDIT_CODE, error.messages[0])
        return code

    def full_clean(self, instance: models.Model, fields: dict[str, str], exclude: Iterable[str]) -> None:
        """Run the model's own field validation for the fields whose columns have no error yet. Uniqueness and
        constraints are checked for the whole file at once instead, so this costs no query."""
        skip = set(exclude) | {name for name, column in fields.items() if column in self.failed}
        try:
            instance.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = fields.get(name, "" if name == NON_FIELD_ERRORS else name)
                for message in messages:
                    self.error(column, message)


def _as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores typed-in numbers such as phone numbers as floats
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _as_date(value: Cell) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return from_excel(value).date()  # a date cell that lost its date format
        except (ValueError, OverflowError, TypeError):
            return None
    text = _as_text(value).split(" ")[0]
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _normalised(name: str) -> str:
    return "".join(name.replace("（", "(").replace("）", ")").split()).upper()


def _lookup(names: dict[str, tuple[str, ...]], *, with_labels: type[models.TextChoices] | None = None) -> dict:
    table = {_normalised(value): key for key, aliases in names.items() for value in (*aliases, key)}
    if with_labels is not None:
        # Also the labels the portal itself shows, in Chinese and English, so a copied label is understood.
        for language in ("zh-hans", "en"):
            with translation.override(language):
                table.update({_normalised(str(label)): value for value, label in with_labels.choices})
    return table


def _by_chunks(values: Iterable[str]) -> Iterator[list[str]]:
    values = sorted(set(values))
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


def _codes_on_file(codes: Iterable[str]) -> dict[str, int]:
    found = {}
    for chunk in _by_chunks(codes):
        found.update(Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", "pk"))
    return found


def _column(rows: list[tuple[int, dict]], header: str) -> Iterator[str]:
    return (_as_text(values.get(header)) for _number, values in rows)


def _keep(validated: Validated, instance: models.Model) -> None:
    """Keep a valid row's field values for the write (none once a row failed: the file will not be written)."""
    if not validated.errors:
        validated.values.append(tuple(getattr(instance, name) for name in validated.fields))


def _first_seen(seen: dict, key, row: _Row) -> int | None:
    """The row where `key` first appeared in the file, or None (and remember this row) if it is new."""
    first = seen.setdefault(key, row.number)
    return None if first == row.number else first


# What a row writes, in the order Validated.values keeps it.
ENTERPRISE_VALUES = (
    "name",
    "credit_code",
    "legal_representative",
    "address",
    "district_id",
    "area_id",
    "industry_id",
    "scale",
    "established_on",
    "status",
    "contact_person",
    "contact_phone",
)
LICENCE_VALUES = ("enterprise_id", "kind", "number", "scope", "issued_on", "expires_on")

ENTERPRISE_FIELDS = {
    "name": NAME,
    "credit_code": CREDIT_CODE,
    "legal_representative": LEGAL_REPRESENTATIVE,
    "address": ADDRESS,
    "district": DISTRICT,
    "area": AREA,
    "industry": INDUSTRY,
    "scale": SCALE,
    "established_on": ESTABLISHED_ON,
    "status": STATUS,
    "contact_person": CONTACT_PERSON,
    "contact_phone": CONTACT_PHONE,
}
LICENCE_FIELDS = {
    "enterprise": CREDIT_CODE,
    "kind": KIND,
    "number": NUMBER,
    "scope": SCOPE,
    "issued_on": ISSUED_ON,
    "expires_on": EXPIRES_ON,
}


@dataclass
class _Known:
    """What every row of an enterprise file is checked against: the tables loaded once, and the credit codes seen."""

    today: datetime.date
    districts: dict[str, District]
    areas: dict[tuple[int, str], ResponsibilityArea]
    industries: dict[str, Industry]
    scales: dict[str, str]
    statuses: dict[str, str]
    seen: dict[str, int] = field(default_factory=dict)


def validate_enterprises(sheet: Sheet) -> Validated:
    """Validate every row as an Enterprise and collect every error: credit code, district, area, industry, scale,
    date of establishment, status, field lengths, and credit codes repeated in the file or already on file."""
    validated = Validated(fields=ENTERPRISE_VALUES)
    errors = validated.errors
    known = _Known(
        today=timezone.localdate(),
        districts={district.name: district for district in District.objects.all()},
        areas={(area.district_id, area.name): area for area in ResponsibilityArea.objects.all()},
        industries={industry.code: industry for industry in Industry.objects.all()},
        scales=_lookup(SCALE_NAMES),
        statuses=_lookup(STATUS_NAMES),
    )
    for chunk in sheet.chunks():
        on_file = _codes_on_file(normalise_credit_code(code) for code in _column(chunk, CREDIT_CODE))
        for number, values in chunk:
            _validate_enterprise(_Row(number, values, errors), validated, known, on_file)
    validated.errors = _in_column_order(errors, ENTERPRISE_COLUMNS)
    return validated


def _validate_enterprise(row: _Row, validated: Validated, known: _Known, on_file: dict[str, int]) -> None:
    today, districts, areas, industries, seen = known.today, known.districts, known.areas, known.industries, known.seen
    code = row.credit_code()
    if code and CREDIT_CODE not in row.failed:
        if first := _first_seen(seen, code, row):
            row.error(CREDIT_CODE, gettext("The same credit code is already on row %(row)d.") % {"row": first})
        elif code in on_file:
            row.error(CREDIT_CODE, Enterprise._meta.get_field("credit_code").error_messages["unique"])
    district_name = row.text(DISTRICT, required=True)
    district = districts.get(district_name)
    if district_name and district is None:
        row.error(DISTRICT, gettext("No district is called “%(name)s”.") % {"name": district_name})
    area_name = row.text(AREA, required=True)
    area = areas.get((district.pk, area_name)) if district else None
    if district and area_name and area is None:
        row.error(
            AREA,
            gettext("“%(area)s” is not a responsibility area of %(district)s.")
            % {"area": area_name, "district": district.name},
        )
    industry = _industry(row, industries)
    scale = _choice(row, SCALE, SCALE_NAMES, known.scales, required=True)
    established_on = row.date(ESTABLISHED_ON, required=False)
    if established_on and established_on > today:
        row.error(ESTABLISHED_ON, gettext("The date of establishment cannot be in the future."))
    status = _choice(row, STATUS, STATUS_NAMES, known.statuses, required=False) or EnterpriseStatus.ACTIVE
    enterprise = Enterprise(
        name=row.text(NAME, required=True),
        credit_code=code,
        legal_representative=row.text(LEGAL_REPRESENTATIVE, required=True),
        address=row.text(ADDRESS, required=True),
        district=district,
        area=area,
        industry=industry,
        scale=scale,
        established_on=established_on,
        status=status,
        contact_person=row.text(CONTACT_PERSON),
        contact_phone=row.text(CONTACT_PHONE),
    )
    # Foreign keys were resolved from the tables loaded above; validating them again would query per row.
    row.full_clean(enterprise, ENTERPRISE_FIELDS, exclude=["district", "area", "industry", "credit_code"])
    _keep(validated, enterprise)


def _industry(row: _Row, industries: dict[str, Industry]) -> Industry | None:
    raw = row.text(INDUSTRY, required=True).upper()
    if not raw:
        return None
    section, code = (raw[0], raw[1:]) if raw[0].isalpha() else ("", raw)
    if code.isdigit() and len(code) == 1:
        code = code.zfill(2)  # Excel turns 06 typed as a number into 6
    industry = industries.get(code)
    if industry is None:
        row.error(
            INDUSTRY,
            gettext("“%(value)s” is not a known GB/T 4754 division; use a two-digit code such as 14 or C14.")
            % {"value": raw},
        )
    elif section and section != industry.section:
        row.error(
            INDUSTRY,
            gettext("Division %(code)s belongs to section %(section)s, not %(given)s.")
            % {"code": code, "section": industry.section, "given": section},
        )
        return None
    return industry


def _choice(row: _Row, column: str, names: dict[str, tuple[str, ...]], table: dict[str, str], *, required: bool) -> str:
    raw = row.text(column, required=required)
    if not raw:
        return ""
    value = table.get(_normalised(raw))
    if value is None:
        allowed = "、".join(aliases[0] for aliases in names.values())
        row.error(column, gettext("“%(value)s” is not one of: %(allowed)s.") % {"value": raw, "allowed": allowed})
        return ""
    return value


def _in_column_order(errors: list[RowError], columns: Iterable[Column]) -> list[RowError]:
    order = {column.header: index for index, column in enumerate(columns)}
    return sorted(errors, key=lambda error: (error.row, order.get(error.column, len(order))))


def validate_licences(sheet: Sheet) -> Validated:
    """Validate every row as a Licence and collect every error: the enterprise's credit code, the kind, the dates
    (expiry after issue), and licence numbers repeated in the file or already on file for that kind."""
    validated = Validated(fields=LICENCE_VALUES)
    errors = validated.errors
    kinds = _lookup(LICENCE_KIND_NAMES, with_labels=LicenceKind)
    seen: dict[tuple[str, str], int] = {}
    for chunk in sheet.chunks():
        enterprises = _codes_on_file(code.upper() for code in _column(chunk, CREDIT_CODE))
        numbers_on_file = set()
        for numbers in _by_chunks(_column(chunk, NUMBER)):
            numbers_on_file.update(Licence.objects.filter(number__in=numbers).values_list("kind", "number"))
        for number, values in chunk:
            _validate_licence(_Row(number, values, errors), validated, kinds, seen, enterprises, numbers_on_file)
    validated.errors = _in_column_order(errors, LICENCE_COLUMNS)
    return validated


def _validate_licence(
    row: _Row, validated: Validated, kinds: dict, seen: dict, enterprises: dict[str, int], numbers_on_file: set
) -> None:
    code = row.credit_code()
    enterprise_id = enterprises.get(code)
    if code and CREDIT_CODE not in row.failed and enterprise_id is None:
        row.error(CREDIT_CODE, gettext("No enterprise with this credit code is on file; import it first."))
    kind = _choice(row, KIND, LICENCE_KIND_NAMES, kinds, required=True)
    licence_number = row.text(NUMBER, required=True)
    if kind and licence_number:
        if first := _first_seen(seen, (kind, licence_number), row):
            row.error(NUMBER, gettext("The same licence is already on row %(row)d.") % {"row": first})
        elif (kind, licence_number) in numbers_on_file:
            row.error(NUMBER, gettext("A licence of this kind with this number is already on file."))
    issued_on, expires_on = row.date(ISSUED_ON), row.date(EXPIRES_ON)
    if issued_on and expires_on and expires_on <= issued_on:
        row.error(EXPIRES_ON, gettext("A licence must expire after it is issued."))
    licence = Licence(
        enterprise_id=enterprise_id,
        kind=kind,
        number=licence_number,
        scope=row.text(SCOPE),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    row.full_clean(licence, LICENCE_FIELDS, exclude=["enterprise"])
    _keep(validated, licence)


VALIDATORS: dict[str, Callable[[Sheet], Validated]] = {
    ImportKind.ENTERPRISES: validate_enterprises,
    ImportKind.LICENCES: validate_licences,
}
MODELS: dict[str, type[models.Model]] = {ImportKind.ENTERPRISES: Enterprise, ImportKind.LICENCES: Licence}


# Import


def register_import(file: IO[bytes], *, filename: str, kind: str, user, dry_run: bool) -> ImportResult:
    """Read and validate a file of enterprises or licences. Unless this is a dry run and only if every row is
    valid, write all rows in one transaction, set-based, each with a history record attributed to `user`.
    Raises ImportFileError when the file itself cannot be imported."""
    validate = VALIDATORS[kind]
    with read_sheet(file, filename=filename, columns=COLUMNS[kind]) as sheet:
        if dry_run:
            validated = validate(sheet)
            return ImportResult(kind=kind, rows=sheet.count, dry_run=True, errors=validated.errors)
        try:
            with transaction.atomic():
                validated = validate(sheet)
                result = ImportResult(kind=kind, rows=sheet.count, dry_run=False, errors=validated.errors)
                if result.errors:
                    return result
                result.written = _write(MODELS[kind], validated, user=user, reason=f"import {Path(filename).name}")
        except IntegrityError as error:
            # Someone saved the same credit code or licence between our check and our write.
            raise ImportFileError(
                gettext("The register changed while the file was being imported, so nothing was written. Try again.")
            ) from error
    return result


def _write(model: type[models.Model], validated: Validated, *, user, reason: str) -> int:
    """Insert the rows in batches, each batch with its history records in bulk (inside the caller's transaction)."""
    values, validated.values = validated.values, []
    for start in range(0, len(values), WRITE_BATCH):
        batch = [model(**dict(zip(validated.fields, row, strict=True))) for row in values[start : start + WRITE_BATCH]]
        bulk_create_with_history(
            batch, model, batch_size=WRITE_BATCH, default_user=user, default_change_reason=reason[:100]
        )
    return len(values)
