"""The name search (core.search.ContainsText, `name__contains_text`): the same rows as icontains for every term, on
PostgreSQL through the GIN index of the names' characters and character pairs, and used by every name search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.credit_code import build_credit_code
from enterprises.models import Enterprise
from inspections.choices import Verdict
from inspections.models import PublishedResult
from tests.factories import EnterpriseFactory, ResponsibilityAreaFactory, UserFactory, final_task

pytestmark = pytest.mark.django_db

NAMES = [
    "岳阳市食品有限公司",
    "湖南岳阳ABC电子科技有限公司",
    "abc食品厂",
    "ＡＢＣ全角贸易",
    "岳阳（集团）股份有限公司",
    "100%纯净水厂",
    "a_b化工",
    "back\\slash五金",
    "Straße工贸",
    "O'Brien贸易",
    "岳阳·洞庭渔业",
    "  岳 阳 农庄 ",
    "İzmir进出口",
    "岳",
    "阳光",
    "食品",
]
EXTRA_TERMS = [
    "ABC",
    "abc",
    "aBc",
    "Abc食",
    "C电子",
    "%",
    "%纯",
    "_",
    "a_b",
    "\\",
    "k\\s",
    "ß",
    "SS",
    "straße",
    "STRASSE",
    "'",
    "O'B",
    "（",
    "（集团）",
    "·",
    " ",
    "岳 阳",
    "岳阳市食品有限公司",
    "岳阳市食品有限公司二厂",
    "有限公司",
    "阳光食品",
    "ｂｃ",
    "i̇",
    "İ",
    "无此名",
    "岳阳岳阳",
]


def _terms(names: list[str]) -> list[str]:
    """Every one- and two-character piece of the names, and the extra terms (longer ones, case, escapes)."""
    pieces = {name[i : i + width] for name in names for width in (1, 2) for i in range(len(name) - width + 1)}
    return sorted(pieces) + EXTRA_TERMS


@pytest.fixture
def named():
    area = ResponsibilityAreaFactory()
    return [EnterpriseFactory(area=area, name=name) for name in NAMES]


def _assert_same_as_icontains(model, field: str, terms: list[str]) -> None:
    for term in terms:
        expected = set(model.objects.filter(**{f"{field}__icontains": term}).values_list("pk", flat=True))
        found = set(model.objects.filter(**{f"{field}__contains_text": term}).values_list("pk", flat=True))
        assert found == expected, term


def test_the_name_search_finds_what_icontains_finds(named):
    _assert_same_as_icontains(Enterprise, "name", _terms(NAMES))


def test_the_name_search_composes_with_other_conditions(named):
    found = Enterprise.objects.filter(name__contains_text="岳阳").exclude(name__contains_text="食品")
    assert set(found.values_list("name", flat=True)) == {
        "湖南岳阳ABC电子科技有限公司",
        "岳阳（集团）股份有限公司",
        "岳阳·洞庭渔业",
    }
    assert Enterprise.objects.filter(name__contains_text="").count() == len(NAMES)


@pytest.mark.postgres
def test_on_postgresql_the_index_finds_what_icontains_finds(named):
    """The same equivalence with the table scan forbidden: the GIN index of the grams answers."""
    with connection.cursor() as cursor:
        _only_bitmap_scans(cursor)
        plan = "\n".join(row[0] for row in _explain(cursor, Enterprise.objects.filter(name__contains_text="岳阳")))
        assert "enterprise_name_grams" in plan
        _assert_same_as_icontains(Enterprise, "name", _terms(NAMES))


def _only_bitmap_scans(cursor, *tables: str) -> None:
    """Two thousand more names that match nothing searched here, the statistics up to date, and no table scan or
    plain index scan: what the search then uses is the GIN index (on a table of a few rows, anything would do)."""
    first = Enterprise.objects.order_by("pk").first()
    Enterprise.objects.bulk_create(
        Enterprise(
            name=f"填充{n}号",
            credit_code=build_credit_code(division_code="430602", organisation_base=f"{50_000_000 + n:08d}"),
            legal_representative="张三",
            address="岳阳市",
            district_id=first.district_id,
            area_id=first.area_id,
            industry_id=first.industry_id,
            scale=first.scale,
        )
        for n in range(2000)
    )
    for table in ("enterprises_enterprise", *tables):
        cursor.execute(f"ANALYZE {table}")
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("SET LOCAL enable_indexscan = off")


def _explain(cursor, queryset):
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    cursor.execute(f"EXPLAIN {sql}", params)
    return cursor.fetchall()


@pytest.fixture
def published(named):
    staff = UserFactory(role=Role.SUPERVISOR)
    now = timezone.now()
    rows = []
    for index, enterprise in enumerate(named[:8]):
        task = final_task(enterprise, Verdict.CONFORMING)
        rows.append(
            PublishedResult(
                task=task,
                campaign=task.campaign,
                enterprise=enterprise,
                year=task.campaign.year,
                enterprise_name=enterprise.name,
                credit_code=enterprise.credit_code,
                district_name="岳阳楼区",
                product_name=NAMES[-1 - index],
                verdict=Verdict.CONFORMING,
                published_at=now,
                published_by=staff,
            )
        )
    return PublishedResult.objects.bulk_create(rows)


def test_the_published_name_and_product_searches_find_what_icontains_finds(published):
    terms = _terms(NAMES[:8]) + ["食品", "阳光", "岳"]
    _assert_same_as_icontains(PublishedResult, "enterprise_name", terms)
    _assert_same_as_icontains(PublishedResult, "product_name", terms)


@pytest.mark.postgres
def test_on_postgresql_the_published_searches_use_their_indexes(published):
    with connection.cursor() as cursor:
        _only_bitmap_scans(cursor, "inspections_publishedresult")
        for field, index in (
            ("enterprise_name", "published_enterprise_name_grams"),
            ("product_name", "published_product_name_grams"),
        ):
            rows = PublishedResult.objects.filter(**{f"{field}__contains_text": "岳阳"})
            assert index in "\n".join(row[0] for row in _explain(cursor, rows)), field
        _assert_same_as_icontains(PublishedResult, "enterprise_name", _terms(NAMES[:8]))


# Every name search goes through it (on PostgreSQL the SQL names the grams function).


def _searches_through_the_index(client, url: str, params: dict) -> bool:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return any("qs_name_grams" in query["sql"] for query in queries.captured_queries)


@pytest.mark.postgres
def test_every_name_search_uses_the_index(client, actors, published):
    client.force_login(actors[Role.SUPERVISOR])
    assert _searches_through_the_index(client, reverse("enterprises:list"), {"q": "岳阳"})
    assert _searches_through_the_index(client, "/api/v1/enterprises/", {"q": "岳阳"})
    assert _searches_through_the_index(client, reverse("credit:overview"), {"q": "岳阳"})
    client.logout()
    assert _searches_through_the_index(client, reverse("portal:results"), {"enterprise": "岳阳"})
    assert _searches_through_the_index(client, reverse("portal:results"), {"product": "食品"})
    assert _searches_through_the_index(client, "/api/v1/public/results/", {"enterprise": "岳阳"})
    assert _searches_through_the_index(client, "/api/v1/public/enterprises/", {"q": "岳阳"})
    campaign = published[0].campaign_id
    assert _searches_through_the_index(client, reverse("inspections:public_campaign", args=[campaign]), {"q": "岳阳"})


@pytest.mark.postgres
def test_the_complaint_link_offers_enterprises_found_through_the_index(actors, named):
    from complaints.forms import LinkForm
    from tests.test_complaints_pages import filed

    complaint = filed(enterprise_name="岳阳（集团）")
    with CaptureQueriesContext(connection) as queries:
        form = LinkForm(complaint=complaint, user=actors[Role.SUPERVISOR])
        offered = list(form.fields["enterprise"].queryset)
    assert [enterprise.name for enterprise in offered] == ["岳阳（集团）股份有限公司"]
    assert any("qs_name_grams" in query["sql"] for query in queries.captured_queries)


def test_the_register_search_matches_a_name_or_the_start_of_a_credit_code(client, actors, named):
    client.force_login(actors[Role.SUPERVISOR])
    page = client.get(reverse("enterprises:list"), {"q": "岳阳"}).context["page"]
    assert {enterprise.pk for enterprise in page} == set(
        Enterprise.objects.filter(name__icontains="岳阳").values_list("pk", flat=True)
    )
    assert {name for name in NAMES if "岳阳" in name} <= {enterprise.name for enterprise in page}
    code = named[3].credit_code
    for typed in (code[:17], code[:17].lower(), f" {code} "):
        page = client.get(reverse("enterprises:list"), {"q": typed}).context["page"]
        assert [enterprise.pk for enterprise in page] == [named[3].pk], typed
