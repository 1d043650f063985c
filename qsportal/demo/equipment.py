"""Special equipment in the demo city (特种设备安全监察), loaded set-based and dated from the as-of day:

- elevators in residential compounds of the central districts (小区), boilers and pressure vessels at factories,
  cranes and forklifts at the Chenglingji port (城陵矶港), rides in the South Lake amusement park (南湖游乐园);
- most registered and within their inspection period; some due within 30 days (the using unit's reminders and
  staff's worklist); some overdue and some failed at their last inspection ("must not be used"); one failed and
  then passed at re-inspection; a few put into use lately and not yet registered, one of them applied for and
  waiting for staff, one returned; one unregistered past the 30 days;
- the special-equipment section's supervisor `equipment`, and the reminders the daily task records.

- operators with their certificates at most using units whose equipment needs them; some certificates expired,
  and some using units with none, so their units are flagged.

Accidents, entrapments, hazards and the safety director's records are not in the app yet, so not in the demo."""

import datetime
import random

from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, Section
from core.bulk import bulk_insert, history_baseline
from enterprises.choices import EnterpriseStatus
from enterprises.models import District, Enterprise
from equipment.choices import Conclusion, RegistrationStatus, UnitStatus
from equipment.models import Category, Inspection, Operator, Registration, Unit, add_months
from equipment.reference_data import ensure_categories
from equipment.services import reminders_record

INSTITUTION = "岳阳市特种设备检验检测所"
COMPOUNDS = ["南湖名都", "金鹗御园", "洞庭花园", "巴陵春天", "岳州府小区", "东方明珠苑", "王家河壹号", "东茅岭小区"]
MAKERS = {
    "3000": [("通力电梯有限公司", "KONE 3000 MonoSpace"), ("日立电梯（中国）有限公司", "HGP"), ("广州广日电梯", "GRN")],
    "1000": [("太原锅炉集团", "WNS4-1.25-Q"), ("郑州锅炉股份有限公司", "SZS10-1.6-Y")],
    "2000": [("湖南压力容器厂", "储气罐 C-2.0/0.8"), ("岳阳石化设备厂", "换热器 BEM600")],
    "4000": [("卫华集团", "QD32/5t 桥式起重机"), ("振华重工", "岸边集装箱起重机")],
    "5000": [("合力叉车", "CPCD30"), ("杭叉集团", "CPD25")],
    "6000": [("中山金马科技娱乐设备", "摩天轮 MT-42"), ("华侨城游乐设备", "过山车 GSC-2")],
}
# category code, how many, where: (district code, place words)
PLAN = [
    ("3000", 60, "430602"),
    ("3000", 20, "430603"),
    ("1000", 10, None),
    ("2000", 16, None),
    ("4000", 10, "430602"),
    ("5000", 8, "430602"),
    ("6000", 4, "430602"),
]


def _equipment_user(password: str) -> User:
    return User.objects.create(
        username="equipment",
        full_name="特种设备安全监察科 刘建军",
        role=Role.SUPERVISOR,
        section=Section.SPECIAL_EQUIPMENT,
        password=password,
    )


