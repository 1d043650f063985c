"""The catalogue of standards: loading and refreshing it from a file, and staff editing it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.roles import Role
from core.models import AuditEntry, DomainEvent
from enterprises.choices import StandardKind, StandardStatus
from enterprises.models import Standard
from standards import services
from standards.importing import CatalogueFileError, catalogue_load
from standards.models import CatalogueLoad
from tests.clients import signed_in
from tests.factories_standards import csv_file, own_standard, standard, standards_staff, xlsx_file

pytestmark = pytest.mark.django_db


def load(rows, *, dry_run=False, user=None, kind="csv"):
    user = user or standards_staff()
    file = csv_file(rows) if kind == "csv" else xlsx_file(rows)
    with translation.override("en"):
        return catalogue_load(file, filename=f"catalogue.{kind}", user=user, dry_run=dry_run)


def test_a_file_adds_standards_with_kind_read_from_the_number():
    result = load(
        [
            ["GB 2762-2022", "食品中污染物限量", "", "现行", "", "2022-06-30", "2023-06-30", ""],
            ["DB33/T 100-2021", "地方标准", "", "", "", "", "", ""],
            ["T/ZZB 0001-2019", "团体标准", "", "即将实施", "", "", "", ""],
            ["QB/T 1234-2020", "行业标准", "行业标准", "", "", "", "", ""],
        ]
    )
    assert (result.is_valid, result.created, result.updated) == (True, 4, 0)
    kinds = dict(Standard.objects.values_list("code", "kind"))
    assert kinds == {
        "GB 2762-2022": StandardKind.NATIONAL,
        "DB33/T 100-2021": StandardKind.LOCAL,
        "T/ZZB 0001-2019": StandardKind.GROUP,
        "QB/T 1234-2020": StandardKind.INDUSTRY,
    }
    gb = Standard.objects.get(code="GB 2762-2022")
    assert (gb.issued_on, gb.effective_on, gb.status) == (
        datetime.date(2022, 6, 30),
        datetime.date(2023, 6, 30),
        StandardStatus.CURRENT,
    )
    assert Standard.objects.get(code="T/ZZB 0001-2019").status == StandardStatus.UPCOMING
    assert CatalogueLoad.objects.get().created == 4
    assert AuditEntry.objects.filter(action="standards.catalogue_load").count() == 1
    assert DomainEvent.objects.filter(kind="standards.catalogue_loaded").count() == 1


def test_a_refresh_replaces_a_standard_with_one_further_down_the_file():
    old = standard("GB 1000-2010")
    result = load(
        [
            ["GB 1000-2010", "旧标准", "", "被代替", "GB 1000-2024", "", "", "2024-12-01"],
            ["GB 1000-2024", "新标准", "", "现行", "", "2024-06-01", "2024-12-01", ""],
        ]
    )
    assert (result.created, result.updated, result.outdated) == (1, 1, 1)
    old.refresh_from_db()
    assert (old.status, old.successor.code, old.title) == (StandardStatus.REPLACED, "GB 1000-2024", "旧标准")


def test_an_xlsx_file_loads_too():
    result = load([["GB 1-2020", "标准", "国家标准", "现行", None, datetime.date(2020, 1, 1), None, None]], kind="xlsx")
    assert result.created == 1
    assert Standard.objects.get(code="GB 1-2020").issued_on == datetime.date(2020, 1, 1)


def test_a_dry_run_writes_nothing():
    result = load([["GB 1-2020", "标准", "", "", "", "", "", ""]], dry_run=True)
    assert result.is_valid and result.dry_run
    assert not Standard.objects.exists() and not CatalogueLoad.objects.exists()


def test_every_row_error_is_reported_and_nothing_is_written():
    standard("GB 5-2020")
    result = load(
        [
            ["GB 1-2020", "好的", "", "", "", "", "", ""],
            ["", "没有编号", "", "", "", "", "", ""],
            ["GB 2-2020", "状态错", "", "作废了", "", "", "", ""],
            ["GB 3-2020", "被代替缺代替", "", "被代替", "", "", "", ""],
            ["GB 4-2020", "代替不存在", "", "废止", "GB 999-2099", "", "", ""],
            ["GB 1-2020", "重复", "", "", "", "", "", ""],
            ["GB 6-2020", "日期", "", "", "", "二〇二〇年", "", ""],
            ["GB 7-2020", "废止早于发布", "", "废止", "", "2020-01-01", "", "2019-01-01"],
            ["GB 8-2020", "代替自己", "", "被代替", "GB 8-2020", "", "", ""],
            ["GB 9-2020", "现行却有代替", "", "现行", "GB 5-2020", "", "", ""],
            ["GB 10-2020", "类别错", "企业标准", "", "", "", "", ""],
            ["GB 11-2020", "x" * 300, "", "", "", "", "", ""],
        ]
    )
    assert not result.is_valid
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "标准号"),
        (4, "状态"),
        (5, "代替标准号"),
        (6, "代替标准号"),
        (7, "标准号"),
        (8, "发布日期"),
        (9, "废止日期"),
        (10, "代替标准号"),
        (11, "代替标准号"),
        (12, "类别"),
        (13, "标准名称"),
    ]
    assert list(Standard.objects.values_list("code", flat=True)) == ["GB 5-2020"]
    assert not CatalogueLoad.objects.exists()


def test_a_file_cannot_overwrite_an_enterprises_own_standard(enterprise):
    own_standard(enterprise, code="Q/ABC 0001S-2025")
    result = load([["Q/ABC 0001S-2025", "改名", "团体标准", "", "", "", "", ""]])
    assert [(e.row, e.column) for e in result.errors] == [(2, "标准号")]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("catalogue.pdf", b"%PDF", "Only Excel"),
        ("catalogue.xlsx", b"not a workbook", "could not be read"),
        ("catalogue.csv", b"", "empty"),
        ("catalogue.csv", "标准名称\n标准\n".encode(), "Required columns are missing: 标准号"),
        ("catalogue.csv", "标准号,标准名称\n".encode(), "no data rows"),
        ("catalogue.csv", "标准号,标准名称,标准号\nGB 1,a,b\n".encode(), "more than once"),
        ("catalogue.csv", b"\xff\xfe\x00\xd8", "neither UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(filename, content, message):
    import io

    with translation.override("en"), pytest.raises(CatalogueFileError, match=message):
        catalogue_load(io.BytesIO(content), filename=filename, user=standards_staff(), dry_run=False)


def test_the_load_page_checks_then_loads(client):
    client = signed_in(client, standards_staff())
    rows = [["GB 1-2020", "标准", "", "", "", "", "", ""]]
    file = csv_file(rows)
    file.name = "c.csv"
    response = client.post("/standards/load/", {"file": file, "dry_run": "on"})
    assert response.status_code == 200 and response.context["result"].is_valid
    assert not Standard.objects.exists()
    file = csv_file(rows)
    file.name = "c.csv"
    response = client.post("/standards/load/", {"file": file})
    assert response.status_code == 302 and Standard.objects.filter(code="GB 1-2020").exists()


def test_the_load_page_shows_row_errors(client):
    client = signed_in(client, standards_staff())
    file = csv_file([["GB 1-2020", "", "", "", "", "", "", ""]])
    file.name = "c.csv"
    response = client.post("/standards/load/", {"file": file})
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(2, "标准名称")]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.INSPECTOR, Role.ENTERPRISE, Role.EXPERT, Role.LAB_TECHNICIAN])
def test_only_standards_staff_and_leaders_load_and_edit(client, actors, role):
    client = signed_in(client, actors[role])  # a supervisor without the standardization section
    assert client.get("/standards/load/").status_code == 403
    assert client.get("/standards/new/").status_code == 403


def test_a_leader_may_load(client, actors):
    assert signed_in(client, actors[Role.LEADER]).get("/standards/load/").status_code == 200


def test_other_supervisors_read_the_catalogue_the_public_does_not(client, actors):
    standard("GB 1-2020")
    assert signed_in(client, actors[Role.SUPERVISOR]).get("/standards/").status_code == 200
    client.logout()
    assert client.get("/standards/").status_code == 302
    assert signed_in(client, actors[Role.ENTERPRISE]).get("/standards/").status_code == 403


# Staff editing


def test_staff_mark_a_standard_replaced_naming_its_successor():
    staff = standards_staff()
    old, new = standard("GB 1-2010"), standard("GB 1-2024")
    with translation.override("en"):
        with pytest.raises(ValidationError, match="names the standard that replaces it"):
            services.standard_save(actor=staff, standard=old, status=StandardStatus.REPLACED)
        with pytest.raises(ValidationError, match="cannot replace itself"):
            services.standard_save(actor=staff, standard=old, status=StandardStatus.REPLACED, successor=old)
        with pytest.raises(ValidationError, match="Only an abolished or replaced"):
            services.standard_save(actor=staff, standard=old, status=StandardStatus.CURRENT, successor=new)
    services.standard_save(actor=staff, standard=old, status=StandardStatus.REPLACED, successor=new)
    old.refresh_from_db()
    assert (old.status, old.successor) == (StandardStatus.REPLACED, new)
    assert AuditEntry.objects.filter(action="standards.standard_change").count() == 1


def test_an_abolished_standard_may_stand_without_successor_and_gets_its_date():
    old = standard("GB 1-2010")
    services.standard_save(actor=standards_staff(), standard=old, status=StandardStatus.ABOLISHED)
    old.refresh_from_db()
    assert old.abolished_on is not None and old.successor is None


def test_the_edit_page_names_the_successor_by_number(client):
    old = standard("GB 1-2010")
    standard("GB 1-2024")
    client = signed_in(client, standards_staff())
    data = {"code": old.code, "title": old.title, "kind": "national", "status": "replaced", "successor": "GB 9-2099"}
    with translation.override("en"):
        response = client.post(f"/standards/{old.pk}/edit/", data)
    assert response.status_code == 200 and "successor" in response.context["form"].errors
    response = client.post(f"/standards/{old.pk}/edit/", {**data, "successor": "GB 1-2024"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.successor.code == "GB 1-2024"


def test_a_lone_surrogate_is_a_field_error_of_the_service():
    with pytest.raises(ValidationError) as error:
        services.standard_save(actor=standards_staff(), standard=standard("GB 1-2010"), title="\ud800")
    assert "title" in error.value.message_dict


@pytest.mark.parametrize("title", ["x" * 100_000])
def test_hostile_text_is_a_form_error(client, title):
    old = standard("GB 1-2010")
    client = signed_in(client, standards_staff())
    data = {"code": old.code, "title": title, "kind": "national", "status": "current"}
    response = client.post(f"/standards/{old.pk}/edit/", data)
    assert response.status_code == 200 and "title" in response.context["form"].errors


def test_the_catalogue_list_is_bounded(client, django_assert_max_num_queries):
    for n in range(30):
        standard(f"GB {n}-2020")
    client = signed_in(client, standards_staff())
    with django_assert_max_num_queries(12):
        response = client.get("/standards/?q=GB")
    assert response.status_code == 200 and len(response.context["page"]) == 30
