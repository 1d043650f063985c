"""Bulk import (dry run, row errors, all-or-nothing writes) and export of the register, and who may do either."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.credit_code import build_credit_code
from enterprises import importing
from enterprises.choices import EnterpriseStatus, LicenceKind, Scale
from enterprises.exporting import import_template, register_export
from enterprises.importing import (
    ENTERPRISE_COLUMNS,
    LICENCE_COLUMNS,
    ImportFileError,
    ImportKind,
    RowError,
)
from enterprises.models import Enterprise, Licence
from enterprises.selectors import register_queryset
from tests.factories import DistrictFactory, EnterpriseFactory, LicenceFactory, ResponsibilityAreaFactory, UserFactory

pytestmark = pytest.mark.django_db

ENTERPRISE_HEADERS = [column.header for column in ENTERPRISE_COLUMNS]
LICENCE_HEADERS = [column.header for column in LICENCE_COLUMNS]
CODE = "统一社会信用代码"


def credit_code(n: int) -> str:
    return build_credit_code(division_code="430602", organisation_base=f"{50_000_000 + n:08d}")


def enterprise_row(n: int, **changes) -> list:
    values = {
        "企业名称": f"岳阳导入{n}有限公司",
        CODE: credit_code(n),
        "法定代表人": "王五",
        "地址": "岳阳市岳阳楼区东茅岭路8号",
        "区县": "岳阳楼区",
        "责任区": "城东责任区",
        "行业代码": "C14",
        "规模": "规上",
        "成立日期": "",
        "状态": "",
        "联系人": "赵六",
        "联系电话": "0730-8220000",
    } | changes
    return [values[header] for header in ENTERPRISE_HEADERS]


def licence_row(code: str, number: str, **changes) -> list:
    values = {
        CODE: code,
        "证照类别": "食品生产许可证（SC）",
        "证书编号": number,
        "范围": "糕点",
        "发证日期": datetime.date(2024, 3, 1),
        "有效期至": datetime.date(2029, 2, 28),
    } | changes
    return [values[header] for header in LICENCE_HEADERS]


def xlsx_file(headers: list, rows: list[list], name: str = "企业.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(headers: list, rows: list[list], *, encoding: str = "gb18030", name: str = "企业.csv"):
    lines = [",".join(str(value) for value in line) for line in [headers, *rows]]
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(encoding))


def run_import(upload, *, user, kind=ImportKind.ENTERPRISES, dry_run=False) -> importing.ImportResult:
    return importing.register_import(upload, filename=upload.name, kind=kind, user=user, dry_run=dry_run)


@pytest.fixture
def area():
    return ResponsibilityAreaFactory(district=DistrictFactory(code="430602", name="岳阳楼区"), name="城东责任区")


@pytest.fixture
def staff():
    return UserFactory(role=Role.SUPERVISOR)


# Enterprise import


def test_a_valid_workbook_imports_every_row_with_history_attributed_to_the_user(area, staff):
    upload = xlsx_file(
        ENTERPRISE_HEADERS,
        [enterprise_row(1), enterprise_row(2, 行业代码=14, 规模="规下", 状态="停产", 联系电话=7308220001)],
    )
    result = run_import(upload, user=staff)
    assert result.is_valid and result.written == 2
    first, second = Enterprise.objects.order_by("credit_code")
    assert (first.area, first.industry.code, first.scale, first.status) == (area, "14", Scale.ABOVE, "active")
    assert (second.scale, second.status, second.contact_phone) == (
        Scale.BELOW,
        EnterpriseStatus.SUSPENDED,
        "7308220001",
    )
    history = Enterprise.history.filter(credit_code__in=[first.credit_code, second.credit_code])
    assert history.count() == 2
    assert {(record.history_user, record.history_change_reason) for record in history} == {(staff, "import 企业.xlsx")}


def test_a_gb18030_csv_from_excel_imports_through_the_page(client, area, staff):
    client.force_login(staff)
    upload = csv_file(ENTERPRISE_HEADERS, [enterprise_row(1), enterprise_row(2)])
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("enterprises:list")
    assert Enterprise.objects.filter(credit_code__in=[credit_code(1), credit_code(2)]).count() == 2
    assert "2" in " ".join(str(message) for message in response.context["messages"])
    assert {record.history_user for record in Enterprise.history.all()} == {staff}


def test_a_utf8_csv_with_padding_and_blank_rows_imports(area, staff):
    rows = [[f" {value} " for value in enterprise_row(1)], [""] * len(ENTERPRISE_HEADERS), enterprise_row(2)]
    result = run_import(csv_file(ENTERPRISE_HEADERS, rows, encoding="utf-8-sig"), user=staff)
    assert (result.rows, result.written) == (2, 2)
    assert Enterprise.objects.get(credit_code=credit_code(1)).name == "岳阳导入1有限公司"


def test_one_bad_row_writes_nothing_and_every_error_is_reported_where_it_is(area, staff):
    on_file = EnterpriseFactory(area=area)
    bad_check = credit_code(2)[:17] + ("0" if credit_code(2)[17] != "0" else "1")
    rows = [
        enterprise_row(1),  # row 2: valid
        enterprise_row(2, **{CODE: bad_check}),  # row 3
        enterprise_row(3, 区县="不存在区"),  # row 4
        enterprise_row(4, **{CODE: credit_code(1)}),  # row 5: repeats row 2
        enterprise_row(5, **{CODE: on_file.credit_code}),  # row 6
        enterprise_row(6, 责任区="城西责任区", 行业代码="99", 规模="大型", 企业名称=""),  # row 7
    ]
    before = Enterprise.objects.count()
    result = run_import(xlsx_file(ENTERPRISE_HEADERS, rows), user=staff)
    assert Enterprise.objects.count() == before
    assert result.written == 0
    assert [(error.row, error.column) for error in result.errors] == [
        (3, CODE),
        (4, "区县"),
        (5, CODE),
        (6, CODE),
        (7, "企业名称"),
        (7, "责任区"),
        (7, "行业代码"),
        (7, "规模"),
    ]
    reasons = {error.row: error.reason for error in result.errors}
    assert credit_code(2)[17] in reasons[3]  # the check character it should have been
    assert "不存在区" in reasons[4]
    assert "2" in reasons[5]  # the row it repeats
    assert reasons[6] == "已有使用此统一社会信用代码的企业档案。"


def test_the_date_of_establishment_is_optional_and_never_in_the_future(area, staff):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = [
        enterprise_row(1, 成立日期=datetime.date(2012, 5, 20)),  # row 2: a date cell
        enterprise_row(2, 成立日期="2009/11/03"),  # row 3: a date typed as text
        enterprise_row(3),  # row 4: blank, allowed
        enterprise_row(4, 成立日期="去年春天"),  # row 5: not a date
        enterprise_row(5, 成立日期=tomorrow),  # row 6: in the future
        enterprise_row(6, 成立日期=timezone.localdate()),  # row 7: today is fine
    ]
    result = run_import(xlsx_file(ENTERPRISE_HEADERS, rows), user=staff)
    assert result.written == 0
    assert [(error.row, error.column) for error in result.errors] == [(5, "成立日期"), (6, "成立日期")]
    assert "去年春天" in result.errors[0].reason

    good = [row for n, row in enumerate(rows) if n not in (3, 4)]
    result = run_import(xlsx_file(ENTERPRISE_HEADERS, good), user=staff)
    assert result.is_valid and result.written == 4
    established = dict(Enterprise.objects.values_list("credit_code", "established_on"))
    assert established == {
        credit_code(1): datetime.date(2012, 5, 20),
        credit_code(2): datetime.date(2009, 11, 3),
        credit_code(3): None,
        credit_code(6): timezone.localdate(),
    }


def test_a_clash_found_only_while_writing_rolls_the_whole_file_back(monkeypatch, area, staff):
    on_file = EnterpriseFactory(area=area)
    monkeypatch.setattr(importing, "_codes_on_file", lambda codes: {})  # as if saved by someone else meanwhile
    upload = csv_file(ENTERPRISE_HEADERS, [enterprise_row(1), enterprise_row(2, **{CODE: on_file.credit_code})])
    with pytest.raises(ImportFileError):
        run_import(upload, user=staff)
    assert not Enterprise.objects.filter(credit_code=credit_code(1)).exists()
    assert not Enterprise.history.filter(credit_code=credit_code(1)).exists()


def test_a_dry_run_reports_a_valid_file_and_writes_nothing(client, area, staff):
    client.force_login(staff)
    upload = xlsx_file(ENTERPRISE_HEADERS, [enterprise_row(1), enterprise_row(2)])
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert response.context["result"].is_valid
    assert 'data-testid="import-summary"' in response.content.decode()
    assert not Enterprise.objects.filter(credit_code=credit_code(1)).exists()
    assert response.context["form"].initial == {"kind": "enterprises", "dry_run": False}


def test_errors_are_listed_in_a_table_on_the_page(client, area, staff):
    client.force_login(staff)
    upload = csv_file(ENTERPRISE_HEADERS, [enterprise_row(1), enterprise_row(2, 区县="不存在区")])
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload, "dry_run": "on"})
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page
    assert '<tr><td class="num">3</td><td>区县</td>' in page


def test_a_missing_required_header_is_named(area, staff):
    headers = [header for header in ENTERPRISE_HEADERS if header not in ("区县", "规模")]
    upload = csv_file(headers, [["x"] * len(headers)])
    with pytest.raises(ImportFileError) as raised:
        run_import(upload, user=staff, dry_run=True)
    assert "区县" in raised.value.message and "规模" in raised.value.message


def test_file_level_problems_are_shown_on_the_form(client, staff):
    client.force_login(staff)
    url = reverse("enterprises:import")
    missing = client.post(url, {"kind": "enterprises", "file": csv_file(["企业名称"], [["甲"]]), "dry_run": "on"})
    assert "统一社会信用代码" in missing.context["form"].errors["file"][0]
    wrong_type = client.post(url, {"kind": "enterprises", "file": SimpleUploadedFile("a.txt", b"x")})
    assert wrong_type.context["form"].errors["file"]
    broken = client.post(url, {"kind": "enterprises", "file": SimpleUploadedFile("a.xlsx", b"not a zip")})
    assert broken.context["form"].errors["file"]


def test_files_over_the_size_and_row_limits_are_refused(client, monkeypatch, settings, area, staff):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(staff)
    response = client.post(
        reverse("enterprises:import"),
        {"kind": "enterprises", "file": csv_file(ENTERPRISE_HEADERS, [enterprise_row(1)] * 3)},
    )
    assert "100" in response.context["form"].errors["file"][0]
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportFileError, match="2"):
        run_import(csv_file(ENTERPRISE_HEADERS, [enterprise_row(n) for n in range(3)]), user=staff)


def test_the_enterprise_template_has_the_headers_and_a_valid_example_row(area, staff):
    content = import_template(ImportKind.ENTERPRISES)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [cell.value.rstrip("*") for cell in sheet[1]] == ENTERPRISE_HEADERS
    result = run_import(SimpleUploadedFile("模板.xlsx", content), user=staff, dry_run=True)
    assert result.rows == 1 and result.is_valid


def test_the_template_pages_serve_each_kind(client, staff):
    client.force_login(staff)
    for kind in ImportKind.values:
        response = client.get(reverse("enterprises:import_template", args=[kind]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("enterprises:import_template", args=["penalties"])).status_code == 404


# Licence import


def test_licences_import_for_enterprises_on_file(area, staff):
    holder = EnterpriseFactory(area=area)
    rows = [
        licence_row(holder.credit_code, "SC10643060200001"),
        licence_row(holder.credit_code, "CCC2024001", 证照类别="3C", 发证日期="2024/01/05", 有效期至="2029-01-04"),
        licence_row(holder.credit_code.lower(), "ISO-88", 证照类别="ISO 9001", 发证日期="2024年1月5日"),
    ]
    result = run_import(xlsx_file(LICENCE_HEADERS, rows, "证照.xlsx"), user=staff, kind=ImportKind.LICENCES)
    assert result.is_valid and result.written == 3
    kinds = dict(holder.licences.values_list("number", "kind"))
    assert kinds == {
        "SC10643060200001": LicenceKind.FOOD_PRODUCTION,
        "CCC2024001": LicenceKind.CCC,
        "ISO-88": LicenceKind.ISO_9001,
    }
    assert holder.licences.get(number="CCC2024001").issued_on == datetime.date(2024, 1, 5)
    assert {record.history_user for record in Licence.history.all()} == {staff}


def test_licence_errors_are_all_reported_and_nothing_is_written(area, staff):
    holder = EnterpriseFactory(area=area)
    existing = LicenceFactory(enterprise=holder, kind=LicenceKind.FOOD_PRODUCTION)
    rows = [
        licence_row(holder.credit_code, "A-1"),  # row 2: valid
        licence_row(credit_code(77), "A-2"),  # row 3: enterprise not on file
        licence_row(holder.credit_code, "A-3", 证照类别="营业执照"),  # row 4
        licence_row(holder.credit_code, "A-1"),  # row 5: repeats row 2
        licence_row(holder.credit_code, existing.number),  # row 6: on file
        licence_row(holder.credit_code, "A-6", 有效期至=datetime.date(2024, 3, 1)),  # row 7: not after issue
        licence_row(holder.credit_code, "A-7", 发证日期="三月一日", 有效期至=""),  # row 8
    ]
    result = run_import(csv_file(LICENCE_HEADERS, rows, name="证照.csv"), user=staff, kind=ImportKind.LICENCES)
    assert Licence.objects.count() == 1
    assert [(error.row, error.column) for error in result.errors] == [
        (3, CODE),
        (4, "证照类别"),
        (5, "证书编号"),
        (6, "证书编号"),
        (7, "有效期至"),
        (8, "发证日期"),
        (8, "有效期至"),
    ]
    assert RowError(7, "有效期至", "证照有效期必须晚于发证日期。") in result.errors


# Export


def _exported_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_export_holds_exactly_the_filtered_enterprises_and_reimports_cleanly(client, area, staff):
    elsewhere = ResponsibilityAreaFactory(district=DistrictFactory(code="430603", name="云溪区"), name="云溪责任区")
    wanted = [EnterpriseFactory(area=area, established_on=day) for day in (datetime.date(2011, 4, 6), None, None)]
    LicenceFactory(enterprise=wanted[0], expires_on=datetime.date(2027, 5, 1))
    LicenceFactory(enterprise=wanted[0], kind=LicenceKind.CCC, expires_on=datetime.date(2026, 9, 30))
    EnterpriseFactory(area=elsewhere)
    client.force_login(staff)
    response = client.get(reverse("enterprises:export"), {"district": area.district_id})
    assert response.status_code == 200
    assert "filename*=utf-8''%E4%BC%81%E4%B8%9A%E6%A1%A3%E6%A1%88-" in response["Content-Disposition"]
    header, *rows = _exported_rows(response.content)
    assert list(header) == [*ENTERPRISE_HEADERS, "持有证照", "最近证照到期"]
    assert sorted(row[1] for row in rows) == sorted(enterprise.credit_code for enterprise in wanted)
    first = next(row for row in rows if row[1] == wanted[0].credit_code)
    assert "强制性产品认证（3C）" in first[-2] and "食品生产许可证（SC）" in first[-2]
    assert first[-1].date() == datetime.date(2026, 9, 30)
    assert first[ENTERPRISE_HEADERS.index("成立日期")].date() == datetime.date(2011, 4, 6)

    Licence.objects.all().delete()
    Enterprise.objects.all().delete()
    upload = SimpleUploadedFile("企业档案.xlsx", response.content)
    result = run_import(upload, user=staff)
    assert result.is_valid and result.written == 3
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == {e.credit_code for e in wanted}
    established = dict(Enterprise.objects.values_list("credit_code", "established_on"))
    assert established == {enterprise.credit_code: enterprise.established_on for enterprise in wanted}


def test_export_queries_do_not_grow_with_the_rows(area, staff, django_assert_max_num_queries):
    for count in (2, 40):
        for enterprise in EnterpriseFactory.create_batch(count, area=area):
            LicenceFactory(enterprise=enterprise)
        with django_assert_max_num_queries(2):
            content = register_export(register_queryset(staff))
        assert len(_exported_rows(content)) == Enterprise.objects.count() + 1


def test_an_export_never_turns_text_into_a_formula(area, staff):
    EnterpriseFactory(area=area, name='=HYPERLINK("http://example.com","点我")')
    sheet = openpyxl.load_workbook(io.BytesIO(register_export(register_queryset(staff)))).worksheets[0]
    assert sheet["A2"].data_type == "s"


def test_an_invalid_filter_is_not_silently_dropped_from_an_export(client, staff):
    client.force_login(staff)
    response = client.get(reverse("enterprises:export"), {"scale": "huge"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("enterprises:list"))


# Who may import and export

TRANSFER_URLS = [
    ("enterprises:import", ()),
    ("enterprises:export", ()),
    ("enterprises:import_template", ("enterprises",)),
]
KEEPERS = {Role.LEADER, Role.SUPERVISOR, Role.ADMIN}


@pytest.mark.parametrize(("url_name", "args"), TRANSFER_URLS)
@pytest.mark.parametrize("role", sorted(Role))
def test_only_the_register_keepers_import_and_export(client, actors, url_name, args, role):
    client.force_login(actors[role])
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == (200 if role in KEEPERS else 403)


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.LAB_TECHNICIAN, Role.INSPECTOR])
def test_an_upload_from_outside_the_bureau_is_refused_and_writes_nothing(client, actors, area, role):
    client.force_login(actors[role])
    upload = csv_file(ENTERPRISE_HEADERS, [enterprise_row(1)])
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})
    assert response.status_code == 403
    assert not Enterprise.objects.filter(credit_code=credit_code(1)).exists()


@pytest.mark.parametrize(("url_name", "args"), TRANSFER_URLS)
def test_anonymous_users_are_sent_to_log_in(client, url_name, args):
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
