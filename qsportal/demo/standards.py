"""Standardization in the demo city, written through `standards.services` as the bureau and the enterprises would:

- the standards staff member `standards` (a supervisor of the standardization section);
- a catalogue of a few hundred national, industry, local and group standards, some abolished or replaced by a
  newer edition, and older editions of standards the demo products follow (GB 2760-2014, GB 175-2007, ...), still
  executed by some products: the worklist and those enterprises' warnings (the demo account `enterprise` among
  them);
- enterprise standards of the enterprises with accounts, self-declared with their indicators, two of them below
  the national standard they claim (one checked by staff, one waiting), and group standards declared;
- ten standard-setting projects at every stage, led or joined, four published this year; the city's targets.

Pilot projects and TBT alerts are not built yet (see the README)."""

import datetime
import random
from decimal import Decimal

from accounts.models import User
from accounts.roles import Role, Section
from enterprises.choices import StandardKind, StandardStatus
from enterprises.models import District, Enterprise, Product, Standard
from standards import services
from standards.choices import CheckOutcome, DeclarationPlatform, ProjectLevel, ProjectRole, ProjectStage, TargetMeasure
from standards.models import StandardProject

# (old edition, new edition, title): the old one still executed by some demo products.
EDITIONS = [
    ("GB 2760-2014", "GB 2760-2024", "食品安全国家标准 食品添加剂使用标准"),
    ("GB 175-2007", "GB 175-2023", "通用硅酸盐水泥"),
    ("GB 17761-2018", "GB 17761-2024", "电动自行车安全技术规范"),
    ("GB 4706.1-2005", "GB 4706.1-2024", "家用和类似用途电器的安全 第1部分：通用要求"),
    ("GB/T 1499.2-2018", "GB/T 1499.2-2024", "钢筋混凝土用钢 第2部分：热轧带肋钢筋"),
]
SUBJECTS = [
    "大米",
    "挂面",
    "酱油",
    "食醋",
    "黄酒",
    "茶叶",
    "腊肉",
    "豆腐干",
    "月饼",
    "糕点",
    "蜂蜜",
    "菜籽油",
    "复合肥料",
    "胶合板",
    "瓦楞纸箱",
    "塑料编织袋",
    "电线电缆",
    "家用电器",
    "电动自行车",
    "水泥",
    "钢筋",
    "压力容器",
    "阀门",
    "水泵",
    "电子秤",
    "LED照明",
    "玩具",
    "童装",
    "服装",
    "鞋类",
    "陶瓷餐具",
    "不锈钢器皿",
    "涂料",
    "胶粘剂",
]
ASPECTS = ["技术条件", "通用技术要求", "试验方法", "安全要求", "生产技术规范", "质量分级", "检验规则"]
PREFIXES = [
    ("GB/T", StandardKind.NATIONAL),
    ("GB", StandardKind.NATIONAL),
    ("QB/T", StandardKind.INDUSTRY),
    ("JB/T", StandardKind.INDUSTRY),
    ("SB/T", StandardKind.INDUSTRY),
    ("DB43/T", StandardKind.LOCAL),
    ("T/HNAS", StandardKind.GROUP),
    ("T/YYZL", StandardKind.GROUP),
]
CATALOGUE_SIZE = 300
PROJECT_TITLES = [
    "岳阳黄茶 加工技术规程",
    "洞庭湖大米 质量分级",
    "电线电缆 绿色工厂评价要求",
    "复合肥料 生产技术规范",
    "电动自行车用锂离子电池 安全技术要求",
    "压力容器 数字化检验规程",
    "湘派腊肉 生产技术规范",
    "胶合板 甲醛释放限量分级",
    "不锈钢水泵 能效限定值",
    "智能电子秤 通用技术条件",
]


