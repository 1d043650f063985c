"""The demo city's credit record: three years of earlier spot-check results (so grades spread over A, B and C),
then the first nightly grading, the serious-dishonesty list with an entry in each state, overrides and early
warnings — each through the portal's own services, as staff would do it."""

import datetime
import random
from decimal import Decimal

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.models import JobRun
from core.services import job_run_mark_lost
from credit import services
from credit.choices import BlacklistStatus, Grade, GradeCause
from credit.models import BlacklistEntry, ListingGround
from enterprises.models import Enterprise, Penalty
from enterprises.services import record_save
from inspections.choices import CampaignStatus, TaskStatus, Verdict
from inspections.models import Campaign, Laboratory, Task
from inspections.services.deadlines import publication_due_on
from qsportal.demo.spot_checks import signed_receipt

# Earlier campaigns: (days before the demo date, share of the register sampled).
PAST_CAMPAIGNS = ((1000, 0.5), (640, 0.5), (300, 0.7), (150, 0.6))


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _past_results(*, rng: random.Random, as_of: datetime.date, supervisor, lab) -> None:
    """Closed campaigns of earlier years with final results: mostly conforming, some nonconforming, a refusal."""
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    tasks = []
    for days_ago, share in PAST_CAMPAIGNS:
        day = as_of - datetime.timedelta(days=days_ago)
        campaign = Campaign.objects.create(
            year=day.year,
            title=f"{day.year}年度产品质量市级监督抽查",
            legal_basis="《中华人民共和国产品质量法》",
            product_categories="综合",
            batches=int(len(enterprises) * share),
            period_start=day - datetime.timedelta(days=30),
            period_end=day,
            lab=lab,
            status=CampaignStatus.CLOSED,
            created_by=supervisor,
        )
        for pk in rng.sample(enterprises, int(len(enterprises) * share)):
            roll = rng.random()
            verdict = Verdict.CONFORMING if roll < 0.88 else Verdict.REFUSED if roll > 0.995 else Verdict.NONCONFORMING
            tasks.append(_task(campaign, pk, verdict, day - datetime.timedelta(days=rng.randint(0, 25))))
    Task.objects.bulk_create(tasks, batch_size=2000)


def _recent_cluster(*, as_of: datetime.date, supervisor, lab) -> None:
    """One product category in one district failing often in recent weeks, well above its baseline."""
    recent = as_of - datetime.timedelta(days=40)
    pairs = (
        Enterprise.objects.values("industry_id", "district_id").annotate(n=Count("pk")).order_by("-n", "industry_id")
    )
    pair = pairs.first()
    cluster = Enterprise.objects.filter(industry_id=pair["industry_id"], district_id=pair["district_id"])
    campaign = Campaign.objects.create(
        year=recent.year,
        title=f"{recent.year}年专项监督抽查",
        legal_basis="《中华人民共和国产品质量法》",
        product_categories="专项",
        batches=pair["n"],
        period_start=recent - datetime.timedelta(days=20),
        period_end=recent,
        lab=lab,
        status=CampaignStatus.CLOSED,
        created_by=supervisor,
    )
    verdicts = [Verdict.NONCONFORMING, Verdict.NONCONFORMING, Verdict.CONFORMING]
    Task.objects.bulk_create(
        _task(campaign, pk, verdicts[n % 3], recent) for n, pk in enumerate(cluster.values_list("pk", flat=True))
    )


def _task(campaign: Campaign, enterprise_id: int, verdict: str, day: datetime.date) -> Task:
    return Task(
        campaign=campaign,
        enterprise_id=enterprise_id,
        status=TaskStatus.FINAL,
        verdict=verdict,
        due_on=day,
        finalised_at=_at(day),
        publish_due_on=publication_due_on(day),  # the live rule: 20 working days on the calendar
    )


