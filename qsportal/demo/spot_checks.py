"""Spot checks in the demo city, walked through the real services so every page has something true to show:

- a food campaign drawn over one responsibility area, with results at every stage: conforming and published,
  nonconforming and accepted (rectification reported, re-check on an inspector's worklist), and the demo enterprise's
  own nonconforming result still open to objection (a countdown, a stop-sale);
- an industrial-products campaign in progress: tasks on the demo inspector's worklist, samples waiting at the
  laboratory, a result waiting for the reviewer;
- a draft plan for next year, waiting for the leader's approval;
- an earlier campaign whose follow-ups went on: a failed first re-check reported to the provincial bureau and
  awaiting its notice, a failed second re-check whose proposed order to suspend and rectify awaits the leader's
  decision (the enterprise still active), and a refused sampling whose penalty proposal awaits the leader.

Draw seeds derive from the demo seed, so the same seed and as-of date build the same campaigns."""

import datetime
import hashlib
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from enterprises.choices import EnterpriseStatus, Scale
from enterprises.models import Enterprise, Product, Standard
from inspections.choices import LimitKind, TaskStatus
from inspections.models import Campaign, FollowUp, Laboratory, LabTest, Task, TestItem
from inspections.services import campaigns, draws, followups, publication, sampling, testing
from qsportal.demo import custody as demo_custody
from qsportal.demo.files import NATIONAL_STANDARDS

LABS = [
    ("岳阳市产品质量检验检测中心", "CMA 181812050123"),
    ("湖南省产品质量检验研究院", "CMA 170012050015"),
    ("岳阳市食品药品检验所", "CMA 190012050456"),
]


def seed_spot_checks(*, rng: random.Random, seed: int, as_of: datetime.date) -> None:
    users = {user.username: user for user in User.objects.filter(role__in=[Role.LEADER, Role.SUPERVISOR])}
    leader, supervisor = users["leader"], users["supervisor"]
    technicians = list(User.objects.filter(role=Role.LAB_TECHNICIAN).order_by("pk"))
    labs = []
    for n, (name, accreditation) in enumerate(LABS):
        lab = Laboratory.objects.create(name=name, accreditation=accreditation)
        lab.technicians.set(technicians[n : n + 1] or technicians[:1])
        labs.append(lab)
    inspectors = list(User.objects.filter(role=Role.INSPECTOR).order_by("pk"))
    demo_enterprise = User.objects.get(username="enterprise").enterprise
    food = _food_campaign(leader, supervisor, inspectors, labs[0], demo_enterprise, seed=seed, as_of=as_of)
    if food is not None:
        _walk_food_results(food, supervisor, labs, demo_enterprise, rng=rng, as_of=as_of)
    _industrial_campaign(leader, supervisor, inspectors, labs[0], seed=seed, as_of=as_of, rng=rng)
    _draft_campaign(supervisor, inspectors, labs[0], as_of=as_of)
    _follow_up_history(leader, supervisor, inspectors, labs[0], demo_enterprise, seed=seed, as_of=as_of)
    demo_custody.seed_custody(as_of=as_of)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def signed_receipt(name: str = "送达回证.pdf") -> SimpleUploadedFile:
    """A scanned signed receipt (送达回证) for a notice delivered on paper: a one-page PDF."""
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")


def _serve(task, lab_test, supervisor, *, notified: datetime.datetime, on_paper: bool) -> None:
    """The enterprise receives its result and rectification order: a user opens them the next day, or (no account,
    or `on_paper`) staff deliver them on paper and record the signed receipt two days later."""
    user = task.enterprise.users.first()
    follow_up = getattr(task, "follow_up_of", None)
    if user is not None and not on_paper:
        opened = notified + datetime.timedelta(days=1, hours=1)
        testing.result_open(actor=user, lab_test=lab_test, now=opened)
        if follow_up is not None:
            followups.rectification_order_open(actor=user, follow_up=follow_up, now=opened)
        return
    received = timezone.localdate(notified) + datetime.timedelta(days=2)
    later = _at(received, 16)
    testing.result_serve_on_paper(
        actor=supervisor, lab_test=lab_test, received_on=received, proof=signed_receipt(), now=later
    )
    if follow_up is not None:
        followups.rectification_order_serve_on_paper(
            actor=supervisor, follow_up=follow_up, received_on=received, proof=signed_receipt(), now=later
        )


