"""One FilterSet per model serves the list page and the API alike; the page shows an invalid filter's error and
ignores it. And core's credit-code field, shared by the forms that name an enterprise by its code."""

import pytest
from django import forms
from django.urls import reverse

from accounts.roles import Role
from core.forms import CreditCodeField
from credit.choices import GradeCause
from credit.filtersets import CreditGradeFilterSet
from credit.models import CreditGrade
from credit.recalculation import recalculate
from enterprises.models import Enterprise
from tests.clients import signed_in, token_api


@pytest.fixture
def graded(actors, enterprise, other_enterprise):
    recalculate(cause=GradeCause.MANUAL)
    return enterprise, other_enterprise


def test_the_grades_page_and_api_filter_with_the_same_params(client, actors, graded):
    enterprise, other = graded
    page = signed_in(client, actors[Role.SUPERVISOR])
    api = token_api(actors[Role.SUPERVISOR])
    for params in ({"q": enterprise.name}, {"q": enterprise.credit_code.lower()}, {"district": enterprise.district_id}):
        on_page = {grade.enterprise_id for grade in page.get(reverse("credit:overview"), params).context["page"]}
        in_api = {row["enterprise"] for row in api.get("/api/v1/credit/grades/", params).json()["results"]}
        assert enterprise.pk in on_page and on_page == in_api, params
    # The page's 1/0 and the API's true/false both work, on both.
    for value in ("1", "true"):
        assert not page.get(reverse("credit:overview"), {"overridden": value}).context["page"].object_list
        assert api.get("/api/v1/credit/grades/", {"overridden": value}).json()["count"] == 0
    for value in ("0", "false"):
        assert page.get(reverse("credit:overview"), {"overridden": value}).context["page"].paginator.count == 2
        assert api.get("/api/v1/credit/grades/", {"overridden": value}).json()["count"] == 2


def test_the_grades_page_shows_an_invalid_filter_and_ignores_it(client, actors, graded):
    page = signed_in(client, actors[Role.SUPERVISOR])
    response = page.get(reverse("credit:overview"), {"district": "abc", "grade": "Z"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"district", "grade"}
    assert response.context["page"].paginator.count == 2
    assert 'class="field-error"' in response.content.decode()
    # The API refuses the same filters.
    assert token_api(actors[Role.SUPERVISOR]).get("/api/v1/credit/grades/", {"district": "abc"}).status_code == 400


def test_the_page_form_offers_the_districts_as_a_list(graded):
    enterprise, _other = graded
    form = CreditGradeFilterSet(queryset=CreditGrade.objects.all()).form
    assert (enterprise.district_id, str(enterprise.district)) in list(form.fields["district"].widget.choices)
    assert 'name="overridden"' in str(form["overridden"]) and 'value="1"' in str(form["overridden"])


def test_the_target_page_keeps_an_enterprise_filter_as_a_hidden_field(client, actors, enterprise):
    response = signed_in(client, actors[Role.LEADER]).get(reverse("brands:targets"), {"enterprise": enterprise.pk})
    assert response.status_code == 200
    assert f'<input type="hidden" name="enterprise" value="{enterprise.pk}"' in response.content.decode()


class CodeForm(forms.Form):
    code = CreditCodeField(queryset=Enterprise.objects.all())
    optional = CreditCodeField(required=False, queryset=Enterprise.objects.all())


def test_the_credit_code_field_finds_the_enterprise(enterprise):
    form = CodeForm({"code": f"  {enterprise.credit_code.lower()} "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"code": enterprise, "optional": None}


def test_the_credit_code_field_checks_the_code_then_looks_it_up(enterprise):
    wrong_check = enterprise.credit_code[:17] + ("0" if enterprise.credit_code[17] != "0" else "1")
    form = CodeForm({"code": wrong_check})
    assert form.has_error("code", "check_character")
    assert CodeForm({"code": "91430602MA4L000000"}).has_error("code")
    unknown = CodeForm({"code": enterprise.credit_code, "optional": enterprise.credit_code})
    unknown.fields["optional"].queryset = Enterprise.objects.exclude(pk=enterprise.pk)
    assert unknown.has_error("optional", "unknown") and not unknown.has_error("code")


def test_the_dishonesty_list_page_and_api_search_alike(client, actors, enterprise, other_enterprise):
    from tests.test_credit_pages import listed

    listed(enterprise, number="岳市监信〔2026〕1号")
    listed(other_enterprise, number="岳市监信〔2026〕2号")
    page = signed_in(client, actors[Role.SUPERVISOR])
    api = token_api(actors[Role.SUPERVISOR])
    for params in ({"q": enterprise.credit_code}, {"q": "2026〕2"}, {"status": "listed", "q": ""}):
        on_page = {entry.enterprise_id for entry in page.get(reverse("credit:blacklist"), params).context["page"]}
        in_api = {row["enterprise"] for row in api.get("/api/v1/credit/blacklist/", params).json()["results"]}
        assert on_page and on_page == in_api, params
    # An unknown status is ignored on the page, as it always was.
    assert page.get(reverse("credit:blacklist"), {"status": "nonsense"}).context["page"].paginator.count == 2
