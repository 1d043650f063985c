"""Metrology in the demo city (计量监督):

- the metrology section's supervisor, `metrology` (section metrology), who accepts filings and records verifications;
- three petrol stations (held by enterprises of the register, the first the demo enterprise account's), each with
  fuel-dispenser nozzles: most verified and valid, two due within the reminder period, two overdue (must not be
  used for trade settlement, reminded), one failed; a filing of a new nozzle waiting for acceptance;
- a farmers' market (农贸市场) whose operator's scales are on file, and stall holders without a file of their own
  (a plain owner name), one of them overdue;
- a hospital with sphygmomanometers and ECGs, one ECG overdue;
- each verification on file with its certificate, so the public status page answers the stickers' numbers; the
  reminders the daily task would have recorded.

Dates are relative to `as_of`."""

import datetime
import random

from django.contrib.auth.hashers import make_password

from accounts.models import User
from accounts.roles import Role, Section
from enterprises.choices import EnterpriseStatus
from enterprises.models import Enterprise
from metrology.choices import FilingStatus, VerificationResult, VerificationSource
from metrology.models import Instrument, InstrumentCategory, Verification, valid_until
from metrology.reference_data import ensure_categories
from metrology.services import reminders_record
from qsportal.demo import custody as demo_custody

INSTITUTION = "岳阳市计量检定测试所"
STATIONS = ("城陵矶加油站", "金鹗加油站", "岳阳大道加油站")
MAKERS = {
    "fuel_dispenser": ("正星科技", "JKJ-Z2244"),
    "trade_scale": ("上海友声", "TCS-30"),
    "platform_scale": ("梅特勒-托利多", "bPA221"),
    "sphygmomanometer": ("欧姆龙", "HBP-1320"),
    "ecg": ("深圳迈瑞", "BeneHeart R12"),
}


def seed_metrology(*, rng: random.Random, as_of: datetime.date, password: str | None = None) -> None:
    ensure_categories(InstrumentCategory)
    categories = {category.code: category for category in InstrumentCategory.objects.all()}
    staff = User.objects.create(
        username="metrology",
        full_name="计量科 周工",
        role=Role.SUPERVISOR,
        section=Section.METROLOGY,
        password=password or make_password(None),
    )
    active = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).order_by("pk")
    with_accounts = list(active.filter(users__role=Role.ENTERPRISE).distinct()[:5])
    owners = with_accounts + [each for each in active[:10] if each not in with_accounts]
    if len(owners) < 5:
        return  # a city too small for the story
    stations, market, hospital = owners[:3], owners[3], owners[4]
    counter = iter(range(1, 10_000))
    instruments: list[tuple[Instrument, int | None]] = []  # (instrument, days since verified, None: never)

    def add(code, owner, location, verified_days_ago, *, owner_name="", district=None, filing=FilingStatus.ACCEPTED,
            failed=False):  # fmt: skip
        maker, model_name = MAKERS[code]
        number = next(counter)
        instrument = Instrument(
            category=categories[code],
            enterprise=owner,
            owner_name=owner.name if owner else owner_name,
            district=owner.district if owner else district,
            location=location,
            maker=maker,
            model_name=model_name,
            serial=f"{code[:2].upper()}{as_of:%y}{number:05d}",
            filing_status=filing,
            filed_by=staff if filing == FilingStatus.ACCEPTED else None,
            accepted_by=staff if filing == FilingStatus.ACCEPTED else None,
        )
        instruments.append((instrument, verified_days_ago, failed))

    for index, station in enumerate(stations):
        name = STATIONS[index]
        for nozzle in range(1, 9):
            ago = rng.randrange(40, 300)
            if index == 0 and nozzle in (1, 2):
                ago = 365 - 12 - nozzle  # due within the reminder period
            if index in (0, 1) and nozzle == 8:
                ago = 365 + 20 + index * 30  # overdue
            add("fuel_dispenser", station, f"{name} {(nozzle + 1) // 2}号加油岛 {nozzle}号枪", ago,
                failed=index == 2 and nozzle == 5)  # fmt: skip
    add("fuel_dispenser", stations[0], f"{STATIONS[0]} 5号加油岛 9号枪", None, filing=FilingStatus.FILED)
    for stall in range(1, 7):
        add("platform_scale" if stall == 1 else "trade_scale", market, f"东茅岭农贸市场 管理处 {stall}号秤",
            rng.randrange(30, 330))  # fmt: skip
    for stall, holder in enumerate(("摊主 李桂英", "摊主 王建国", "摊主 陈细妹"), start=1):
        add("trade_scale", None, f"东茅岭农贸市场 {10 + stall}号摊位", 400 if stall == 2 else rng.randrange(30, 300),
            owner_name=holder, district=market.district)  # fmt: skip
    for ward in ("门诊部", "心内科", "体检中心", "急诊科"):
        add("sphygmomanometer", hospital, f"市第二人民医院 {ward}", rng.randrange(30, 320))
    add("ecg", hospital, "市第二人民医院 心电图室 1号", 120)
    add("ecg", hospital, "市第二人民医院 心电图室 2号", 390)

    Instrument.objects.bulk_create([instrument for instrument, _ago, _failed in instruments])
    verifications = []
    for instrument, ago, failed in instruments:
        if ago is None:
            continue
        verified_on = as_of - datetime.timedelta(days=ago)
        result = VerificationResult.FAILED if failed else VerificationResult.PASSED
        until = None if failed else valid_until(verified_on, instrument.category.interval_months)
        number = f"{'BHG' if failed else 'JD'}{verified_on:%Y}-{instrument.serial}"
        verifications.append(
            Verification(
                instrument=instrument,
                verified_on=verified_on,
                result=result,
                certificate_number=number,
                institution=INSTITUTION,
                valid_until=until,
                source=VerificationSource.IMPORTED,
                recorded_by=staff,
            )  # fmt: skip
        )
        instrument.last_verified_on, instrument.last_result = verified_on, result
        instrument.certificate_number, instrument.institution, instrument.next_due_on = number, INSTITUTION, until
    Verification.objects.bulk_create(verifications)
    Instrument.objects.bulk_update(
        [instrument for instrument, ago, _failed in instruments if ago is not None],
        ["last_verified_on", "last_result", "certificate_number", "institution", "next_due_on"],
    )
    reminders_record(today=as_of)
    _net_content_campaign(as_of=as_of, rng=rng)