def _standard(code: str) -> Standard:
    titles = {c: t for entries in NATIONAL_STANDARDS.values() for c, t in entries}
    return Standard.objects.get_or_create(code=code, defaults={"title": titles.get(code, code), "kind": "national"})[0]


def _plan(supervisor, inspectors, lab, *, items, **fields) -> Campaign:
    pool = fields.pop("pool_filters", {})
    campaign = campaigns.campaign_save(actor=supervisor, campaign=Campaign(lab=lab, **fields), roster=inspectors)
    campaign.pool_filters = pool
    campaigns.campaign_save(actor=supervisor, campaign=campaign)
    for position, (name, code, kind, lower, upper, unit, requirement) in enumerate(items):
        campaigns.test_item_save(
            actor=supervisor,
            item=TestItem(
                campaign=campaign,
                name=name,
                standard=_standard(code),
                limit_kind=kind,
                lower=lower,
                upper=upper,
                unit=unit,
                requirement=requirement,
                position=position,
            ),
        )
    return campaign


def _draw_and_start(campaign: Campaign, leader, supervisor, *, seed: str) -> None:
    campaigns.campaign_approve(actor=leader, campaign=campaign)
    draw = draws.draw_commit(actor=supervisor, campaign=campaign, seed=hashlib.sha256(seed.encode()).hexdigest())
    draws.draw_perform(actor=supervisor, draw=draw)
    campaigns.campaign_start(actor=supervisor, campaign=campaign)


FOOD_ITEMS = [
    ("铅(以Pb计)", "GB 2762-2022", LimitKind.MAXIMUM, None, Decimal("0.2"), "mg/kg", ""),
    ("菌落总数", "GB 7099-2015", LimitKind.MAXIMUM, None, Decimal("10000"), "CFU/g", ""),
    ("山梨酸及其钾盐", "GB 2760-2024", LimitKind.MAXIMUM, None, Decimal("1.0"), "g/kg", ""),
    ("标签", "GB 7099-2015", LimitKind.QUALITATIVE, None, None, "", "符合GB 7718及产品标准要求"),
]


def _food_campaign(leader, supervisor, inspectors, lab, demo_enterprise, *, seed, as_of) -> Campaign | None:
    """Every active enterprise of the demo enterprise's responsibility area (a full-coverage check)."""
    pool = Enterprise.objects.filter(area=demo_enterprise.area, status=EnterpriseStatus.ACTIVE)
    if not pool.exists():
        return None
    campaign = _plan(
        supervisor,
        inspectors,
        lab,
        items=FOOD_ITEMS,
        year=as_of.year,
        title=f"{demo_enterprise.area.name}食品生产企业监督抽查（全覆盖）",
        legal_basis="《中华人民共和国食品安全法》第八十七条；《食品安全抽样检验管理办法》",
        product_categories="糕点\n饼干\n米制品",
        is_food=True,
        batches=max(1, min(pool.count(), 12)),
        period_start=as_of - datetime.timedelta(days=70),
        period_end=as_of + datetime.timedelta(days=20),
        pool_filters={"area": str(demo_enterprise.area_id)},
    )
    _draw_and_start(campaign, leader, supervisor, seed=f"{seed}-food")
    return campaign


def _file_sampling(task: Task, inspectors, product, when, rng) -> None:
    photo = ContentFile(_DEMO_PHOTO, name="抽样现场.png")
    sampling.sampling_file(
        actor=inspectors[0],
        task=task,
        values={
            "product": product,
            "product_name": "" if product else task.campaign.categories()[0],
            "batch_number": f"{when:%Y%m%d}{rng.randint(1, 9)}",
            "production_date": (when - datetime.timedelta(days=rng.randint(3, 20))).date(),
            "quantity": "8 袋：4 袋检验，4 袋备样",
            "sampling_place": "成品仓库",
            "seal_numbers": f"YYSJ-{rng.randint(10000, 99999)}",
            "enterprise_signatory": task.enterprise.contact_person or task.enterprise.legal_representative,
            "inspector_signatories": "、".join(i.get_full_name() for i in inspectors),
        },
        photos=[photo],
        now=when,
    )