def seed_standards(*, rng: random.Random, as_of: datetime.date, password: str) -> None:
    staff = User.objects.create(
        username="standards",
        full_name="标准化科 王敏",
        role=Role.SUPERVISOR,
        section=Section.STANDARDIZATION,
        password=password,
    )
    _catalogue(rng, staff, as_of)
    outdated = _editions(staff)
    accounts = list(User.objects.filter(role=Role.ENTERPRISE).select_related("enterprise__industry").order_by("pk"))
    _still_executed(accounts, outdated, staff)
    _declarations(rng, accounts, staff, as_of)
    _projects(rng, staff, as_of)
    for measure, target in ((TargetMeasure.LED, 6), (TargetMeasure.JOINED, 10), (TargetMeasure.DECLARATIONS, 30)):
        services.target_set(actor=staff, year=as_of.year, measure=measure, target=target)


def _catalogue(rng, staff, as_of) -> None:
    rows, seen = [], set(Standard.objects.values_list("code", flat=True))
    while len(rows) < CATALOGUE_SIZE:
        prefix, kind = rng.choice(PREFIXES)
        year = rng.randint(2008, as_of.year)
        code = f"{prefix} {rng.randint(1000, 40000)}-{year}"
        if code in seen:
            continue
        seen.add(code)
        title = f"{rng.choice(SUBJECTS)} {rng.choice(ASPECTS)}"
        issued = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        status = StandardStatus.CURRENT
        if issued > as_of - datetime.timedelta(days=120):
            status = StandardStatus.UPCOMING
        elif year < 2012 and rng.random() < 0.5:
            status = StandardStatus.ABOLISHED
        rows.append(
            Standard(
                code=code,
                title=title,
                kind=kind,
                status=status,
                issued_on=issued,
                effective_on=issued + datetime.timedelta(days=180),
                abolished_on=as_of - datetime.timedelta(days=rng.randint(30, 900))
                if status == StandardStatus.ABOLISHED
                else None,
            )
        )
    Standard.objects.bulk_create(rows)
    # A few of the old ones replaced by a newer standard of the catalogue, as the national catalogue records.
    current = [row for row in rows if row.status == StandardStatus.CURRENT]
    for old in [row for row in rows if row.status == StandardStatus.ABOLISHED][:10]:
        services.standard_save(actor=staff, standard=old, status=StandardStatus.REPLACED, successor=rng.choice(current))


def _editions(staff) -> dict[str, Standard]:
    """The older editions of the demo's national standards, replaced by the editions on file."""
    outdated = {}
    for old_code, new_code, title in EDITIONS:
        new = Standard.objects.get_or_create(code=new_code, defaults={"title": title, "kind": StandardKind.NATIONAL})[0]
        old = Standard.objects.create(code=old_code, title=title, kind=StandardKind.NATIONAL)
        services.standard_save(actor=staff, standard=old, status=StandardStatus.REPLACED, successor=new)
        outdated[new_code] = old
    return outdated


def _still_executed(accounts, outdated, staff) -> None:
    """Some products still name the old edition: every product of the first enterprise whose standards have one,
    and one product in three elsewhere."""
    from enterprises import services as enterprise_services

    if accounts:  # the demo account `enterprise` always has one: an older edition of a standard it follows
        product = Product.objects.filter(enterprise=accounts[0].enterprise, standards__isnull=False).first()
        followed = product.standards.order_by("code").first() if product else None
        number, _dash, year = followed.code.rpartition("-") if followed else ("", "", "")
        older = f"{number}-{int(year) - 5}" if year.isdigit() else ""
        if older and followed.code not in outdated and not Standard.objects.filter(code=older).exists():
            old = Standard.objects.create(code=older, title=followed.title, kind=followed.kind)
            services.standard_save(actor=staff, standard=old, status=StandardStatus.REPLACED, successor=followed)
            outdated[followed.code] = old
    for n, user in enumerate(accounts):
        for m, product in enumerate(Product.objects.filter(enterprise=user.enterprise).prefetch_related("standards")):
            standards = list(product.standards.all())
            swapped = [outdated.get(s.code, s) for s in standards]
            if swapped != standards and (n == 0 or (n + m) % 3 == 0):
                enterprise_services.product_save(actor=user, product=product, standards=swapped)