def seed_equipment(*, rng: random.Random, as_of: datetime.date, password: str) -> None:
    ensure_categories(Category)
    staff = _equipment_user(password)
    categories = {category.code: category for category in Category.objects.all()}
    districts = {district.code: district for district in District.objects.all()}
    enterprises = list(
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).order_by("credit_code").only("pk", "district_id")
    )
    if not enterprises:
        return
    by_district: dict[int, list[Enterprise]] = {}
    for enterprise in enterprises:
        by_district.setdefault(enterprise.district_id, []).append(enterprise)
    # The demo enterprise user's enterprise keeps a few elevators, so its reminders show on signing in.
    demo_enterprise = User.objects.filter(username="enterprise").values_list("enterprise_id", flat=True).first()

    rows, stories = [], []
    number = 0
    for code, count, district_code in PLAN:
        category = categories[code]
        for index in range(count):
            number += 1
            if district_code and by_district.get(districts[district_code].pk):
                owner = rng.choice(by_district[districts[district_code].pk])
            else:
                owner = rng.choice(enterprises)
            if code == "3000" and index < 4 and demo_enterprise:
                owner = next((e for e in enterprises if e.pk == demo_enterprise), owner)
            district_id = owner.district_id if not district_code else districts[district_code].pk
            maker, model = rng.choice(MAKERS[code])
            put_into_use = as_of - datetime.timedelta(days=rng.randint(400, 3600))
            if code == "3000":
                compound = rng.choice(COMPOUNDS)
                address, building = f"岳阳市{compound}", f"{rng.randint(1, 18)}栋{rng.randint(1, 3)}单元"
            elif code in ("4000", "5000"):
                address, building = "岳阳市城陵矶港区港务大道1号", f"{rng.randint(1, 6)}号泊位"
            elif code == "6000":
                address, building = "岳阳市南湖游乐园", "游乐区"
            else:
                address, building = "厂区", f"{rng.randint(1, 4)}号车间"
            # The story of this unit's inspections, by where it falls in the plan.
            story = rng.choices(["current", "due_soon", "overdue", "failed", "reinspected"], [70, 10, 8, 6, 6])[0]
            interval = category.inspection_interval_months
            if story == "due_soon":
                next_due = as_of + datetime.timedelta(days=rng.randint(1, 29))
            elif story == "overdue":
                next_due = as_of - datetime.timedelta(days=rng.randint(5, 90))
            else:
                next_due = as_of + datetime.timedelta(days=rng.randint(31, interval * 30 - 10))
            last = add_months(next_due, -interval)
            conclusion = Conclusion.FAIL if story == "failed" else Conclusion.PASS
            if story == "reinspected":
                conclusion = Conclusion.PASS_AFTER_REINSPECTION
            registered_on = put_into_use + datetime.timedelta(days=rng.randint(3, 25))
            rows.append(
                (
                    f"{code[0]}{rng.randint(100, 999)}4306{as_of.year % 100:02d}{number:05d}",
                    f"{category.name[0]}{code[0]}1湘F{number:05d}({put_into_use.year % 100:02d})",
                    registered_on,
                    category.pk,
                    owner.pk,
                    district_id,
                    address,
                    building,
                    maker,
                    model,
                    f"SN{rng.randint(100000, 999999)}",
                    put_into_use - datetime.timedelta(days=rng.randint(60, 300)),
                    put_into_use - datetime.timedelta(days=rng.randint(5, 40)),
                    put_into_use,
                    UnitStatus.IN_USE,
                    last,
                    conclusion,
                    next_due,
                )
            )
            stories.append((story, last, conclusion, next_due))
    # New units: put into use lately, not registered yet (one applied, one returned, one late past 30 days).
    fresh = [("applied", 6), ("returned", 12), ("within", 3), ("late", 45)]
    for story, age in fresh:
        number += 1
        owner = rng.choice(by_district.get(districts["430602"].pk) or enterprises)
        if story == "applied" and demo_enterprise:
            owner = next((e for e in enterprises if e.pk == demo_enterprise), owner)
        put_into_use = as_of - datetime.timedelta(days=age)
        rows.append(
            (
                f"3{rng.randint(100, 999)}4306{as_of.year % 100:02d}{number:05d}",
                "",
                None,
                categories["3000"].pk,
                owner.pk,
                owner.district_id,
                f"岳阳市{rng.choice(COMPOUNDS)}",
                f"{rng.randint(1, 18)}栋新装",
                "通力电梯有限公司",
                "KONE 3000 MonoSpace",
                f"SN{rng.randint(100000, 999999)}",
                put_into_use - datetime.timedelta(days=120),
                put_into_use - datetime.timedelta(days=10),
                put_into_use,
                UnitStatus.IN_USE,
                None,
                "",
                add_months(put_into_use, 12),
            )
        )
        stories.append((story, None, "", None))
    fields = (
        "equipment_code",
        "registration_number",
        "registered_on",
        "category",
        "using_unit",
        "district",
        "address",
        "building",
        "maker",
        "model_name",
        "serial_number",
        "made_on",
        "installed_on",
        "put_into_use_on",
        "status",
        "last_inspected_on",
        "last_conclusion",
        "next_inspection_due",
    )
    unit_ids = bulk_insert(Unit, fields, rows)
    history_baseline(Unit, reason="demo city")

    recorded = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time(9)))
    inspections, registrations = [], []
    for unit_id, (story, last, conclusion, next_due) in zip(unit_ids, stories, strict=True):
        if last is not None:
            if story == "reinspected":
                first = last - datetime.timedelta(days=20)
                inspections.append(
                    (unit_id, first, INSTITUTION, f"JY{unit_id:06d}-1", Conclusion.FAIL, "曳引绳断丝超标", None)
                )
            defects = "制动器制动力不足；层门锁啮合长度不足" if conclusion == Conclusion.FAIL else ""
            inspections.append(
                (
                    unit_id,
                    last,
                    INSTITUTION,
                    f"JY{unit_id:06d}-2",
                    conclusion,
                    defects,
                    next_due if conclusion != Conclusion.FAIL else None,
                )
            )
        elif story in ("applied", "returned"):
            status = RegistrationStatus.APPLIED if story == "applied" else RegistrationStatus.RETURNED
            decided = recorded if story == "returned" else None
            reason = "缺少安装监督检验报告，请补充后重新申请" if story == "returned" else ""
            decider = staff.pk if decided else None
            registrations.append((unit_id, status, recorded, staff.pk, "新装电梯使用登记", decided, decider, reason))
    _inspections(inspections, recorded, staff)
    bulk_insert(
        Registration,
        ("unit", "status", "applied_at", "applied_by", "note", "decided_at", "decided_by", "reason"),
        registrations,
    )
    _operators(rng, as_of, rows, categories)
    reminders_record(today=as_of)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Unit._meta.db_table}")


def _inspections(rows, recorded, staff) -> None:
    bulk_insert(
        Inspection,
        (
            "unit",
            "inspected_on",
            "institution",
            "report_number",
            "conclusion",
            "defects",
            "next_due_on",
            "recorded_at",
            "recorded_by",
            "imported",
        ),
        [(*row, recorded, staff.pk, True) for row in rows],
    )


SURNAMES, GIVEN = "王李张刘陈杨黄赵周吴", ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇"]


def _operators(rng: random.Random, as_of: datetime.date, rows: list[tuple], categories: dict) -> None:
    """Operators for most (using unit, category) pairs whose category needs certified operators."""
    needing = {category.pk for category in categories.values() if category.needs_certified_operators}
    pairs = sorted({(row[4], row[3]) for row in rows if row[3] in needing})
    operator_rows = []
    for number, (owner, category) in enumerate(pairs, start=1):
        story = rng.choices(["current", "expired", "none"], [80, 10, 10])[0]
        if story == "none":
            continue
        issued = as_of - datetime.timedelta(days=rng.randint(30, 1400) if story == "current" else 1600)
        expires = add_months(issued, 48) - datetime.timedelta(days=1)
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        operator_rows.append((owner, name, category, f"TS{as_of.year}{number:06d}", issued, expires))
    bulk_insert(
        Operator, ("using_unit", "name", "category", "certificate_number", "issued_on", "expires_on"), operator_rows
    )
    history_baseline(Operator, reason="demo city")
