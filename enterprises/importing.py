"""Bulk import of the enterprise register from the bureau's own spreadsheets (.xlsx or .csv, Chinese headers).

Reading turns a file into numbered rows; validation collects every error of every row; nothing is written unless the
whole file is valid, and then all of it is written in one transaction, each row saved with its change history.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import openpyxl
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from core.credit_code import normalise_credit_code
from enterprises.choices import EnterpriseStatus, LicenceKind, Scale
from enterprises.credit_code import validate_credit_code
from enterprises.models import District, Enterprise, Industry, Licence, ResponsibilityArea

MAX_ROWS = 20_000
# Excel keeps styled but empty rows; past this many rows of any kind the sheet is refused without reading on.
MAX_SHEET_ROWS = 10 * MAX_ROWS
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
    """The data rows of a file, each as (spreadsheet row number, {header: value}) for the known columns."""

    headers: list[str]
    rows: list[tuple[int, dict[str, Cell]]]


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


def read_sheet(file: IO[bytes], *, filename: str, columns: Iterable[Column]) -> Sheet:
    """Read the first sheet of an .xlsx file or a .csv file: headers from row 1, whitespace stripped, blank rows
    dropped. Raises ImportFileError for an unknown type, an unreadable file, missing headers or too many rows."""
    readers = {".xlsx": _xlsx_rows, ".csv": _csv_rows}
    reader = readers.get(Path(filename).suffix.lower())
    if reader is None:
        raise ImportFileError(gettext("Only Excel (.xlsx) and CSV (.csv) files can be imported."))
    rows = reader(file)
    try:
        return _sheet_from_rows(rows, columns)
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


def _sheet_from_rows(rows: Iterable[Iterable[Cell]], columns: Iterable[Column]) -> Sheet:
    rows = iter(rows)
    header_cells = next(rows, None)
    if header_cells is None:
        raise ImportFileError(gettext("The file is empty."))
    headers = [_header(cell) for cell in header_cells]
    _check_headers(headers, columns)
    known = {column.header for column in columns}
    data = []
    for number, cells in enumerate(rows, start=FIRST_DATA_ROW):
        if number > MAX_SHEET_ROWS:
            raise ImportFileError(
                gettext("The sheet has more than %(limit)s rows, blank ones included; delete the blank rows.")
                % {"limit": f"{MAX_SHEET_ROWS:,}"}
            )
        values = [_clean(cell) for cell in cells]
        if all(value in ("", None) for value in values):
            continue
        if len(data) == MAX_ROWS:
            raise ImportFileError(
                gettext("The file has more than %(limit)s data rows; split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        data.append((number, {h: v for h, v in zip(headers, values, strict=False) if h in known}))
    if not data:
        raise ImportFileError(gettext("The file has a header row but no data rows."))
    return Sheet(headers=headers, rows=data)


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


def _column(sheet: Sheet, header: str) -> Iterator[str]:
    return (_as_text(values.get(header)) for _number, values in sheet.rows)


def _first_seen(seen: dict, key, row: _Row) -> int | None:
    """The row where `key` first appeared in the file, or None (and remember this row) if it is new."""
    first = seen.setdefault(key, row.number)
    return None if first == row.number else first


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


def validate_enterprises(sheet: Sheet) -> tuple[list[Enterprise], list[RowError]]:
    """Build an unsaved Enterprise for every row and collect every error: credit code, district, area, industry,
    scale, date of establishment, status, field lengths, and credit codes repeated in the file or already on file."""
    errors: list[RowError] = []
    today = timezone.localdate()
    districts = {district.name: district for district in District.objects.all()}
    areas = {(area.district_id, area.name): area for area in ResponsibilityArea.objects.all()}
    industries = {industry.code: industry for industry in Industry.objects.all()}
    on_file = _codes_on_file(normalise_credit_code(code) for code in _column(sheet, CREDIT_CODE))
    scales, statuses = _lookup(SCALE_NAMES), _lookup(STATUS_NAMES)
    seen: dict[str, int] = {}
    enterprises = []
    for number, values in sheet.rows:
        row = _Row(number, values, errors)
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
        scale = _choice(row, SCALE, SCALE_NAMES, scales, required=True)
        established_on = row.date(ESTABLISHED_ON, required=False)
        if established_on and established_on > today:
            row.error(ESTABLISHED_ON, gettext("The date of establishment cannot be in the future."))
        status = _choice(row, STATUS, STATUS_NAMES, statuses, required=False) or EnterpriseStatus.ACTIVE
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
        enterprises.append(enterprise)
    return enterprises, _in_column_order(errors, ENTERPRISE_COLUMNS)


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


def validate_licences(sheet: Sheet) -> tuple[list[Licence], list[RowError]]:
    """Build an unsaved Licence for every row and collect every error: the enterprise's credit code, the kind,
    the dates (expiry after issue), and licence numbers repeated in the file or already on file for that kind."""
    errors: list[RowError] = []
    enterprises = _codes_on_file(code.upper() for code in _column(sheet, CREDIT_CODE))
    kinds = _lookup(LICENCE_KIND_NAMES, with_labels=LicenceKind)
    numbers_on_file = set()
    for chunk in _by_chunks(_column(sheet, NUMBER)):
        numbers_on_file.update(Licence.objects.filter(number__in=chunk).values_list("kind", "number"))
    seen: dict[tuple[str, str], int] = {}
    licences = []
    for number, values in sheet.rows:
        row = _Row(number, values, errors)
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
        licences.append(licence)
    return licences, _in_column_order(errors, LICENCE_COLUMNS)


VALIDATORS: dict[str, Callable[[Sheet], tuple[list, list[RowError]]]] = {
    ImportKind.ENTERPRISES: validate_enterprises,
    ImportKind.LICENCES: validate_licences,
}


# Import


def register_import(file: IO[bytes], *, filename: str, kind: str, user, dry_run: bool) -> ImportResult:
    """Read and validate a file of enterprises or licences. Unless this is a dry run and only if every row is
    valid, write all rows in one transaction, each saved with a history record attributed to `user`.
    Raises ImportFileError when the file itself cannot be imported."""
    sheet = read_sheet(file, filename=filename, columns=COLUMNS[kind])
    validate = VALIDATORS[kind]
    result = ImportResult(kind=kind, rows=len(sheet.rows), dry_run=dry_run)
    if dry_run:
        result.errors = validate(sheet)[1]
        return result
    try:
        with transaction.atomic():
            instances, result.errors = validate(sheet)
            if result.errors:
                return result
            reason = f"import {Path(filename).name}"[:100]
            for instance in instances:
                instance._history_user = user
                instance._change_reason = reason
                instance.save()
    except IntegrityError as error:
        # Someone saved the same credit code or licence between our check and our write.
        raise ImportFileError(
            gettext("The register changed while the file was being imported, so nothing was written. Try again.")
        ) from error
    result.written = len(instances)
    return result