def _analyze() -> None:
    """Fresh statistics before grading: the city was just loaded in this same transaction, and without them the
    planner takes the big tables for empty (PostgreSQL's ANALYZE sees the transaction's own rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def seed_credit(*, rng: random.Random, as_of: datetime.date) -> None:
    users = {user.username: user for user in User.objects.filter(role__in=[Role.LEADER, Role.SUPERVISOR])}
    leader, supervisor = users["leader"], users["supervisor"]
    _past_results(rng=rng, as_of=as_of, supervisor=supervisor, lab=Laboratory.objects.order_by("pk").first())
    _analyze()
    services.recalculate_all(cause=GradeCause.SCHEDULED)
    _recent_cluster(as_of=as_of, supervisor=supervisor, lab=Laboratory.objects.order_by("pk").first())
    # The next night's first run lost its worker (restarted under it): marked "worker lost", and run again.
    lost = JobRun.objects.create(
        name=f"credit.recalculate.{GradeCause.SCHEDULED}",
        worker="worker-1",
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=3),
        task="credit.tasks.recalculate_all_task",
        task_kwargs={"cause": GradeCause.SCHEDULED.value},
    )
    job_run_mark_lost(lost)
    services.recalculate_all(cause=GradeCause.SCHEDULED)  # the next night: risk jumps and the area warning

    demo_enterprise = User.objects.get(username="enterprise").enterprise
    worst = (
        Enterprise.objects.filter(credit__grade=Grade.C)
        .exclude(pk=demo_enterprise.pk)
        .order_by("credit__score", "pk")
        .first()
    )
    if worst is not None:
        _dishonesty_list(as_of=as_of, leader=leader, supervisor=supervisor, first=worst, demo=demo_enterprise)
    good = list(Enterprise.objects.filter(credit__grade=Grade.B).exclude(pk=demo_enterprise.pk).order_by("pk")[:2])
    if len(good) == 2:
        approved = services.override_request(
            actor=supervisor,
            enterprise=good[0],
            grade=Grade.A,
            reason="获评市长质量奖，经局务会研究，培育期内按A类管理。",
            expires_on=as_of + datetime.timedelta(days=180),
        )
        services.override_decide(actor=leader, override=approved, approve=True, note="同意。")
        services.override_request(
            actor=supervisor,
            enterprise=good[1],
            grade=Grade.C,
            reason="媒体曝光产品质量问题，调查期间从严监管。",
            expires_on=as_of + datetime.timedelta(days=90),
        )


def _heavier_penalty(enterprise, supervisor, *, number: str, decided_on: datetime.date, grounds: str) -> Penalty:
    return record_save(
        Penalty(
            enterprise=enterprise,
            recorded_by=supervisor,
            decision_number=number,
            decided_on=decided_on,
            grounds=grounds,
            amount=Decimal("150000.00"),
            is_heavier=True,
        ),
        actor=supervisor,
    )


# The serious-dishonesty list: (ground, facts, penalty grounds, days before the demo date the notice was served,
# how far the procedure went).
LISTINGS = (
    ("refused_inspection", "拒绝监督抽查，经责令改正后仍拒不配合。", "拒绝接受监督抽查", 400, "listed_lapsed"),
    ("counterfeit", "生产销售掺杂掺假的食用植物油，货值金额较大。", "生产销售掺杂掺假产品", 110, "listed_statement"),
    ("unlicensed", "未取得生产许可证生产电线电缆。", "无证生产列入目录的产品", 405, "removed_early"),
    ("failed_rectification", "监督抽查不合格，两次复查仍不合格。", "复查不合格，拒不整改", 1120, "expired"),
    ("fraud", "以虚假检验报告申请生产许可。", "提供虚假材料取得许可", 20, "statement"),
    ("serious_accident", "起重机械违规使用造成一人受伤。", "使用未经检验的特种设备", 40, "not_listed"),
    ("counterfeit", "生产销售以次充好的建筑用钢筋。", "生产销售不合格产品", 2, "notified"),
    ("counterfeit", "销售标注虚假生产日期的预包装食品。", "销售标注虚假日期的食品", 0, "proposed"),
)


def _dishonesty_list(*, as_of, leader, supervisor, first, demo) -> None:
    """A few listings in each state, each through the services: proposed, notified (the demo enterprise's own, so
    its user sees the notice and its countdown), statement received, not listed, listed (one open to early removal
    with an application pending), removed early, and removed three years after publication by the daily run."""
    others = list(
        Enterprise.objects.exclude(pk__in=[first.pk, demo.pk])
        .filter(credit__grade__in=[Grade.C, Grade.B])
        .order_by("credit__score", "pk")[: len(LISTINGS) - 2]
    )
    targets = [first, *others[:5], demo, *others[5:]]
    for n, ((code, facts, penalty_grounds, days, stage), enterprise) in enumerate(zip(LISTINGS, targets, strict=False)):
        notified = as_of - datetime.timedelta(days=days)
        penalty = _heavier_penalty(
            enterprise,
            supervisor,
            number=f"岳市监处罚〔{notified.year}〕{200 + n}号",
            decided_on=notified - datetime.timedelta(days=15),
            grounds=penalty_grounds,
        )
        ground = ListingGround.objects.get(code=code)
        if stage == "expired":
            # Carried over from the paper register before the working-day calendar the portal holds: listed as it
            # was, then removed by the daily run three years after its publication.
            BlacklistEntry.objects.create(
                enterprise=enterprise,
                ground=ground,
                penalty=penalty,
                facts=facts,
                status=BlacklistStatus.LISTED,
                proposed_by=supervisor,
                decided_by=leader,
                decision_note="经局务会审议列入。",
                decision_number=f"岳市监信〔{notified.year}〕{n + 1}号",
                published_on=notified + datetime.timedelta(days=20),
            )
            continue
        entry = services.listing_propose(
            actor=supervisor, enterprise=enterprise, values={"ground": ground, "penalty": penalty, "facts": facts}
        )
        if stage == "proposed":
            continue
        entry = services.listing_notify(
            actor=supervisor, entry=entry, notice_number=f"岳市监信告〔{notified.year}〕{n + 1}号", today=notified
        )
        if stage == "notified":
            continue  # not yet served: the enterprise's first look at it starts its period
        entry = services.listing_notice_serve_on_paper(
            actor=supervisor,
            entry=entry,
            received_on=notified + datetime.timedelta(days=1),
            proof=signed_receipt(),
            now=_at(notified + datetime.timedelta(days=1)),
        )
        if stage != "listed_lapsed":
            entry = services.listing_statement(
                actor=supervisor,
                entry=entry,
                statement="企业书面陈述：已召回涉事产品，请求从轻处理。",
                today=notified + datetime.timedelta(days=3),
            )
        if stage == "statement":
            continue
        decided = notified + datetime.timedelta(days=20)  # after the statement period, holidays included
        entry = services.listing_decide(
            actor=leader,
            entry=entry,
            list_it=stage != "not_listed",
            reasons="经局务会审议，违法事实清楚，情节严重。"
            if stage != "not_listed"
            else "企业已主动消除危害后果，不予列入。",
            decision_number=f"岳市监信〔{decided.year}〕{n + 1}号" if stage != "not_listed" else "",
            published_on=decided,
            today=decided,
        )
        if stage == "removed_early":
            removed = decided + datetime.timedelta(days=370)
            repair = services.repair_apply(
                actor=_enterprise_user(enterprise, supervisor),
                entry=entry,
                statement="已缴清罚款，召回并销毁全部不合格产品，建立质量追溯制度。",
                files=[],
                today=removed,
            )
            services.repair_attest(
                actor=supervisor,
                repair=repair,
                penalty_fulfilled=True,
                penalty_note="罚款缴纳凭证已核验。",
                harm_removed=True,
                harm_note="现场核查：不合格产品已全部召回销毁。",
            )
            services.repair_decide(
                actor=leader, repair=repair, approve=True, note="条件均已满足，同意提前移出。", today=removed
            )
        if stage == "listed_lapsed":
            services.repair_apply(
                actor=_enterprise_user(enterprise, supervisor),
                entry=entry,
                statement="已履行行政处罚决定，整改到位，申请提前移出。",
                files=[],
                today=as_of,
            )
    services.dishonesty_list_daily(today=as_of)  # the one published more than three years ago leaves the list


def _enterprise_user(enterprise, supervisor):
    """The enterprise's own user (one is made for the application when the demo has none)."""
    user = User.objects.filter(enterprise=enterprise, role=Role.ENTERPRISE).first()
    if user is None:
        user = User.objects.create(
            username=f"credit-{enterprise.credit_code.lower()}",  # not the pk: the same seed, the same city
            full_name="质量负责人",
            role=Role.ENTERPRISE,
            enterprise=enterprise,
            password="!",  # no password: an account for the record, not for signing in
        )
    return user
