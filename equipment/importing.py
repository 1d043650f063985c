"""Import of the equipment register and of periodic-inspection results from the inspection institutions' files
(.xlsx or .csv, Chinese headers), by the enterprise import's rules: a dry run only checks; otherwise nothing is
written unless every row is valid, and then all rows are written in one transaction, each with its history.
Every error of every row is reported with its row number and column. (The reading mirrors enterprises.importing,
which is not a public module of enterprises.)"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import openpyxl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from core.credit_code import normalise_credit_code
from core.transitions import require_perm
from enterprises.selectors import districts, enterprises_on_file
from equipment import services
from equipment.choices import Conclusion
from equipment.models import Category, Unit

MAX_ROWS = 20_000
MAX_SHEET_ROWS = 10 * MAX_ROWS
FIRST_DATA_ROW = 2
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
QUERY_CHUNK = 900
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")

Cell = str | int | float | datetime.date | None


class ImportKind(models.TextChoices):
    UNITS = "units", pgettext_lazy("what an import file holds", "Equipment units")
    INSPECTIONS = "inspections", pgettext_lazy("what an import file holds", "Periodic inspection results")


@dataclass(frozen=True)
class Column:
    header: str
    required: bool
    hint: str = ""


# The institutions' column names are data, not interface text: they stay Chinese in every language.
CODE, CATEGORY, CREDIT_CODE = "设备代码", "设备类别", "使用单位统一社会信用代码"
DISTRICT, ADDRESS, BUILDING = "区县", "地址", "楼栋或位置"
MAKER, MODEL, SERIAL = "制造单位", "型号", "出厂编号"
MADE_ON, INSTALLED_ON, IN_USE_ON = "制造日期", "安装日期", "投入使用日期"
REGISTRATION, LAST_INSPECTED, CONCLUSION, NEXT_DUE = "使用登记证编号", "检验日期", "检验结论", "下次检验日期"
REPORT, INSTITUTION, DEFECTS = "报告编号", "检验机构", "主要问题"

UNIT_COLUMNS = (
    Column(CODE, True),
    Column(CATEGORY, True, _("A category name or its catalogue code, e.g. 电梯 or 3000")),
    Column(CREDIT_CODE, True, _("The using unit must already be on file")),
    Column(DISTRICT, False, _("Blank: the using unit's district")),
    Column(ADDRESS, True),
    Column(BUILDING, False),
    Column(MAKER, False),
    Column(MODEL, False),
    Column(SERIAL, False),
    Column(MADE_ON, False),
    Column(INSTALLED_ON, False),
    Column(IN_USE_ON, True),
    Column(REGISTRATION, False, _("Blank if not yet registered")),
    Column(LAST_INSPECTED, False, _("The last periodic inspection, if any")),
    Column(CONCLUSION, False, "合格 / 复检合格 / 不合格"),
    Column(NEXT_DUE, False, _("Blank: the last inspection plus the category's interval")),
)
INSPECTION_COLUMNS = (
    Column(CODE, True, _("The unit must already be on the register")),
    Column(LAST_INSPECTED, True),
    Column(REPORT, True),
    Column(CONCLUSION, True, "合格 / 复检合格 / 不合格"),
    Column(INSTITUTION, False),
    Column(DEFECTS, False, _("Required for a failed inspection")),
    Column(NEXT_DUE, False, _("Blank: the inspection date plus the category's interval")),
)
COLUMNS = {ImportKind.UNITS: UNIT_COLUMNS, ImportKind.INSPECTIONS: INSPECTION_COLUMNS}
CONCLUSION_NAMES = {
    Conclusion.PASS: ("合格", "符合要求"),
    Conclusion.PASS_AFTER_REINSPECTION: ("复检合格", "整改后合格"),
    Conclusion.FAIL: ("不合格", "不符合要求"),
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported: wrong type, unreadable, missing headers or too many rows."""

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
    kind: str
    rows: int
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    written: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors


# Reading


def read_rows(file: IO[bytes], *, filename: str, columns: Iterable[Column]) -> list[tuple[int, dict[str, Cell]]]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(file)
    elif suffix == ".csv":
        rows = _csv_rows(file)
    else:
        raise ImportFileError(gettext("Only Excel (.xlsx) and CSV (.csv) files can be imported."))
    try:
        return _data_rows(rows, columns)
    finally:
        rows.close()