# A 1×1 PNG: the demo has no camera.
_DEMO_PHOTO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _findings(lab_test: LabTest, *, fail: bool, rng: random.Random) -> dict:
    """Plausible measurements: comfortably inside every limit, or, with `fail`, the first limit clearly missed."""
    findings = {}
    for item in lab_test.task.campaign.items.all():
        if item.is_qualitative:
            findings[item.pk] = {"conforms": True}
            continue
        missed = fail and not findings
        if item.limit_kind == LimitKind.MINIMUM:
            factor = Decimal("0.6") if missed else Decimal(rng.randint(110, 150)) / 100
            value = item.lower * factor
        else:
            factor = Decimal("1.6") if missed else Decimal(rng.randint(5, 60)) / 100
            value = item.upper * factor
        findings[item.pk] = {"value": value.quantize(Decimal("0.001"))}
    return findings


def _test_and_notify(lab_test, supervisor, *, fail: bool, notified: datetime.datetime, rng) -> LabTest:
    technician = lab_test.lab.technicians.first()
    demo_custody.receive(lab_test)
    testing.lab_test_save_results(
        actor=technician, lab_test=lab_test, findings=_findings(lab_test, fail=fail, rng=rng), submit=True
    )
    testing.lab_test_review(actor=supervisor, lab_test=lab_test, approve=True)
    return testing.lab_test_notify(actor=supervisor, lab_test=lab_test, now=notified)


def _walk_food_results(campaign, supervisor, labs, demo_enterprise, *, rng, as_of) -> None:
    tasks = list(
        Task.objects.live().filter(campaign=campaign).select_related("enterprise").order_by("enterprise__credit_code")
    )
    demo_task = next((task for task in tasks if task.enterprise_id == demo_enterprise.pk), None)
    others = [task for task in tasks if task is not demo_task]
    sampled_on = as_of - datetime.timedelta(days=55)
    # The first failure is accepted and re-checked (with a report when the enterprise has an account); the others
    # fail and leave their objection windows to lapse.
    rectifying = others[1] if len(others) > 2 else None
    for n, task in enumerate(others):
        if n == len(others) - 1 and n > 1:
            continue  # one enterprise not visited yet: the task stays on the worklist
        _file_sampling(task, list(task.inspectors.all()), _product(task), _at(sampled_on, 9 + n % 8), rng)
        lab_test = LabTest.objects.get(task=task)
        failed = task is rectifying or n % 4 == 1
        notified = _at(sampled_on + datetime.timedelta(days=10))
        lab_test = _test_and_notify(lab_test, supervisor, fail=failed, notified=notified, rng=rng)
        if failed and task is not rectifying and n != 5:  # one failure stays unopened: on the staff worklist
            _serve(task, lab_test, supervisor, notified=notified, on_paper=n % 8 == 1)
        elif task is rectifying and task.enterprise.users.first() is None:
            _serve(task, lab_test, supervisor, notified=notified, on_paper=True)
        if task is rectifying:
            user = task.enterprise.users.first()
            if user is not None:
                testing.result_accept(actor=user, lab_test=lab_test, now=_at(sampled_on + datetime.timedelta(days=12)))
                followups.rectification_submit(
                    actor=user,
                    follow_up=task.follow_up_of,
                    report="经排查，原因为原料批次铅含量偏高；已更换原料供应商，增加进厂检验频次，召回同批次产品32箱。",
                    files=[],
                    now=_at(sampled_on + datetime.timedelta(days=30)),
                )
            followups.recheck_order(actor=supervisor, follow_up=task.follow_up_of)
    if demo_task is not None:
        notified = as_of - datetime.timedelta(days=3)
        _file_sampling(
            demo_task,
            list(demo_task.inspectors.all()),
            _product(demo_task),
            _at(notified - datetime.timedelta(days=12)),
            rng,
        )
        _test_and_notify(LabTest.objects.get(task=demo_task), supervisor, fail=True, notified=_at(notified), rng=rng)
    # Results whose objection window lapsed become final, as the daily task would make them.
    testing.finalise_unobjected_results(today=as_of)
    publication.results_publish(
        actor=supervisor,
        campaign=campaign,
        task_ids=list(Task.objects.filter(campaign=campaign, status=TaskStatus.FINAL).values_list("pk", flat=True)),
    )


