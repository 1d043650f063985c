"""Executed standards and self-declaration: the declaration rules, the worklists, the enterprise's own warnings and
its declaring in the portal, the check of indicators below the national standard, and who may do what."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.roles import Role
from core.inbox import inbox_for
from enterprises.choices import StandardKind, StandardStatus
from standards import selectors, services
from standards.choices import CheckOutcome, DeclarationPlatform
from standards.models import Declaration
from tests.clients import signed_in, token_api
from tests.factories import EnterpriseFactory, ProductFactory, StandardFactory, enterprise_user
from tests.factories_standards import own_standard, product_executing, replaced, standard, standards_staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def declare(enterprise, std, *, actor=None, indicators=(), claimed=None):
    return services.declaration_create(
        actor=actor or enterprise_user(enterprise),
        enterprise=enterprise,
        standard=std,
        declared_on=TODAY(),
        platform=DeclarationPlatform.NATIONAL,
        url="https://www.cpbz.gov.cn/",
        claimed_standard=claimed,
        indicators=indicators,
    )


BELOW = [{"name": "蛋白质", "unit": "g/100g", "declared_value": "2.5", "national_value": "2.9"}]
ABOVE = [{"name": "蛋白质", "unit": "g/100g", "declared_value": "3.2", "national_value": "2.9"}]
LIMIT_OVER = [
    {"name": "铅", "unit": "mg/kg", "declared_value": "0.3", "national_value": "0.2", "higher_is_better": False}
]


# The rules of declaration


def test_an_enterprise_declares_its_own_standard_with_indicators(enterprise):
    gb = standard("GB 19301-2010")
    declaration = declare(enterprise, own_standard(enterprise), indicators=ABOVE, claimed=gb)
    assert (declaration.below_national, declaration.indicators.count()) == (False, 1)
    assert not selectors.declarations_to_check().exists()


@pytest.mark.parametrize("indicators", [BELOW, LIMIT_OVER])
def test_a_key_indicator_below_the_national_standard_goes_to_the_check_worklist(enterprise, indicators):
    declaration = declare(enterprise, own_standard(enterprise), indicators=indicators, claimed=standard("GB 1-2020"))
    assert declaration.below_national
    assert list(selectors.declarations_to_check()) == [declaration]


def test_a_non_key_indicator_below_does_not_flag(enterprise):
    declaration = declare(enterprise, own_standard(enterprise), indicators=[{**BELOW[0], "key": False}])
    assert not declaration.below_national


def test_staff_record_the_check_once_and_it_leaves_the_worklist(enterprise):
    staff = standards_staff()
    declaration = declare(enterprise, own_standard(enterprise), indicators=BELOW)
    with translation.override("en"), pytest.raises(ValidationError, match="required"):
        services.declaration_check(actor=staff, declaration=declaration, outcome=CheckOutcome.BELOW)
    services.declaration_check(actor=staff, declaration=declaration, outcome=CheckOutcome.BELOW, note="蛋白质低于国标")
    assert not selectors.declarations_to_check().exists()
    assert selectors.enterprise_warning_counts(enterprise.pk)["below"] == 1
    with translation.override("en"), pytest.raises(ValidationError, match="already been checked"):
        services.declaration_check(actor=staff, declaration=declaration, outcome=CheckOutcome.CONFORMS)


def test_a_group_standard_is_declared_without_indicators(enterprise):
    group = standard("T/ZZB 0001-2019", kind=StandardKind.GROUP)
    declare(enterprise, group)
    with translation.override("en"), pytest.raises(ValidationError, match="already declared"):
        declare(enterprise, group)
    with translation.override("en"), pytest.raises(ValidationError, match="own standard"):
        declare(EnterpriseFactory(), standard("T/ZZB 0002-2019", kind=StandardKind.GROUP), indicators=ABOVE)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda e: StandardFactory(
                code="Q/ABC 0002S-2025",
                title="食品",
                kind=StandardKind.FOOD_SAFETY,
                owner=e,
                filing_number="33-001",
                filed_on=datetime.date(2025, 1, 1),
            ),
            "filed",
        ),
        (lambda e: standard("GB 2-2020"), "Only an enterprise or group"),
        (lambda e: own_standard(EnterpriseFactory()), "only its own"),
        (lambda e: standard("T/X 1-2010", kind=StandardKind.GROUP, status=StandardStatus.ABOLISHED), "abolished"),
    ],
)
def test_what_cannot_be_declared(enterprise, make, message):
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        declare(enterprise, make(enterprise))


def test_the_claimed_standard_is_national_and_the_date_not_future(enterprise):
    own = own_standard(enterprise)
    with translation.override("en"), pytest.raises(ValidationError, match="national standard"):
        declare(enterprise, own, claimed=standard("T/X 1-2020", kind=StandardKind.GROUP))
    with translation.override("en"), pytest.raises(ValidationError, match="future"):
        services.declaration_create(
            actor=enterprise_user(enterprise),
            enterprise=enterprise,
            standard=own,
            declared_on=TODAY() + datetime.timedelta(days=1),
            platform=DeclarationPlatform.NATIONAL,
        )


def test_a_withdrawn_declaration_needs_a_reason_and_can_be_declared_again(enterprise):
    own = own_standard(enterprise)
    declaration = declare(enterprise, own)
    with pytest.raises(ValidationError):
        services.declaration_withdraw(actor=standards_staff(), declaration=declaration, reason=" ")
    services.declaration_withdraw(actor=standards_staff(), declaration=declaration, reason="标准已修订")
    assert Declaration.objects.filter(pk=declaration.pk, withdrawn_on__isnull=False).exists()
    declare(enterprise, own)  # the revised standard, declared again


# Worklists


def test_the_outdated_worklist_lists_products_executing_an_abolished_or_replaced_standard(enterprise):
    old, new = replaced("GB 1-2010", "GB 1-2024")
    abolished = standard("GB 3-2000", status=StandardStatus.ABOLISHED)
    first = product_executing(enterprise, old)
    second = product_executing(EnterpriseFactory(), abolished, new)
    product_executing(enterprise, new)
    product_executing(enterprise, old, discontinued_on=datetime.date(2024, 1, 1))
    rows = [(row.product_id, row.standard.code) for row in selectors.outdated_executions()]
    assert sorted(rows) == sorted([(first.pk, "GB 1-2010"), (second.pk, "GB 3-2000")])
    assert [row.product_id for row in selectors.outdated_executions(enterprise_id=enterprise.pk)] == [first.pk]


def test_the_undeclared_worklist(enterprise):
    own = own_standard(enterprise)
    group = standard("T/ZZB 1-2020", kind=StandardKind.GROUP)
    none = ProductFactory(enterprise=enterprise)
    national_only = product_executing(enterprise, standard("GB 1-2020"))
    undeclared_own = product_executing(enterprise, own)
    undeclared_group = product_executing(enterprise, group)
    assert set(selectors.undeclared_products().values_list("pk", flat=True)) == {
        none.pk,
        undeclared_own.pk,
        undeclared_group.pk,
    }
    declare(enterprise, own)
    declare(enterprise, group)
    assert list(selectors.undeclared_products().values_list("pk", flat=True)) == [none.pk]
    assert national_only.pk not in selectors.undeclared_products().values_list("pk", flat=True)


# The enterprise's side


def test_the_enterprise_sees_its_warnings_in_its_inbox_and_replaces_the_standard(client, enterprise):
    old, new = replaced("GB 1-2010", "GB 1-2024")
    product = product_executing(enterprise, old)
    product_executing(EnterpriseFactory(), old)
    user = enterprise_user(enterprise)
    items = {item.kind: item.count for item in inbox_for(user)}
    assert items["standards.outdated_own"] == 1
    client = signed_in(client, user)
    page = client.get("/standards/mine/")
    assert [row.product_id for row in page.context["outdated"]] == [product.pk]
    url = f"/standards/mine/products/{product.pk}/standards/{old.pk}/"
    assert client.get(url).context["form"].initial["new"] == "GB 1-2024"
    with translation.override("en"):
        response = client.post(url, {"new": "GB 1-2010"})
    assert response.status_code == 200 and "new" in response.context["form"].errors
    assert client.post(url, {"new": "GB 1-2024"}).status_code == 302
    assert list(product.standards.all()) == [new]
    assert not selectors.outdated_executions().filter(product__enterprise=enterprise).exists()
    assert "standards.outdated_own" not in {item.kind for item in inbox_for(user)}


def test_an_enterprise_cannot_reach_another_enterprises_product(client, enterprise):
    old, _new = replaced("GB 1-2010", "GB 1-2024")
    other = product_executing(EnterpriseFactory(), old)
    client = signed_in(client, enterprise_user(enterprise))
    assert client.get(f"/standards/mine/products/{other.pk}/standards/{old.pk}/").status_code == 404


def test_the_enterprise_declares_in_the_portal(client, enterprise):
    own = own_standard(enterprise)
    standard("GB 19301-2010")
    client = signed_in(client, enterprise_user(enterprise))
    data = {
        "standard": own.code,
        "declared_on": TODAY().isoformat(),
        "platform": "national",
        "url": "https://x.example/",
        "claimed_standard": "GB 19301-2010",
        "indicators-TOTAL_FORMS": "3",
        "indicators-INITIAL_FORMS": "0",
        "indicators-0-name": "蛋白质",
        "indicators-0-declared_value": "2.5",
        "indicators-0-national_value": "2.9",
        "indicators-0-higher_is_better": "on",
    }
    response = client.post("/standards/mine/declare/", data)
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    assert declaration.below_national and declaration.indicators.count() == 1
    other = own_standard(EnterpriseFactory(), code="Q/OTHER 1-2025")
    response = client.post("/standards/mine/declare/", {**data, "standard": other.code})
    assert response.status_code == 200 and "standard" in response.context["form"].errors


def test_staff_see_their_worklists_in_the_inbox(enterprise):
    old, _ = replaced("GB 1-2010", "GB 1-2024")
    product_executing(enterprise, old)
    declare(enterprise, own_standard(enterprise), indicators=BELOW)
    items = {item.kind: item.count for item in inbox_for(standards_staff())}
    assert (items["standards.outdated"], items["standards.to_check"]) == (1, 1)


# Access


def test_who_reads_and_checks_declarations(client, actors, enterprise):
    mine = declare(enterprise, own_standard(enterprise), indicators=BELOW)
    theirs = declare(other := EnterpriseFactory(), own_standard(other, code="Q/O 1-2025"))
    assert set(Declaration.objects.visible_to(actors[Role.ENTERPRISE])) == {mine}
    assert set(Declaration.objects.visible_to(actors[Role.SUPERVISOR])) == {mine, theirs}
    assert not Declaration.objects.restrict(actors[Role.SUPERVISOR], "check").exists()
    assert set(Declaration.objects.restrict(actors[Role.LEADER], "check")) == {mine, theirs}
    assert not Declaration.objects.visible_to(actors[Role.EXPERT]).exists()
    enterprise_client = signed_in(client, actors[Role.ENTERPRISE])
    assert enterprise_client.get(f"/standards/declarations/{theirs.pk}/").status_code == 404
    response = enterprise_client.post(
        f"/standards/declarations/{mine.pk}/", {"action": "check", "check-outcome": "conforms"}
    )
    assert response.status_code == 403
    staff = signed_in(client, standards_staff())
    response = staff.post(f"/standards/declarations/{mine.pk}/", {"action": "check", "check-outcome": "conforms"})
    assert response.status_code == 302


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ENTERPRISE, Role.EXPERT, Role.INSPECTOR])
def test_the_check_worklist_is_the_standards_staffs(client, actors, role):
    assert signed_in(client, actors[role]).get("/standards/worklists/to-check/").status_code == 403


def test_the_public_searches_declarations_without_login(client, enterprise):
    declare(enterprise, own_standard(enterprise, title="酱油企业标准"))
    withdrawn = declare(enterprise, standard("T/G 1-2020", kind=StandardKind.GROUP))
    services.declaration_withdraw(actor=standards_staff(), declaration=withdrawn, reason="停产")
    response = client.get("/public/standards/", {"q": "酱油"})
    assert response.status_code == 200 and len(response.context["page"]) == 1
    assert client.get("/public/standards/", {"q": "T/G"}).context["page"].paginator.count == 0
    api = client.get("/api/v1/standards/public/declarations/")
    assert api.status_code == 200 and api.json()["count"] == 1


# The API


def test_the_api_declares_checks_and_refuses(enterprise):
    own = own_standard(enterprise)
    api = token_api(enterprise_user(enterprise))
    body = {"standard": own.code, "declared_on": TODAY().isoformat(), "platform": "national", "indicators": BELOW}
    response = api.post("/api/v1/standards/declarations/declare/", body, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["below_national"] is True
    assert api.post("/api/v1/standards/declarations/declare/", body, format="json").status_code == 400
    assert (
        api.post(f"/api/v1/standards/declarations/{pk}/check/", {"outcome": "conforms"}, format="json").status_code
        == 403
    )
    staff = token_api(standards_staff())
    assert (
        staff.post(f"/api/v1/standards/declarations/{pk}/check/", {"outcome": "bad"}, format="json").status_code == 400
    )
    response = staff.post(f"/api/v1/standards/declarations/{pk}/check/", {"outcome": "conforms"}, format="json")
    assert response.status_code == 200 and response.json()["check_outcome"] == "conforms"


@pytest.mark.parametrize(
    "override",
    [
        {"platform": "\ud800"},
        {"url": "x" * 100_000},
        {"standard": "Q/NOT-ON-FILE"},
        {"indicators": [{"name": "\ud800", "declared_value": "1"}]},
        {"indicators": [{"name": "a", "declared_value": "NaN"}]},
        {"enterprise": 999999},
    ],
)
def test_the_api_answers_hostile_input_with_field_errors(enterprise, override):
    own = own_standard(enterprise)
    api = token_api(standards_staff())
    body = {
        "standard": own.code,
        "declared_on": TODAY().isoformat(),
        "platform": "national",
        "enterprise": enterprise.pk,
    }
    response = api.post(
        "/api/v1/standards/declarations/declare/", json.dumps({**body, **override}), content_type="application/json"
    )
    assert response.status_code == 400, response.content


def test_an_enterprise_cannot_declare_for_another_through_the_api(enterprise):
    other = EnterpriseFactory()
    theirs = own_standard(other)
    api = token_api(enterprise_user(enterprise))
    body = {"standard": theirs.code, "declared_on": TODAY().isoformat(), "platform": "national", "enterprise": other.pk}
    assert api.post("/api/v1/standards/declarations/declare/", body, format="json").status_code == 400
    assert not Declaration.objects.exists()


def test_the_api_outdated_worklist_and_replace(enterprise):
    old, new = replaced("GB 1-2010", "GB 1-2024")
    product = product_executing(enterprise, old)
    foreign = product_executing(EnterpriseFactory(), old)
    api = token_api(enterprise_user(enterprise))
    assert [row["product"] for row in api.get("/api/v1/standards/outdated/").json()["results"]] == [product.pk]
    body = {"product": foreign.pk, "old": old.pk, "new": new.code}
    assert api.post("/api/v1/standards/outdated/replace/", body, format="json").status_code == 400
    body["product"] = product.pk
    response = api.post("/api/v1/standards/outdated/replace/", body, format="json")
    assert response.status_code == 200 and response.json() == []
    assert token_api(standards_staff()).get("/api/v1/standards/outdated/").json()["count"] == 1


def test_lists_run_a_bounded_number_of_queries(client, enterprise, django_assert_max_num_queries):
    old, _ = replaced("GB 1-2010", "GB 1-2024")
    for n in range(12):
        e = EnterpriseFactory()
        product_executing(e, old)
        declare(e, own_standard(e, code=f"Q/E{n} 1-2025"), indicators=BELOW)
    api = token_api(standards_staff())
    for url in ("/api/v1/standards/declarations/", "/api/v1/standards/outdated/", "/api/v1/standards/catalogue/"):
        with django_assert_max_num_queries(8):
            assert api.get(url).status_code == 200
    client = signed_in(client, standards_staff())
    for url in (
        "/standards/declarations/",
        "/standards/worklists/outdated/",
        "/standards/worklists/undeclared/",
        "/standards/worklists/to-check/",
    ):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
