"""The dashboard as an .xlsx workbook: a first sheet saying what it covers, then one sheet per table, with the same
numbers as the page (percentages as Excel percentages)."""

import io
import re

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from analysis.selectors import Dashboard
from analysis.tables import PERCENT, TEXT, Cell, Table

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT_FORMAT = "0.0%"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
SHEET_TITLE_MAX = 31
NOT_ALLOWED_IN_TITLES = re.compile(r"[\[\]:*?/\\]")


def dashboard_export(dashboard: Dashboard) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    titles: set[str] = set()
    _about(workbook, dashboard, _unique_title(_("About"), titles))
    for section in dashboard.sections:
        for table in section.tables:
            _table_sheet(workbook, table, _unique_title(str(table.title), titles))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _about(workbook: openpyxl.Workbook, dashboard: Dashboard, title: str) -> None:
    sheet = workbook.create_sheet(title)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 48
    filters = dashboard.filters
    as_of = dashboard.summary_as_of
    rows = [
        (_("Leaders' dashboard"), ""),
        (_("Quarters"), f"{filters.start.label} – {filters.end.label}"),
        (_("District"), filters.district.name if filters.district else _("Whole city")),
        (_("Generated at"), f"{timezone.localtime(dashboard.generated_at):{DATETIME_FORMAT}}"),
        (
            _("Spot-check figures as of"),
            f"{timezone.localtime(as_of):{DATETIME_FORMAT}}" if as_of else _("not computed yet"),
        ),
    ]
    for index, (label, value) in enumerate(rows):
        sheet.append([_bold(sheet, label) if index == 0 else label, value])
    sheet.append([])
    for section in dashboard.sections:
        if section.note:
            sheet.append([str(section.title), str(section.note)])


def _table_sheet(workbook: openpyxl.Workbook, table: Table, title: str) -> None:
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 32 if column.kind == TEXT else 16
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, str(column.label)) for column in table.columns])
    for row in table.body():
        sheet.append([_cell(sheet, cell) for cell in row])
    footer = table.footer()
    if footer is not None:
        sheet.append([_cell(sheet, cell, bold=True) for cell in footer])


def _bold(sheet: WriteOnlyWorksheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet: WriteOnlyWorksheet, cell: Cell, *, bold: bool = False):
    value = cell.value
    if value is None:
        return None
    if cell.kind == PERCENT:
        written = WriteOnlyCell(sheet, value=value / 100)
        written.number_format = PERCENT_FORMAT
    elif cell.kind == TEXT:
        written = WriteOnlyCell(sheet, value=str(value))
        written.data_type = "s"  # names typed by users (a complaint's product) never become formulas
    else:
        written = WriteOnlyCell(sheet, value=value)
    if bold:
        written.font = Font(bold=True)
    return written


def _unique_title(title: str, taken: set[str]) -> str:
    """A valid sheet title (at most 31 characters, none of []:*?/\\), not yet used in this workbook."""
    base = NOT_ALLOWED_IN_TITLES.sub(" ", title).strip()[:SHEET_TITLE_MAX] or "Sheet"
    candidate, number = base, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate
