"""The register's list page and API list at city scale, first and deep pages, beside their floor.

    DATABASE_URL=postgres://... python bench/register_list.py --flush [--enterprises 100000 --licences 300000]
    DATABASE_URL=postgres://... python bench/register_list.py --reuse   # the database as a prior run built it
    DATABASE_URL=... python bench/register_list.py --smoke              # a tiny city of its own (EMPTIES the db)

--flush EMPTIES the database that DATABASE_URL names, builds the demo city and tops the licences up to
--licences. Each case goes through Django's test client (signed in as the supervisor), timed alternately with its
floor: the plain SQL that reads the same rows once (the page's keys from the index, then those rows with their
district, area, industry and next licence expiry, and the count the page shows; for the API also the page's
licences, products and self-reports). Targets: under 100 ms, at most 2x the floor.
"""

import argparse
import datetime
import random
import sys

from benchkit import (
    Table,
    describe_machine,
    fresh_database,
    interleaved,
    query_count,
    request,
    setup_django,
    sql_runner,
    vacuum_analyze,
)

AS_OF = datetime.date(2026, 11, 1)
TARGET_MS = 100.0
TARGET_RATIO = 2.0
PAGE = 50


def build(enterprises: int, licences: int) -> None:
    import time

    from core.bulk import bulk_insert
    from enterprises.choices import LicenceKind
    from enterprises.models import Enterprise, Licence
    from qsportal.demo.seed import seed_demo_city

    fresh_database()
    started = time.perf_counter()
    result = seed_demo_city(seed=2026, enterprises=enterprises, as_of=AS_OF)
    missing = licences - result.licences
    rng = random.Random(4754)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    rows = []
    for n in range(max(missing, 0)):
        issued = AS_OF - datetime.timedelta(days=rng.randint(0, 5 * 365))
        rows.append(
            (
                rng.choice(ids),
                LicenceKind.ISO_9001,
                f"BENCH-{n:07d}",
                "",
                issued,
                issued + datetime.timedelta(days=1095),
            )
        )
    bulk_insert(Licence, ("enterprise", "kind", "number", "scope", "issued_on", "expires_on"), rows)
    print(
        f"built {Enterprise.objects.count():,} enterprises and {Licence.objects.count():,} licences "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _next_expiry() -> str:
    from enterprises.choices import ABOLISHED_LICENCE_KINDS

    kinds = ", ".join(["%s"] * len(ABOLISHED_LICENCE_KINDS))
    return (
        f"(SELECT l.expires_on FROM enterprises_licence l WHERE l.enterprise_id = e.id AND l.kind NOT IN ({kinds})"
        " ORDER BY l.expires_on LIMIT 1)"
    )


def page_floor(where: str, params: list, order: str, offset: int, *, api: bool = False) -> list[tuple[str, list]]:
    """The page's keys (filtered, ordered, offset) and those rows with what the list shows; the count; for the API
    also the page's licences, products (with their standards) and self-reports."""
    from enterprises.choices import ABOLISHED_LICENCE_KINDS

    abolished = list(ABOLISHED_LICENCE_KINDS)
    next_expiry = _next_expiry()
    order_sql = order.replace("next_expiry", next_expiry)
    order_params = abolished * order.count("next_expiry")
    keys = (
        f"SELECT e.id FROM enterprises_enterprise e WHERE {where} ORDER BY {order_sql}, e.id LIMIT {PAGE}"
        f" OFFSET {offset}"
    )
    rows = (
        f"SELECT e.*, d.name, a.name, i.name, {next_expiry} AS next_expiry FROM enterprises_enterprise e"
        " JOIN enterprises_district d ON d.id = e.district_id"
        " JOIN enterprises_responsibilityarea a ON a.id = e.area_id"
        " JOIN enterprises_industry i ON i.id = e.industry_id"
        f" WHERE e.id IN ({keys})"
    )
    statements = [
        (rows, [*abolished, *params, *order_params]),
        (f"SELECT count(*) FROM enterprises_enterprise e WHERE {where}", params),
    ]
    if api:
        page_ids = f"SELECT id FROM ({keys}) k"
        for table in ("enterprises_licence", "enterprises_product", "enterprises_selfreport"):
            statements.append((f"SELECT * FROM {table} WHERE enterprise_id IN ({page_ids})", [*params, *order_params]))
        statements.append(
            (
                "SELECT ps.* FROM enterprises_product_standards ps JOIN enterprises_product p ON p.id = ps.product_id"
                f" WHERE p.enterprise_id IN ({page_ids})",
                [*params, *order_params],
            )
        )
    return statements


def name_search(term: str) -> tuple[str, list]:
    """The register's search for a Chinese term (no credit code starts with it) in plain SQL."""
    from django.db import connection

    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if connection.vendor == "postgresql":
        return "(qs_name_grams(e.name) @> qs_term_grams(%s) AND upper(e.name) LIKE upper(%s))", [term, like]
    return "upper(e.name) LIKE upper(%s) ESCAPE '\\'", [like]


def cases(total: int) -> list[tuple[str, str, list[tuple[str, list]]]]:
    from enterprises.models import District

    district = District.objects.order_by("code").first()
    deep = max(1, min(2000, total // PAGE))  # page 2000, or the last full page of a smaller city
    mid = max(1, deep // 2)
    food = (
        "e.district_id = %s AND EXISTS (SELECT 1 FROM enterprises_licence l WHERE l.enterprise_id = e.id"
        " AND l.kind = %s)"
    )
    search, search_params = name_search("岳阳")
    rare, rare_params = name_search("洞庭湖")
    return [
        ("page 1, by name", "/enterprises/", page_floor("true", [], "e.name", 0)),
        (f"page {mid}, by name", f"/enterprises/?page={mid}", page_floor("true", [], "e.name", (mid - 1) * PAGE)),
        (f"page {deep}, by name", f"/enterprises/?page={deep}", page_floor("true", [], "e.name", (deep - 1) * PAGE)),
        (
            f"page {deep}, by credit code",
            f"/enterprises/?page={deep}&sort=code",
            page_floor("true", [], "e.credit_code", (deep - 1) * PAGE),
        ),
        (
            f"page {deep}, by next expiry",
            f"/enterprises/?page={deep}&sort=expiry",
            page_floor("true", [], "next_expiry NULLS LAST", (deep - 1) * PAGE),
        ),
        (
            "district + food licence, by name",
            f"/enterprises/?district={district.pk}&licence_kind=food_production&sort=name",
            page_floor(food, [district.pk, "food_production"], "e.name", 0),
        ),
        ("name search 岳阳, page 1", "/enterprises/?q=岳阳", page_floor(search, search_params, "e.name", 0)),
        ("name search 洞庭湖, page 1", "/enterprises/?q=洞庭湖", page_floor(rare, rare_params, "e.name", 0)),
        (
            f"API page {deep}, page_size 50",
            f"/api/v1/enterprises/?page={deep}&page_size=50",
            page_floor("true", [], "e.name", (deep - 1) * PAGE, api=True),
        ),
        (
            "API name search 岳阳",
            "/api/v1/enterprises/?q=岳阳&page_size=50",
            page_floor(search, search_params, "e.name", 0, api=True),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--licences", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--flush", action="store_true", help="confirm that the database may be emptied")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (built by a prior run)")
    parser.add_argument("--smoke", action="store_true", help="a tiny city of its own (EMPTIES the database), once")
    args = parser.parse_args()
    if not (args.flush or args.reuse or args.smoke):
        parser.error("pass --flush to confirm that the database named by DATABASE_URL may be emptied (or --reuse)")
    setup_django()
    from django.test import Client

    from accounts.models import User
    from enterprises.models import Enterprise

    if args.smoke:
        build(120, 0)
    elif args.flush:
        build(args.enterprises, args.licences)
    vacuum_analyze("enterprises_enterprise", "enterprises_licence")
    runs = 1 if args.smoke else args.runs
    total = Enterprise.objects.count()
    print(f"{total:,} enterprises; {describe_machine()}")
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    print(f"median of {runs}, alternating with the floor")
    table = Table(target_ms=TARGET_MS, target_ratio=TARGET_RATIO, smoke=args.smoke)
    for label, url, statements in cases(total):
        get, floor = request(client, url), sql_runner(statements)
        project_ms, floor_ms = interleaved(runs, get, floor)
        table.row(label, project_ms, floor_ms, query_count(get))
    table.summary()
    print(f"load average at the end: {describe_machine().rsplit('load average ', 1)[1]}")


if __name__ == "__main__":
    sys.exit(main())