def _product(task: Task) -> Product | None:
    return Product.objects.filter(enterprise=task.enterprise).order_by("pk").first()


INDUSTRIAL_ITEMS = [
    ("导体电阻", "GB/T 5023.1-2008", LimitKind.MAXIMUM, None, Decimal("1.83"), "Ω/km", ""),
    ("绝缘厚度平均值", "GB/T 5023.1-2008", LimitKind.MINIMUM, Decimal("0.7"), None, "mm", ""),
    ("最高设计车速", "GB 17761-2024", LimitKind.MAXIMUM, None, Decimal("25"), "km/h", ""),
    ("标志", "GB 17761-2024", LimitKind.QUALITATIVE, None, None, "", "产品铭牌及标识齐全、清晰"),
]


def _industrial_campaign(leader, supervisor, inspectors, lab, *, seed, as_of, rng) -> None:
    """In progress across the city: on the demo inspector's worklist, at the laboratory, and under review."""
    pool = Enterprise.objects.filter(scale=Scale.ABOVE, status=EnterpriseStatus.ACTIVE).count()
    if pool == 0:
        return
    demo_inspector = inspectors[0]
    campaign = _plan(
        supervisor,
        [demo_inspector, *inspectors[1:4]],
        lab,
        items=INDUSTRIAL_ITEMS,
        year=as_of.year,
        title="电线电缆、电动自行车产品质量监督抽查",
        legal_basis="《中华人民共和国产品质量法》第十五条；《产品质量监督抽查管理暂行办法》",
        product_categories="电线电缆\n电动自行车",
        batches=min(pool, 8),
        period_start=as_of - datetime.timedelta(days=10),
        period_end=as_of + datetime.timedelta(days=50),
        pool_filters={"scale": Scale.ABOVE.value},
    )
    _draw_and_start(campaign, leader, supervisor, seed=f"{seed}-industrial")
    tasks = list(Task.objects.live().filter(campaign=campaign).order_by("enterprise__credit_code"))
    for n, task in enumerate(tasks[:3]):
        # Sampled from the market of cables and e-bikes: no product of the enterprise's own file is named.
        _file_sampling(task, list(task.inspectors.all()), None, _at(as_of - datetime.timedelta(days=5 - n)), rng)
    if not tasks:
        return
    first = LabTest.objects.get(task=tasks[0])
    demo_custody.receive(first)
    testing.lab_test_save_results(
        actor=first.lab.technicians.first(), lab_test=first, findings=_findings(first, fail=False, rng=rng), submit=True
    )


def _draft_campaign(supervisor, inspectors, lab, *, as_of) -> None:
    _plan(
        supervisor,
        inspectors,
        lab,
        items=FOOD_ITEMS[:2],
        year=as_of.year + 1,
        title="“你点我检”米制品专项抽查",
        legal_basis="《食品安全抽样检验管理办法》",
        product_categories="米粉\n年糕",
        is_food=True,
        batches=5,
        period_start=as_of + datetime.timedelta(days=40),
        period_end=as_of + datetime.timedelta(days=100),
        pool_filters={},
    )


def _account(enterprise: Enterprise) -> User:
    """The enterprise's account, opened if it has none (it answers its results online); no password is set."""
    return enterprise.users.order_by("pk").first() or User.objects.create(
        username=f"qy{enterprise.credit_code[-8:].lower()}",
        full_name=enterprise.legal_representative,
        role=Role.ENTERPRISE,
        enterprise=enterprise,
        password=make_password(None),
    )


