"""The Chinese name search (core.search.ContainsText, `name__contains_text`) at city scale, beside its floor and
the table scan it replaces (`name__icontains`).

    DATABASE_URL=postgres://... python bench/name_search.py --reuse   # over the city a register/credit bench built
    DATABASE_URL=... python bench/name_search.py --smoke              # a tiny city of its own (EMPTIES the database)

Each term is searched as a list asks: how many names hold it, and the first 50 of them by name. The project figure
is that through the ORM; the floor the same two statements in plain SQL on the same index; "icontains" the same
through the former lookup (a scan of the table). Every term's rows are checked equal to icontains'. Target: under
20 ms for terms of two or more characters, at most 2x the floor.
"""

import argparse
import sys

from benchkit import Table, describe_machine, fresh_database, interleaved, setup_django, sql_runner, vacuum_analyze

TARGET_MS = 20.0
TARGET_RATIO = 2.0
PAGE = 50


def search(lookup: str, term: str):
    from enterprises.models import Enterprise

    rows = Enterprise.objects.filter(**{f"name__{lookup}": term})

    def run() -> tuple[int, list]:
        return rows.count(), list(rows.order_by("name", "pk").values_list("pk", "name")[:PAGE])

    return run


def floor_statements(term: str) -> list[tuple[str, list]]:
    from django.db import connection

    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if connection.vendor == "postgresql":
        where = "qs_name_grams(name) @> qs_term_grams(%s) AND upper(name) LIKE upper(%s)"
        params = [term, like]
    else:
        where, params = "upper(name) LIKE upper(%s) ESCAPE '\\'", [like]
    return [
        (f"SELECT count(*) FROM enterprises_enterprise WHERE {where}", params),
        (f"SELECT id, name FROM enterprises_enterprise WHERE {where} ORDER BY name, id LIMIT {PAGE}", params),
    ]


def terms() -> list[str]:
    """One character, two (common and rare), three, and longer: taken from the names on file."""
    from enterprises.models import Enterprise

    names = Enterprise.objects.order_by("pk")
    sample = names[names.count() // 2].name
    pairs = sorted({sample[i : i + 2] for i in range(len(sample) - 1)})
    rare = min(pairs, key=lambda pair: Enterprise.objects.filter(name__icontains=pair).count())
    return ["岳", "岳阳", rare, "有限公司", "岳阳市", sample[:3], sample[:6], "洞庭湖", "无此企业名称"]


def build_smoke_city() -> None:
    from django.utils import timezone

    from qsportal.demo.seed import seed_demo_city

    fresh_database()
    seed_demo_city(seed=2026, enterprises=120, as_of=timezone.localdate())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--reuse", action="store_true", help="measure the enterprises on file (a prior bench's city)")
    parser.add_argument("--smoke", action="store_true", help="a tiny city of its own (EMPTIES the database), once")
    args = parser.parse_args()
    if not (args.reuse or args.smoke):
        parser.error("pass --reuse (over a city a prior bench built) or --smoke (empties the database)")
    setup_django()
    from enterprises.models import Enterprise

    if args.smoke:
        build_smoke_city()
    vacuum_analyze("enterprises_enterprise")
    runs = 1 if args.smoke else args.runs
    print(f"{Enterprise.objects.count():,} enterprises; {describe_machine()}")
    print(f"median of {runs}, alternating with the floor and icontains")
    table = Table(target_ms=TARGET_MS, target_ratio=TARGET_RATIO, smoke=args.smoke, extra="icontains ms, matches")
    for term in terms():
        project, before = search("contains_text", term), search("icontains", term)
        found, expected = project(), before()
        assert found == expected, (term, found[0], expected[0])  # the same rows as icontains
        project_ms, floor_ms, before_ms = interleaved(runs, project, sql_runner(floor_statements(term)), before)
        label = f"{term} ({len(term)} character{'s' if len(term) > 1 else ''})"
        if len(term) < 2:
            label += ", not judged"
        table.row(label, project_ms, floor_ms, 2, f"{before_ms:9.1f}  {found[0]:,}")
        if len(term) < 2 and table.missed and table.missed[-1] == label:
            table.missed.pop()
    table.summary()
    print(f"load average at the end: {describe_machine().rsplit('load average ', 1)[1]}")


if __name__ == "__main__":
    sys.exit(main())
