"""The public result search (/public/results/ and /api/v1/public/results/) at city scale, beside its floor.

    DATABASE_URL=postgres://... python bench/public_results.py --flush  # 100 000 enterprises, 1 000 000 results
    DATABASE_URL=postgres://... python bench/public_results.py --reuse  # over a city built before (credit.py --flush)
    DATABASE_URL=... python bench/public_results.py --smoke             # a tiny city of its own (EMPTIES the db)

--flush EMPTIES the database and builds the city set-based (benchkit.build_sql_city: minutes; bench/credit.py
--flush builds a richer one, with the demo city's builder, in about an hour on a loaded 2-core machine). It first
publishes every final result not yet published (set-based, as results_publish would: the
snapshot of the enterprise, product, verdict and laboratory; about one in 300 withdrawn, some replies), then VACUUM
ANALYZE. Each case is timed through Django's test client (the whole request: filters, queries, template or
serializer) alternately with its floor: the plain SQL that reads the same rows once, i.e. the page's rows (LIMIT
50, newest first, with the campaign) and the count of all matching rows that the page shows, on the same indexes.
Targets: under 150 ms, at most 2x the floor. --smoke runs every case once on a tiny city (seconds, figures not
judged), on SQLite or PostgreSQL.
"""

import argparse
import sys

from benchkit import (
    Table,
    build_sql_city,
    describe_machine,
    fresh_database,
    interleaved,
    query_count,
    request,
    setup_django,
    sql_runner,
    vacuum_analyze,
)

TARGET_MS = 150.0
TARGET_RATIO = 2.0
PAGE = 50
PRODUCTS = [
    "大米",
    "食用植物油",
    "小麦粉",
    "酱油",
    "食醋",
    "白酒",
    "啤酒",
    "饮料",
    "糕点",
    "乳制品",
    "电线电缆",
    "插头插座",
    "电热水壶",
    "儿童玩具",
    "童装",
    "床上用品",
    "化肥",
    "农药",
    "水泥",
    "建筑钢材",
    "瓷砖",
    "涂料",
    "塑料管材",
    "电动自行车",
    "头盔",
    "燃气灶具",
    "灭火器",
    "纸巾",
    "文具",
    "眼镜",
]


