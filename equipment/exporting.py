"""Export of the filtered equipment register to .xlsx, in the import's Chinese columns (so the file can be read
back) followed by the status and whether the unit must not be used; and the import templates."""

import datetime
import io

import openpyxl
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from equipment.choices import Conclusion, UnitStatus
from equipment.importing import COLUMNS, CONCLUSION_NAMES, UNIT_COLUMNS
from equipment.models import Unit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_HEADER, MUST_NOT_HEADER = "状态", "不得使用"
STATUS_NAMES = {
    UnitStatus.IN_USE: "在用",
    UnitStatus.STOPPED: "停用",
    UnitStatus.SCRAPPED: "报废",
    UnitStatus.CANCELLED: "注销",
}
CHUNK_SIZE = 2000


def _cell(sheet, value):
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text typed by users never becomes a formula
        return cell
    return value


def _header_row(sheet, headers):
    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def _saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def units_export(units: QuerySet[Unit]) -> bytes:
    """The units as an .xlsx workbook; one query per chunk of rows, whatever the size."""
    today = timezone.localdate()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("特种设备")
    _header_row(sheet, [column.header for column in UNIT_COLUMNS] + [STATUS_HEADER, MUST_NOT_HEADER])
    rows = units.select_related("category", "using_unit", "district").order_by("equipment_code", "pk")
    for unit in rows.iterator(chunk_size=CHUNK_SIZE):
        conclusion = CONCLUSION_NAMES[unit.last_conclusion][0] if unit.last_conclusion in Conclusion.values else ""
        values = [
            unit.equipment_code,
            unit.category.name,
            unit.using_unit.credit_code,
            unit.district.name,
            unit.address,
            unit.building,
            unit.maker,
            unit.model_name,
            unit.serial_number,
            unit.made_on,
            unit.installed_on,
            unit.put_into_use_on,
            unit.registration_number,
            unit.last_inspected_on,
            conclusion,
            unit.next_inspection_due,
            STATUS_NAMES[unit.status],
            "是" if unit.must_not_be_used(today) else "",
        ]
        sheet.append([_cell(sheet, value) for value in values])
    return _saved(workbook)


def import_template(kind: str) -> bytes:
    """An empty workbook with the import's headers, required ones starred."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("导入")
    _header_row(sheet, [column.header + ("*" if column.required else "") for column in COLUMNS[kind]])
    return _saved(workbook)
