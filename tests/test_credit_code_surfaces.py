"""One rule for a credit code on every surface (issue 16, item 8): a code typed with full-width characters,
surrounding spaces or lower-case letters is read the same way (core.credit_code.normalise_credit_code) by the API,
the staff form, the import and the public and staff searches, and stored in one form whatever the surface."""

import json

import pytest

from accounts.roles import Role
from core.credit_code import build_credit_code, normalise_credit_code
from core.forms import CreditCodeField
from enterprises.forms import EnterpriseForm
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_by_credit_code
from portal.filtersets import PublicEnterpriseFilterSet
from tests.clients import token_api
from tests.factories import EnterpriseFactory
from tests.test_api_writes import new_enterprise_body
from tests.test_import_export import ENTERPRISE_HEADERS, area, enterprise_row, run_import, staff, xlsx_file  # noqa: F401

pytestmark = pytest.mark.django_db

CODE = build_credit_code(division_code="430602", organisation_base="7654321A")  # has letters: case matters


def as_typed(code: str) -> str:
    """The code as a hurried user types it: full-width, lower-case, with spaces around."""
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in code)
    return f"  {full_width.lower()} \t"


def test_normalise_trims_upper_cases_and_makes_full_width_half_width():
    assert CODE != CODE.lower()
    assert normalise_credit_code(as_typed(CODE)) == CODE
    assert normalise_credit_code(f" {CODE.lower()} ") == CODE
    assert normalise_credit_code("") == ""


def test_the_api_stores_the_normalised_code(actors, enterprise):
    client = token_api(actors[Role.SUPERVISOR])
    response = client.post(
        "/api/v1/enterprises/",
        json.dumps(new_enterprise_body(enterprise, credit_code=as_typed(CODE))),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["credit_code"] == CODE
    assert Enterprise.objects.filter(credit_code=CODE).count() == 1
    again = client.post(
        "/api/v1/enterprises/", new_enterprise_body(enterprise, credit_code=CODE.lower()), format="json"
    )
    assert again.status_code == 400 and list(again.json()["error"]["fields"]) == ["credit_code"]  # the same code


def test_the_api_still_refuses_a_wrong_code(actors, enterprise):
    client = token_api(actors[Role.SUPERVISOR])
    wrong = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    response = client.post("/api/v1/enterprises/", new_enterprise_body(enterprise, credit_code=wrong), format="json")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["credit_code"]


def test_the_staff_form_stores_the_normalised_code(enterprise):
    data = new_enterprise_body(enterprise, credit_code=as_typed(CODE), status="active")
    form = EnterpriseForm(data=data)
    assert form.is_valid(), form.errors
    assert form.save().credit_code == CODE


def test_the_code_field_of_every_other_form_reads_the_same_code():
    on_file = EnterpriseFactory(credit_code=CODE)
    field = CreditCodeField(queryset=Enterprise.objects.all())
    assert field.clean(as_typed(CODE)) == on_file


def test_the_import_stores_the_normalised_code(area, staff):  # noqa: F811
    result = run_import(xlsx_file(ENTERPRISE_HEADERS, [enterprise_row(1, 统一社会信用代码=as_typed(CODE))]), user=staff)
    assert result.is_valid and result.written == 1
    assert Enterprise.objects.get().credit_code == CODE


def test_lookups_and_searches_find_the_enterprise_by_the_code_as_typed(client, actors):
    on_file = EnterpriseFactory(credit_code=CODE)
    assert enterprise_by_credit_code(as_typed(CODE)) == on_file
    public = PublicEnterpriseFilterSet({"q": as_typed(CODE)}, queryset=Enterprise.objects.all())
    assert list(public.qs) == [on_file]
    register = token_api(actors[Role.SUPERVISOR]).get("/api/v1/enterprises/", {"q": as_typed(CODE)})
    assert [row["id"] for row in register.json()["results"]] == [on_file.pk]


def test_declaring_a_conflict_through_the_api_reads_the_code_as_typed(actors):
    on_file = EnterpriseFactory(credit_code=CODE)
    response = token_api(actors[Role.INSPECTOR]).post(
        "/api/v1/conflicts/",
        json.dumps({"credit_code": as_typed(CODE), "reason": "亲属任职"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["enterprise"] == on_file.pk