def _xlsx_rows(file: IO[bytes]) -> Iterator[tuple[Cell, ...]]:
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl fails on a broken file with many exception types
        raise ImportFileError(gettext("The file could not be read as an Excel workbook (.xlsx).")) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(gettext("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
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


def _data_rows(rows, columns: Iterable[Column]) -> list[tuple[int, dict[str, Cell]]]:
    rows = iter(rows)
    header_cells = next(rows, None)
    if header_cells is None:
        raise ImportFileError(gettext("The file is empty."))
    headers = ["" if cell is None else str(cell).strip().rstrip("*＊").strip() for cell in header_cells]
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
    known = {column.header for column in columns}
    data = []
    for number, cells in enumerate(rows, start=FIRST_DATA_ROW):
        if number > MAX_SHEET_ROWS:
            raise ImportFileError(
                gettext("The sheet has more than %(limit)s rows, blank ones included; delete the blank rows.")
                % {"limit": f"{MAX_SHEET_ROWS:,}"}
            )
        values = [cell.strip() if isinstance(cell, str) else cell for cell in cells]
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
    return data


def _as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
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
            return from_excel(value).date()
        except (ValueError, OverflowError, TypeError):
            return None
    text = _as_text(value).split(" ")[0]
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


class _Row:
    def __init__(self, number: int, values: dict[str, Cell], errors: list[RowError]) -> None:
        self.number, self.values, self._errors = number, values, errors
        self.failed = False

    def error(self, column: str, reason) -> None:
        self.failed = True
        self._errors.append(RowError(row=self.number, column=column, reason=str(reason)))

    def text(self, column: str, *, required: bool = False) -> str:
        value = _as_text(self.values.get(column))
        if required and not value:
            self.error(column, gettext("This column must be filled in."))
        return value

    def date(self, column: str, *, required: bool = False) -> datetime.date | None:
        value = self.values.get(column)
        if value in ("", None):
            if required:
                self.error(column, gettext("This column must be filled in."))
            return None
        parsed = _as_date(value)
        if parsed is None:
            self.error(column, gettext("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value})
        return parsed

    def service_errors(self, error: ValidationError, columns: dict[str, str]) -> None:
        for name, messages in error.message_dict.items():
            for message in messages:
                self.error(columns.get(name, ""), message)


def _normalised(name: str) -> str:
    return "".join(name.replace("（", "(").replace("）", ")").split()).upper()


def _conclusions() -> dict[str, str]:
    table = {_normalised(alias): key for key, aliases in CONCLUSION_NAMES.items() for alias in (*aliases, key)}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            table.update({_normalised(str(label)): value for value, label in Conclusion.choices})
    return table


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    values = sorted(set(values))
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


UNIT_FIELD_COLUMNS = {
    "equipment_code": CODE,
    "category": CATEGORY,
    "using_unit": CREDIT_CODE,
    "district": DISTRICT,
    "address": ADDRESS,
    "building": BUILDING,
    "maker": MAKER,
    "model_name": MODEL,
    "serial_number": SERIAL,
    "made_on": MADE_ON,
    "installed_on": INSTALLED_ON,
    "put_into_use_on": IN_USE_ON,
    "registration_number": REGISTRATION,
    "last_inspected_on": LAST_INSPECTED,
    "last_conclusion": CONCLUSION,
    "next_inspection_due": NEXT_DUE,
}
INSPECTION_FIELD_COLUMNS = {
    "unit": CODE,
    "inspected_on": LAST_INSPECTED,
    "report_number": REPORT,
    "conclusion": CONCLUSION,
    "institution": INSTITUTION,
    "defects": DEFECTS,
    "next_due_on": NEXT_DUE,
}


def validate_units(rows, *, actor) -> tuple[list[Unit], list[RowError]]:
    """An unsaved Unit for every row, and every error: category, using unit, district, dates, conclusion, field
    lengths, codes and registration numbers repeated in the file or already on the register."""
    errors: list[RowError] = []
    today = timezone.localdate()
    categories = {}
    for category in Category.objects.all():
        categories[_normalised(category.code)] = categories[_normalised(category.name)] = category
    codes = {normalise_credit_code(_as_text(values.get(CREDIT_CODE))) for _n, values in rows}
    enterprises = {}
    for chunk in _chunks(code for code in codes if code):
        enterprises.update({e.credit_code: e for e in enterprises_on_file().filter(credit_code__in=chunk)})
    district_names = {_normalised(d.name): d for d in districts()}
    conclusions = _conclusions()
    units, seen_codes, seen_numbers = [], {}, {}
    for number, values in rows:
        row = _Row(number, values, errors)
        code = row.text(CODE, required=True).upper()
        category = categories.get(_normalised(row.text(CATEGORY, required=True)))
        if category is None and row.text(CATEGORY):
            row.error(CATEGORY, gettext("Not a category of the catalogue."))
        credit_code = normalise_credit_code(row.text(CREDIT_CODE, required=True))
        enterprise = enterprises.get(credit_code)
        if enterprise is None and credit_code:
            row.error(CREDIT_CODE, gettext("No enterprise with this credit code is on file."))
        district = None
        if row.text(DISTRICT):
            district = district_names.get(_normalised(row.text(DISTRICT)))
            if district is None:
                row.error(DISTRICT, gettext("No district of this name is on file."))
        conclusion = ""
        if row.text(CONCLUSION):
            conclusion = conclusions.get(_normalised(row.text(CONCLUSION)), "")
            if not conclusion:
                row.error(CONCLUSION, gettext("Write 合格, 复检合格 or 不合格."))
        unit_values = {
            "equipment_code": code,
            "category": category,
            "using_unit": enterprise,
            "district": district or (enterprise.district if enterprise else None),
            "address": row.text(ADDRESS, required=True),
            "building": row.text(BUILDING),
            "maker": row.text(MAKER),
            "model_name": row.text(MODEL),
            "serial_number": row.text(SERIAL),
            "made_on": row.date(MADE_ON),
            "installed_on": row.date(INSTALLED_ON),
            "put_into_use_on": row.date(IN_USE_ON, required=True),
            "registration_number": row.text(REGISTRATION),
            "last_inspected_on": row.date(LAST_INSPECTED),
            "last_conclusion": conclusion,
            "next_inspection_due": row.date(NEXT_DUE),
        }
        registration_number = unit_values["registration_number"].upper()
        first = seen_codes.setdefault(code, number) if code else number
        if first != number:
            row.error(CODE, gettext("Repeats the equipment code of row %(row)s.") % {"row": first})
        if registration_number:
            first = seen_numbers.setdefault(registration_number, number)
            if first != number:
                row.error(REGISTRATION, gettext("Repeats the registration number of row %(row)s.") % {"row": first})
        if row.failed:
            continue
        try:
            units.append(services.unit_build(actor=actor, values=unit_values, today=today))
        except ValidationError as error:
            row.service_errors(error, UNIT_FIELD_COLUMNS)
    return units, sorted(errors, key=lambda error: error.row)


def validate_inspections(rows, *, actor) -> tuple[list[tuple[Unit, dict]], list[RowError]]:
    """Each row's unit and inspection values, and every error (the whole file checked before anything is
    written): unknown units, dates, conclusions, missing defects of a fail, report numbers repeated or on file."""
    errors: list[RowError] = []
    today = timezone.localdate()
    codes = {_as_text(values.get(CODE)).upper() for _n, values in rows}
    units = {}
    for chunk in _chunks(code for code in codes if code):
        found = Unit.objects.select_related("category").filter(equipment_code__in=chunk)
        units.update({unit.equipment_code: unit for unit in found})
    conclusions = _conclusions()
    accepted, seen = [], {}
    for number, values in rows:
        row = _Row(number, values, errors)
        code = row.text(CODE, required=True).upper()
        unit = units.get(code)
        if unit is None and code:
            row.error(CODE, gettext("No unit with this equipment code is on the register."))
        conclusion = conclusions.get(_normalised(row.text(CONCLUSION, required=True)), "")
        if not conclusion and row.text(CONCLUSION):
            row.error(CONCLUSION, gettext("Write 合格, 复检合格 or 不合格."))
        report = row.text(REPORT, required=True).upper()
        first = seen.setdefault((code, report), number)
        if report and first != number:
            row.error(REPORT, gettext("Repeats the report of row %(row)s.") % {"row": first})
        inspection_values = {
            "inspected_on": row.date(LAST_INSPECTED, required=True),
            "report_number": report,
            "conclusion": conclusion,
            "institution": row.text(INSTITUTION),
            "defects": row.text(DEFECTS),
            "next_due_on": row.date(NEXT_DUE),
        }
        if row.failed:
            continue
        try:
            services.inspection_build(actor=actor, unit=unit, today=today, **inspection_values)
        except ValidationError as error:
            row.service_errors(error, INSPECTION_FIELD_COLUMNS)
            continue
        accepted.append((unit, inspection_values))
    return accepted, sorted(errors, key=lambda error: error.row)


def equipment_import(file: IO[bytes], *, filename: str, kind: str, actor, dry_run: bool) -> ImportResult:
    """Read and validate a file of units or of inspection results; unless a dry run, and only if every row is
    valid, write them all in one transaction (inspections in date order, so a re-inspection follows its fail).
    Raises ImportFileError when the file itself cannot be imported, PermissionDenied for anyone but the section."""
    require_perm(actor, "equipment.import")
    rows = read_rows(file, filename=filename, columns=COLUMNS[kind])
    result = ImportResult(kind=kind, rows=len(rows), dry_run=dry_run)
    validate = validate_units if kind == ImportKind.UNITS else validate_inspections
    reason = f"import {Path(filename).name}"[:100]
    try:
        with transaction.atomic():
            records, result.errors = validate(rows, actor=actor)
            if dry_run or result.errors:
                return result
            if kind == ImportKind.UNITS:
                services.units_import_write(actor=actor, units=records, reason=reason)
            else:
                for unit, values in sorted(records, key=lambda record: record[1]["inspected_on"]):
                    services.inspection_record(actor=actor, unit=unit, imported=True, **values)
    except IntegrityError as error:
        raise ImportFileError(
            gettext("The register changed while the file was being imported, so nothing was written. Try again.")
        ) from error
    result.written = len(records)
    return result