def _declarations(rng, accounts, staff, as_of) -> None:
    gb = Standard.objects.filter(kind=StandardKind.NATIONAL, status=StandardStatus.CURRENT).order_by("code")
    groups = list(Standard.objects.filter(kind=StandardKind.GROUP, status=StandardStatus.CURRENT).order_by("code")[:6])
    from enterprises import services as enterprise_services

    for n, user in enumerate(accounts[:14]):
        enterprise: Enterprise = user.enterprise
        declared_on = as_of - datetime.timedelta(days=rng.randint(10, 400))
        own = Standard.objects.create(
            code=f"Q/{enterprise.credit_code[8:14]} {n + 1:04d}-{declared_on.year}",
            title=f"{enterprise.name}企业标准",
            kind=StandardKind.ENTERPRISE,
            owner=enterprise,
            published_on=declared_on,
        )
        below = n in (2, 5)
        national = Decimal("2.9")
        indicators = [
            {
                "name": "主要成分含量",
                "unit": "%",
                "declared_value": national + (Decimal("-0.4") if below else Decimal("0.3")),
                "national_value": national,
            },
            {
                "name": "杂质限量",
                "unit": "mg/kg",
                "declared_value": Decimal("0.1"),
                "national_value": Decimal("0.2"),
                "higher_is_better": False,
            },
        ]
        if n % 4 != 3:  # one in four leaves its enterprise standard undeclared: the worklist shows its products
            declaration = services.declaration_create(
                actor=user,
                enterprise=enterprise,
                standard=own,
                declared_on=declared_on,
                platform=DeclarationPlatform.NATIONAL,
                url="https://www.cpbz.gov.cn/",
                claimed_standard=gb[n % gb.count()],
                indicators=indicators,
            )
            if n == 5:
                services.declaration_check(
                    actor=staff,
                    declaration=declaration,
                    outcome=CheckOutcome.BELOW,
                    note="主要成分含量低于所声称的国家标准，已告知企业修订企业标准。",
                )
        product = Product.objects.filter(enterprise=enterprise).first()
        if product is not None:
            enterprise_services.product_save(actor=user, product=product, standards=[*product.standards.all(), own])
        if groups and n % 3 == 0:
            services.declaration_create(
                actor=user,
                enterprise=enterprise,
                standard=groups[n % len(groups)],
                declared_on=declared_on,
                platform=DeclarationPlatform.OWN_WEBSITE,
            )


def _projects(rng, staff, as_of) -> None:
    stages = [ProjectStage.PUBLISHED] * 4 + [
        ProjectStage.PROPOSAL,
        ProjectStage.DRAFTING,
        ProjectStage.COMMENTS,
        ProjectStage.REVIEW,
        ProjectStage.APPROVAL,
        ProjectStage.DRAFTING,
    ]
    levels = [ProjectLevel.NATIONAL, ProjectLevel.INDUSTRY, ProjectLevel.LOCAL, ProjectLevel.GROUP]
    enterprises = list(Enterprise.objects.filter(scale="above").order_by("pk")[:10])
    districts = list(District.objects.order_by("pk"))
    for n, (title, stage) in enumerate(zip(PROJECT_TITLES, stages, strict=True)):
        level = levels[n % len(levels)]
        enterprise = enterprises[n] if n < len(enterprises) and n != 7 else None
        published = stage == ProjectStage.PUBLISHED
        project = StandardProject(
            title=title,
            level=level,
            role=ProjectRole.LEAD if n % 3 != 2 else ProjectRole.PARTICIPANT,
            enterprise=enterprise,
            body="" if enterprise else "岳阳市标准化研究院",
            district=enterprise.district if enterprise else rng.choice(districts),
            stage=stage,
            proposed_on=as_of - datetime.timedelta(days=400 - 20 * n),
            published_on=as_of - datetime.timedelta(days=30 + 20 * n) if published else None,
            number=f"{dict(PREFIXES_BY_LEVEL)[level]} {3100 + n}-{as_of.year}" if published else "",
        )
        services.project_save(actor=staff, project=project)


PREFIXES_BY_LEVEL = [
    (ProjectLevel.NATIONAL, "GB/T"),
    (ProjectLevel.INDUSTRY, "QB/T"),
    (ProjectLevel.LOCAL, "DB43/T"),
    (ProjectLevel.GROUP, "T/HNAS"),
    (ProjectLevel.INTERNATIONAL, "ISO"),
]
