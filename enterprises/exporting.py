"""Export of the enterprise register to .xlsx, in the same Chinese columns the import reads, and import templates."""

import datetime
import io

import openpyxl
from django.db.models import Prefetch, QuerySet
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from enterprises.choices import LicenceKind
from enterprises.credit_code import build_credit_code
from enterprises.importing import (
    COLUMNS,
    ENTERPRISE_COLUMNS,
    LICENCE_KIND_NAMES,
    SCALE_NAMES,
    STATUS_NAMES,
    ImportKind,
)
from enterprises.models import District, Enterprise, Licence, ResponsibilityArea

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LICENCES_HEADER = "持有证照"
NEXT_EXPIRY_HEADER = "最近证照到期"
DATE_FORMAT = "yyyy-mm-dd"
# Rows are read in chunks, each with one query for its licences, so memory and queries stay bounded.
CHUNK_SIZE = 900
TEMPLATE_SHEET_TITLES = {ImportKind.ENTERPRISES: "企业", ImportKind.LICENCES: "证照"}
COLUMN_WIDTHS = {
    "企业名称": 32,
    "统一社会信用代码": 22,
    "地址": 36,
    "证照类别": 24,
    "证书编号": 22,
    "范围": 30,
    LICENCES_HEADER: 48,
}


def register_export(enterprises: QuerySet[Enterprise]) -> bytes:
    """The enterprises as an .xlsx workbook: the enterprise import columns (so the file can be imported again),
    then the licences held and the nearest licence expiry. Two queries per chunk of rows, whatever the size."""
    headers = [column.header for column in ENTERPRISE_COLUMNS] + [LICENCES_HEADER, NEXT_EXPIRY_HEADER]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = _sheet(workbook, "企业档案", headers)
    licences = Prefetch("licences", queryset=Licence.objects.order_by("kind", "number"))
    rows = enterprises.select_related("district", "area", "industry").prefetch_related(licences)
    for enterprise in rows.iterator(chunk_size=CHUNK_SIZE):
        sheet.append([_cell(sheet, value) for value in _enterprise_row(enterprise)])
    return _saved(workbook)


def _enterprise_row(enterprise: Enterprise) -> list:
    held = list(enterprise.licences.all())
    return [
        enterprise.name,
        enterprise.credit_code,
        enterprise.legal_representative,
        enterprise.address,
        enterprise.district.name,
        enterprise.area.name,
        enterprise.industry.code,
        SCALE_NAMES[enterprise.scale][0],
        enterprise.established_on,
        STATUS_NAMES[enterprise.status][0],
        enterprise.contact_person,
        enterprise.contact_phone,
        "；".join(f"{LICENCE_KIND_NAMES[licence.kind][0]} {licence.number}" for licence in held),
        min((licence.expires_on for licence in held), default=None),
    ]


def import_template(kind: str) -> bytes:
    """A workbook to fill in for an import of this kind: the header row (required columns marked with *)
    and one example row to overwrite."""
    columns = COLUMNS[kind]
    workbook = openpyxl.Workbook(write_only=True)
    headers = [f"{column.header}*" if column.required else column.header for column in columns]
    sheet = _sheet(workbook, TEMPLATE_SHEET_TITLES[kind], headers)
    example = _enterprise_example() if kind == ImportKind.ENTERPRISES else _licence_example()
    sheet.append([_cell(sheet, example.get(column.header, "")) for column in columns])
    return _saved(workbook)


def _enterprise_example() -> dict:
    # Real district and area names from the register, so the example row is itself valid.
    area = ResponsibilityArea.objects.select_related("district").order_by("district__code", "name").first()
    district = area.district if area else District(code="430602", name="岳阳楼区")
    return {
        "企业名称": "岳阳市示例食品有限公司",
        "统一社会信用代码": build_credit_code(division_code=district.code, organisation_base="MA4L0001"),
        "法定代表人": "张三",
        "地址": f"岳阳市{district.name}建设路1号",
        "区县": district.name,
        "责任区": area.name if area else "城东责任区",
        "行业代码": "14",
        "规模": "规上",
        "成立日期": datetime.date(2015, 6, 18),
        "状态": "正常",
        "联系人": "李四",
        "联系电话": "0730-8888888",
    }


def _licence_example() -> dict:
    return {
        "统一社会信用代码": build_credit_code(division_code="430602", organisation_base="MA4L0001"),
        "证照类别": LICENCE_KIND_NAMES[LicenceKind.FOOD_PRODUCTION][0],
        "证书编号": "SC10643060200001",
        "范围": "糕点",
        "发证日期": datetime.date(2024, 1, 1),
        "有效期至": datetime.date(2029, 1, 1),
    }


def _sheet(workbook: openpyxl.Workbook, title: str, headers: list[str]) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(title[:31])
    for index, header in enumerate(headers, start=1):
        width = COLUMN_WIDTHS.get(header.rstrip("*"), 14)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    return sheet


def _cell(sheet: WriteOnlyWorksheet, value):
    """The value as written: plain (fast) unless it is a date to format or text that looks like a formula."""
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text typed by users must never become a formula when the file is opened
        return cell
    return value


def _saved(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