def _net_content_campaign(*, as_of: datetime.date, rng: random.Random) -> None:
    """A net-content campaign walked through the spot-check services and metrology's lab step."""
    from inspections.choices import CampaignKind, LimitKind
    from inspections.models import Laboratory, LabTest, Task
    from inspections.services import testing
    from metrology.services import net_content_test_record
    from qsportal.demo.spot_checks import _at, _draw_and_start, _file_sampling, _plan

    users = {user.username: user for user in User.objects.filter(username__in=["leader", "supervisor"])}
    lab = Laboratory.objects.filter(is_approved=True).order_by("pk").first()
    inspectors = list(User.objects.filter(role=Role.INSPECTOR, is_active=True).order_by("pk")[:4])
    pool = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
    if len(users) < 2 or lab is None or len(inspectors) < 2 or pool.count() < 3:
        return
    campaign = _plan(
        users["supervisor"],
        inspectors,
        lab,
        items=[
            (
                "净含量",
                "JJF 1070-2005",
                LimitKind.QUALITATIVE,
                None,
                None,
                "",
                "符合JJF 1070及《定量包装商品计量监督管理办法》",
            )
        ],
        year=as_of.year,
        title="定量包装商品净含量专项监督抽查",
        legal_basis="《中华人民共和国计量法》；《定量包装商品计量监督管理办法》",
        product_categories="大米\n食用植物油",
        batches=3,
        period_start=as_of - datetime.timedelta(days=20),
        period_end=as_of + datetime.timedelta(days=40),
        kind=CampaignKind.NET_CONTENT,
    )
    _draw_and_start(campaign, users["leader"], users["supervisor"], seed=f"{as_of}-net-content")
    tasks = list(Task.objects.live().filter(campaign=campaign).order_by("enterprise__credit_code"))
    for n, task in enumerate(tasks[:3]):
        _file_sampling(task, list(task.inspectors.all()), None, _at(as_of - datetime.timedelta(days=8 - n)), rng)
    lots = [
        (80, "5000", ["5012", "5006", "4998", "5020", "5003", "5009", "5001", "4995", "5011", "5004",
                      "5007", "5015", "5002"]),  # N = 80: n = 13; 5 kg rice, T = 75 g: passes
        (80, "5000", ["5010", "4910", "4905", "5008", "5002", "5011", "4990", "5006", "5003", "5009",
                      "5001", "5004", "5012"]),  # two bags short by more than 75 g, c = 1: fails
    ]  # fmt: skip
    for task, (lot_size, nominal, contents) in zip(tasks[:2], lots, strict=False):
        lab_test = LabTest.objects.get(task=task, kind="initial")
        technician = lab_test.lab.technicians.first()
        demo_custody.receive(lab_test)
        net_content_test_record(
            actor=technician, lab_test_id=lab_test.pk, lot_size=lot_size, nominal=nominal, contents=contents
        )
        testing.lab_test_review(actor=users["supervisor"], lab_test=lab_test, approve=True)
        testing.lab_test_notify(actor=users["supervisor"], lab_test=lab_test, now=_at(as_of - datetime.timedelta(1)))
