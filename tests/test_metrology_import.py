"""The import of the verification institutions' records: a dry run writes nothing, a file with one bad row writes
nothing and lists every error with its row and column, a good file writes every row."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from metrology.importing import ImportFileError, verification_import
from metrology.models import Instrument, Verification
from tests.clients import signed_in
from tests.factories_metrology import InstrumentFactory, category, metrology_staff

pytestmark = pytest.mark.django_db
HEADERS = ["器具类别", "出厂编号", "制造单位", "检定日期", "检定结论", "证书编号", "检定机构", "有效期至"]


def csv_file(rows, headers=HEADERS) -> io.BytesIO:
    lines = [",".join(headers)] + [",".join(str(cell) for cell in row) for row in rows]
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8-sig"))


def xlsx_file(rows) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def staff(db):
    return metrology_staff()


def test_a_valid_file_is_checked_then_written(staff):
    overdue = InstrumentFactory(next_due_on=timezone.localdate() - datetime.timedelta(days=3), serial="D-1")
    scale = InstrumentFactory(category=category("trade_scale"), serial="S-1")
    day = timezone.localdate() - datetime.timedelta(days=1)
    rows = [
        ["燃油加油机（每支枪）", "D-1", "", day.isoformat(), "合格", "JD-NEW-1", "岳阳市计量所", ""],
        ["trade_scale", "S-1", scale.maker, day.strftime("%Y/%m/%d"), "不合格", "BHG-1", "岳阳市计量所", ""],
    ]
    result = verification_import(actor=staff, file=csv_file(rows), filename="a.csv", dry_run=True)
    assert result.is_valid and result.rows == 2 and result.written == 0
    assert not Verification.objects.exists()
    result = verification_import(actor=staff, file=xlsx_file(rows), filename="a.xlsx", dry_run=False)
    assert result.is_valid and result.written == 2
    overdue.refresh_from_db()
    scale.refresh_from_db()
    assert overdue.certificate_number == "JD-NEW-1" and not overdue.not_for_trade_on(timezone.localdate())
    assert scale.last_result == "failed" and scale.not_for_trade_on(timezone.localdate())


def test_one_bad_row_writes_nothing_and_every_error_is_listed(staff):
    InstrumentFactory(serial="D-1")
    InstrumentFactory(serial="TWIN", maker="甲")
    InstrumentFactory(serial="TWIN", maker="乙")
    day = timezone.localdate().isoformat()
    rows = [
        ["fuel_dispenser", "D-1", "", day, "合格", "OK-1", "所", ""],
        ["fuel_dispenser", "NOPE", "", day, "合格", "X", "所", ""],
        ["no_such", "D-1", "", day, "合格", "X", "所", ""],
        ["fuel_dispenser", "D-1", "", "yesterday", "良", "X", "所", ""],
        ["fuel_dispenser", "TWIN", "", day, "合格", "X", "所", ""],
        ["fuel_dispenser", "D-1", "", "2999-01-01", "合格", "Y", "所", ""],
        ["fuel_dispenser", "D-1", "", day, "合格", "OK-1", "所", ""],
        ["fuel_dispenser", "D-1", "", day, "合格", "Z", "", ""],
    ]
    with translation.override("en"):
        result = verification_import(actor=staff, file=csv_file(rows), filename="a.csv", dry_run=False)
    assert result.written == 0 and not Verification.objects.exists()
    found = {(error.row, error.column) for error in result.errors}
    assert {(3, "出厂编号"), (4, "器具类别"), (5, "检定日期"), (5, "检定结论"), (6, "制造单位"), (9, "检定机构"),
            (7, "检定日期"), (8, "证书编号")} <= found  # fmt: skip
    assert not any(error.row == 2 for error in result.errors)


def test_a_file_of_the_wrong_shape_is_refused(staff):
    with pytest.raises(ImportFileError):
        verification_import(actor=staff, file=io.BytesIO(b"x"), filename="a.txt", dry_run=True)
    with pytest.raises(ImportFileError):
        verification_import(actor=staff, file=csv_file([], headers=["器具类别"]), filename="a.csv", dry_run=True)
    with pytest.raises(ImportFileError):
        verification_import(actor=staff, file=io.BytesIO(b"not a zip"), filename="a.xlsx", dry_run=True)
    with pytest.raises(ImportFileError):
        verification_import(actor=staff, file=io.BytesIO("\ud800".encode("utf-8", "surrogatepass")), filename="a.csv",
                            dry_run=True)  # fmt: skip


def test_only_the_section_imports(actors):
    for role in (Role.SUPERVISOR, Role.ENTERPRISE, Role.INSPECTOR):
        with pytest.raises(PermissionDenied):
            verification_import(actor=actors[role], file=csv_file([]), filename="a.csv", dry_run=True)


def test_the_import_page(client, staff):
    InstrumentFactory(serial="D-9")
    signed_in(client, staff)
    day = timezone.localdate().isoformat()
    upload = csv_file([["fuel_dispenser", "D-9", "", day, "合格", "JD-9", "所", ""]])
    upload.name = "records.csv"
    page = client.post(reverse("metrology:verification_import"), {"file": upload, "dry_run": "on"})
    assert page.status_code == 200 and page.context["result"].is_valid
    upload = csv_file([["fuel_dispenser", "D-9", "", day, "合格", "JD-9", "所", ""]])
    upload.name = "records.csv"
    assert client.post(reverse("metrology:verification_import"), {"file": upload}).status_code == 302
    assert Instrument.objects.get(serial="D-9").certificate_number == "JD-9"