def _follow_up_history(leader, supervisor, inspectors, lab, demo_enterprise, *, seed: int, as_of) -> None:
    """A campaign of about eight months ago, in another responsibility area, whose follow-ups went on: one
    enterprise failed the re-check after the provincial notice (the order to suspend and rectify awaits the
    leader, the right to a hearing notified), one failed its first re-check (reported, the notice awaited), and
    one refused the sampling (its penalty awaits the leader)."""
    rng = random.Random(f"{seed}-follow-up")
    # Every enterprise of the smallest area (a full-coverage check): the draw then names the same enterprises
    # whatever their primary keys, so the same seed builds the same city.
    areas = (
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
        .exclude(area=demo_enterprise.area)
        .values("area")
        .annotate(n=Count("pk"))
        .filter(n__gte=3)
        .order_by("n", "area")
    )
    area = areas.first()
    if area is None:
        return
    start = as_of - datetime.timedelta(days=250)

    def day(n: int) -> datetime.date:
        return start + datetime.timedelta(days=n)

    campaign = _plan(
        supervisor,
        inspectors,
        lab,
        items=FOOD_ITEMS[:2],
        year=start.year,
        title=f"{start.year}年糕点产品质量监督抽查",
        legal_basis="《中华人民共和国食品安全法》第八十七条；《食品安全抽样检验管理办法》",
        product_categories="糕点",
        is_food=True,
        batches=area["n"],
        period_start=day(-10),
        period_end=day(20),
        pool_filters={"area": str(area["area"])},
    )
    _draw_and_start(campaign, leader, supervisor, seed=f"{seed}-follow-up")
    tasks = list(Task.objects.live().filter(campaign=campaign).order_by("enterprise__credit_code"))
    if len(tasks) < 3:
        return
    to_suspend, reported, refused = tasks[:3]
    for task in tasks[3:]:  # the others conform
        _file_sampling(task, list(task.inspectors.all()), _product(task), _at(day(1)), rng)
        _test_and_notify(LabTest.objects.get(task=task), supervisor, fail=False, notified=_at(day(11)), rng=rng)
    sampling.sampling_file(
        actor=refused.inspectors.order_by("pk").first(),
        task=refused,
        values={"inspector_signatories": "、".join(i.get_full_name() for i in refused.inspectors.all())},
        photos=[],
        refused=True,
        refusal_reason="企业负责人以“产品已全部发往外地经销商”为由拒绝抽样，并拒绝在抽样单上签字。",
        refusal_witness="园区管委会 周建国",
        now=_at(day(0), 15),
    )
    for task in (to_suspend, reported):
        user = _account(task.enterprise)
        _file_sampling(task, list(task.inspectors.all()), _product(task), _at(day(0)), rng)
        result = _test_and_notify(LabTest.objects.get(task=task), supervisor, fail=True, notified=_at(day(10)), rng=rng)
        testing.result_accept(actor=user, lab_test=result, now=_at(day(12)))
        follow_up = FollowUp.objects.get(task=task)
        followups.rectification_submit(
            actor=user,
            follow_up=follow_up,
            report="已暂停该产品生产，更换面粉供应商并增加原料进厂检验，同批次产品已下架。",
            files=[],
            now=_at(day(50)),
        )
        recheck = followups.recheck_order(actor=supervisor, follow_up=follow_up)
        _file_sampling(recheck, list(recheck.inspectors.all()), _product(recheck), _at(day(60)), rng)
        result = _test_and_notify(
            LabTest.objects.get(task=recheck), supervisor, fail=True, notified=_at(day(70)), rng=rng
        )
        testing.result_accept(actor=user, lab_test=result, now=_at(day(72)))
    campaigns.campaign_close(actor=leader, campaign=campaign)
    report = followups.province_report_create(actor=supervisor, now=_at(day(75)))
    followups.province_report_sent(
        actor=supervisor, report=report, sent_on=day(76), reference=f"岳市监函〔{day(76).year}〕27号", today=as_of
    )
    follow_up = FollowUp.objects.get(task=to_suspend)
    followups.provincial_notice_record(
        actor=supervisor,
        follow_up=follow_up,
        notice_on=day(90),
        reference=f"湘市监公告〔{day(90).year}〕45号",
        today=as_of,
    )
    second = Task.objects.get(follow_up=follow_up, recheck_round=2)
    _file_sampling(second, list(second.inspectors.all()), _product(second), _at(day(155)), rng)
    result = _test_and_notify(LabTest.objects.get(task=second), supervisor, fail=True, notified=_at(day(165)), rng=rng)
    testing.result_accept(actor=_account(to_suspend.enterprise), lab_test=result, now=_at(day(167)))
    proposal = follow_up.proposals.get()
    followups.proposal_hearing(
        actor=supervisor, proposal=proposal, notified_on=day(170), requested=False, held_on=None, today=as_of
    )
