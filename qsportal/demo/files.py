"""Fill the files of the demo enterprises that have accounts: products with their standards, quality staff,
self-inspection reports at every stage, a penalty and an interview. Written through the services, so the change
history and the timeline show them as they would after real use."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from enterprises import services
from enterprises.choices import CheckRating, StandardKind
from enterprises.models import Enterprise, Interview, Penalty, Product, QualityStaff, Standard
from enterprises.selectors import last_finished_quarter
from qsportal.demo import city

NATIONAL_STANDARDS = {
    "13": [("GB 2762-2022", "食品安全国家标准 食品中污染物限量"), ("GB/T 1354-2018", "大米")],
    "14": [("GB 7099-2015", "食品安全国家标准 糕点、面包"), ("GB 2760-2024", "食品安全国家标准 食品添加剂使用标准")],
    "15": [("GB 2757-2012", "食品安全国家标准 蒸馏酒及其配制酒"), ("GB/T 32719.4-2016", "黑茶 第4部分：花卷茶")],
    "20": [("GB/T 9846-2015", "普通胶合板")],
    "22": [("GB 4806.8-2022", "食品安全国家标准 食品接触用纸和纸板材料及制品")],
    "24": [("GB 6675.1-2014", "玩具安全 第1部分：基本规范")],
    "26": [("GB/T 15063-2020", "复合肥料")],
    "29": [("GB 4806.7-2023", "食品安全国家标准 食品接触用塑料材料及制品")],
    "30": [("GB 175-2023", "通用硅酸盐水泥")],
    "31": [("GB/T 1499.2-2024", "钢筋混凝土用钢 第2部分：热轧带肋钢筋")],
    "34": [("GB/T 150.1-2024", "压力容器 第1部分：通用要求")],
    "35": [("GB/T 16507.1-2022", "水管锅炉 第1部分：总则")],
    "36": [("GB 4599-2024", "汽车道路照明装置及系统")],
    "37": [("GB 17761-2024", "电动自行车安全技术规范")],
    "38": [
        ("GB 4706.1-2024", "家用和类似用途电器的安全 第1部分：通用要求"),
        ("GB/T 5023.1-2008", "额定电压450/750V及以下聚氯乙烯绝缘电缆"),
    ],
    "39": [("GB 4943.1-2022", "音视频、信息技术和通信技术设备 第1部分：安全要求")],
    "40": [("GB/T 7722-2020", "电子台案秤")],
}


def seed_enterprise_files(*, rng: random.Random, as_of: datetime.date) -> None:
    supervisor = User.objects.get(username="supervisor")
    standards = {
        code: Standard.objects.get_or_create(code=code, defaults={"title": title, "kind": StandardKind.NATIONAL})[0]
        for entries in NATIONAL_STANDARDS.values()
        for code, title in entries
    }
    year, quarter = last_finished_quarter(as_of)
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    users = User.objects.filter(role=Role.ENTERPRISE).select_related("enterprise__industry").order_by("pk")
    for n, user in enumerate(users):
        enterprise: Enterprise = user.enterprise
        code = enterprise.industry.code
        _products(enterprise, user, code, standards, rng)
        _staff(enterprise, user, rng)
        _reports(enterprise, user, supervisor, previous, (year, quarter), stage=n % 4, as_of=as_of, rng=rng)
        if n % 5 == 1:
            _penalty(enterprise, supervisor, n, as_of)
        if n % 5 == 2:
            _interview(enterprise, supervisor, as_of)


def _products(enterprise, user, code, standards, rng) -> None:
    names = [scope for _kind, _chance, scopes in city.LICENCE_PROFILES.get(code, []) for scope in scopes]
    for name in rng.sample(names, min(len(names), 2)) or [f"{city.INDUSTRY_WORDS.get(code, ['产品'])[0]}产品"]:
        product = Product(enterprise=enterprise, name=name, specification=rng.choice(["", "标准型", "A型", "500g"]))
        linked = [standards[c] for c, _title in NATIONAL_STANDARDS.get(code, [])]
        services.product_save(actor=user, product=product, standards=linked)


def _staff(enterprise, user, rng) -> None:
    members = [
        QualityStaff(
            enterprise=enterprise,
            name=_person(rng),
            position="质量总监",
            is_chief_quality_officer=True,
            qualification="注册质量工程师",
        ),
        QualityStaff(enterprise=enterprise, name=_person(rng), position="质检员", qualification="质量检验员证"),
    ]
    for member in members:
        services.record_save(member, actor=user)


def _reports(enterprise, user, supervisor, previous, latest, *, stage: int, as_of, rng) -> None:
    """The earlier quarter accepted; the latest one submitted, returned, accepted or not filed, by `stage`."""
    for (year, quarter), final in (
        (previous, "accepted"),
        (latest, ("submitted", "returned", "accepted", None)[stage]),
    ):
        if final is None:
            continue
        values = {
            "year": year,
            "quarter": quarter,
            **{
                name: rng.choice(CheckRating.values)
                for name in ("quality_awareness", "assurance_system", "quality_level", "site_management", "after_sales")
            },
            "findings": rng.choice(
                ["无重大质量问题。", "个别批次包装标识不规范，已整改。", "售后响应偏慢，已增设客服岗位。"]
            ),
            "output_value": Decimal(rng.randint(500, 50_000)) / 10,
            "quality_loss_rate": Decimal(rng.randint(5, 300)) / 100,
            "complaints_received": rng.randint(0, 6),
        }
        # Most reports arrive in the fortnight before they are due, one in six a few days late; reviews follow.
        due = services.self_report_due_on(year, quarter)
        day = due + datetime.timedelta(days=rng.randint(1, 6) if rng.random() < 1 / 6 else -rng.randint(0, 14))
        submitted = min(_moment(day, rng), _moment(as_of, rng))
        reviewed = min(submitted + datetime.timedelta(days=rng.randint(1, 10)), _moment(as_of, rng))
        report = services.self_report_submit(actor=user, enterprise=enterprise, values=values, files=[], now=submitted)
        if final == "accepted":
            services.self_report_review(actor=supervisor, report=report, accept=True, comment="", now=reviewed)
        elif final == "returned":
            comment = "质量损失率计算口径有误，请核实后重报。"
            services.self_report_review(actor=supervisor, report=report, accept=False, comment=comment, now=reviewed)


def _penalty(enterprise, supervisor, n, as_of) -> None:
    services.record_save(
        Penalty(
            enterprise=enterprise,
            recorded_by=supervisor,
            decision_number=f"岳市监处罚〔{as_of.year}〕{n + 10}号",
            decided_on=as_of - datetime.timedelta(days=40),
            grounds="生产销售标签不符合食品安全标准的产品",
            amount=Decimal("20000.00"),
            is_heavier=False,
        ),
        actor=supervisor,
    )


def _interview(enterprise, supervisor, as_of) -> None:
    services.record_save(
        Interview(
            enterprise=enterprise,
            recorded_by=supervisor,
            held_on=as_of - datetime.timedelta(days=20),
            reason="监督抽查不合格，约谈企业主要负责人",
            attendees="总经理、首席质量官",
            outcome="企业承诺30日内完成整改",
        ),
        actor=supervisor,
    )


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A time during office hours on `day`, in the bureau's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59))))


def _person(rng: random.Random) -> str:
    return rng.choice(city.SURNAMES) + "".join(rng.choice(city.GIVEN) for _ in range(rng.choice((1, 2))))