def publish_final_results() -> int:
    """Publish every final result not yet published, as results_publish would (set-based on PostgreSQL)."""
    from django.db import connection

    from accounts.models import User

    supervisor = User.objects.get(username="supervisor").pk
    if connection.vendor != "postgresql":
        return _publish_with_the_orm(supervisor)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO inspections_publishedresult (task_id, campaign_id, enterprise_id, year, enterprise_name,
                credit_code, district_name, product_name, specification, trademark, batch_number, verdict,
                failed_items, lab_name, published_at, published_by_id, reply, replied_at, withdrawn_at,
                withdraw_reason)
            SELECT t.id, t.campaign_id, t.enterprise_id, c.year, e.name, e.credit_code, d.name,
                (%(products)s::text[])[1 + t.campaign_id %% %(n_products)s], '', '', 'B' || t.id, t.verdict,
                CASE WHEN t.verdict = 'nonconforming' THEN '标签 (不合格; 应符合 GB 7718)' ELSE '' END,
                '基准测试实验室', p.at, %(supervisor)s,
                CASE WHEN t.verdict = 'nonconforming' AND t.id %% 3 = 0 THEN '已整改，复查合格' ELSE '' END,
                CASE WHEN t.verdict = 'nonconforming' AND t.id %% 3 = 0 THEN p.at + interval '5 days' END,
                CASE WHEN t.id %% 300 = 0 THEN p.at + interval '2 days' END,
                CASE WHEN t.id %% 300 = 0 THEN '样品编号录入错误' ELSE '' END
            FROM inspections_task t
            JOIN inspections_campaign c ON c.id = t.campaign_id
            JOIN enterprises_enterprise e ON e.id = t.enterprise_id
            JOIN enterprises_district d ON d.id = e.district_id
            CROSS JOIN LATERAL (
                SELECT LEAST(coalesce(t.finalised_at, t.created_at) + interval '8 days', now()) AS at
            ) p
            WHERE t.status = 'final'
              AND NOT EXISTS (SELECT 1 FROM inspections_publishedresult r WHERE r.task_id = t.id)
            ORDER BY p.at, t.id
            """,
            {"products": PRODUCTS, "n_products": len(PRODUCTS), "supervisor": supervisor},
        )
        return cursor.rowcount


def _publish_with_the_orm(supervisor: int) -> int:
    from django.utils import timezone

    from inspections.choices import TaskStatus
    from inspections.models import PublishedResult, Task

    tasks = Task.objects.filter(status=TaskStatus.FINAL, publication__isnull=True).select_related(
        "campaign", "enterprise__district"
    )
    now = timezone.now()
    rows = [
        PublishedResult(
            task=task,
            campaign=task.campaign,
            enterprise=task.enterprise,
            year=task.campaign.year,
            enterprise_name=task.enterprise.name,
            credit_code=task.enterprise.credit_code,
            district_name=task.enterprise.district.name,
            product_name=PRODUCTS[task.campaign_id % len(PRODUCTS)],
            verdict=task.verdict,
            lab_name="基准测试实验室",
            published_at=now,
            published_by_id=supervisor,
        )
        for task in tasks
    ]
    return len(PublishedResult.objects.bulk_create(rows))


def build_smoke_city() -> None:
    from django.utils import timezone

    from qsportal.demo.seed import seed_demo_city

    fresh_database()
    seed_demo_city(seed=2026, enterprises=120, as_of=timezone.localdate())


def name_condition(column: str) -> str:
    """The name search in plain SQL, as the floor writes it: on PostgreSQL through the grams index, elsewhere LIKE.
    Two parameters: term, %term%."""
    from django.db import connection

    like = f"upper({column}) LIKE upper(%s)"
    if connection.vendor == "postgresql":
        return f"(qs_name_grams({column}) @> qs_term_grams(%s) AND {like})"
    return f"(%s IS NOT NULL AND {like} ESCAPE '\\')"  # the term unused: LIKE alone


def like_parameter(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def floor_statements(where: str, params: list, offset: int = 0) -> list[tuple[str, list]]:
    """The page's rows (every column the list shows, with the campaign's year and title) and the count."""
    rows = (
        "SELECT p.*, c.year, c.title FROM inspections_publishedresult p"
        " JOIN inspections_campaign c ON c.id = p.campaign_id"
        f" WHERE p.withdrawn_at IS NULL{where} ORDER BY p.published_at DESC, p.id DESC LIMIT {PAGE} OFFSET {offset}"
    )
    count = f"SELECT count(*) FROM inspections_publishedresult p WHERE p.withdrawn_at IS NULL{where}"
    return [(rows, params), (count, params)]


def cases() -> list[tuple[str, str, list[tuple[str, list]], str]]:
    """(label, query string, floor statements, note) for each search."""
    from django.db.models import Count, Max, Min

    from inspections.models import PublishedResult

    standing = PublishedResult.objects.standing()
    years = standing.aggregate(first=Min("year"), last=Max("year"))
    by_campaign = standing.values("campaign").annotate(n=Count("pk")).order_by("-campaign")
    newest_campaign = by_campaign.first()["campaign"]
    sample = standing.order_by("pk")[standing.count() // 2]
    rare = rarest_pair(sample.enterprise_name)
    long_term = sample.enterprise_name[:5]
    result = []

    def name_case(label: str, term: str) -> None:
        where = f" AND ({name_condition('p.enterprise_name')} OR p.credit_code = %s)"
        params = [term, like_parameter(term), term.upper()]
        matches = standing.filter(enterprise_name__icontains=term).count()
        result.append((label, {"enterprise": term}, floor_statements(where, params), f"{term}: {matches:,} match"))

    result.append(("no filter, first page", {}, floor_statements("", []), ""))
    deep = max(1, min(20, standing.count() // PAGE))  # page 20, or the last full one of a smaller city
    result.append((f"no filter, page {deep}", {"page": deep}, floor_statements("", [], offset=(deep - 1) * PAGE), ""))
    name_case("enterprise name, 2 characters, common", "岳阳")
    name_case("enterprise name, 2 characters, rarer", rare)
    name_case("enterprise name, 5 characters", long_term)
    code = sample.credit_code
    result.append(
        (
            "enterprise credit code",
            {"enterprise": code},
            floor_statements(
                f" AND ({name_condition('p.enterprise_name')} OR p.credit_code = %s)",
                [code, like_parameter(code), code],
            ),
            "",
        )
    )
    for product in ("电线电缆", "食用植物油", "酒"):
        result.append(
            (
                f"product {product}",
                {"product": product},
                floor_statements(f" AND {name_condition('p.product_name')}", [product, like_parameter(product)]),
                "",
            )
        )
    for verdict in ("nonconforming", "refused"):
        result.append(
            (f"verdict {verdict}", {"verdict": verdict}, floor_statements(" AND p.verdict = %s", [verdict]), "")
        )
    result.append(
        (
            "newest campaign",
            {"campaign": newest_campaign},
            floor_statements(" AND p.campaign_id = %s", [newest_campaign]),
            "",
        )
    )
    for which in ("first", "last"):
        year = years[which]
        result.append((f"year {year}", {"year": year}, floor_statements(" AND p.year = %s", [year]), ""))
    year = years["first"]
    result.append(
        (
            f"year {year} + nonconforming",
            {"year": year, "verdict": "nonconforming"},
            floor_statements(" AND p.year = %s AND p.verdict = %s", [year, "nonconforming"]),
            "",
        )
    )
    result.append(
        (
            "enterprise id",
            {"enterprise_id": sample.enterprise_id},
            floor_statements(" AND p.enterprise_id = %s", [sample.enterprise_id]),
            "",
        )
    )
    return result


def rarest_pair(name: str) -> str:
    """The two consecutive characters of `name` that the fewest enterprise names hold."""
    from enterprises.models import Enterprise

    pairs = {name[i : i + 2] for i in range(len(name) - 1)}
    return min(sorted(pairs), key=lambda pair: Enterprise.objects.filter(name__icontains=pair).count())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--flush", action="store_true", help="EMPTY the database and build the city (PostgreSQL)")
    parser.add_argument("--reuse", action="store_true", help="measure the city bench/credit.py --flush built")
    parser.add_argument("--smoke", action="store_true", help="a tiny city of its own (EMPTIES the database), once")
    args = parser.parse_args()
    if not (args.flush or args.reuse or args.smoke):
        parser.error("pass --flush (empties the database), --reuse (after a --flush) or --smoke (empties it too)")
    setup_django()
    from urllib.parse import urlencode

    from django.test import Client, override_settings

    from inspections.models import PublishedResult

    runs = 1 if args.smoke else args.runs
    if args.smoke:
        build_smoke_city()
    elif args.flush:
        build_sql_city(args.enterprises, args.results)
    published = publish_final_results()
    vacuum_analyze("inspections_publishedresult")
    total = PublishedResult.objects.standing().count()
    print(f"published {published:,} more results; {total:,} standing")
    print(describe_machine())
    client = Client()
    rates = {"DEFAULT_THROTTLE_RATES": {"public": "1000000/min"}}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), **rates}):
        for surface, path in (("page", "/public/results/"), ("API", "/api/v1/public/results/")):
            print(f"\n{surface} {path} (median of {runs}, alternating with the floor)")
            table = Table(target_ms=TARGET_MS, target_ratio=TARGET_RATIO, smoke=args.smoke)
            for label, params, statements, note in cases():
                url = f"{path}?{urlencode(params)}" if params else path
                get, floor = request(client, url), sql_runner(statements)
                project_ms, floor_ms = interleaved(runs, get, floor)
                table.row(label, project_ms, floor_ms, query_count(get), note)
            table.summary()
    print(f"\nload average at the end: {describe_machine().rsplit('load average ', 1)[1]}")


def _rest_framework() -> dict:
    from django.conf import settings

    return dict(settings.REST_FRAMEWORK)


if __name__ == "__main__":
    sys.exit(main())
