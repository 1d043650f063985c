"""The demo city's credit record: three years of earlier spot-check results (so grades spread over A, B and C),
then the first nightly grading, a listing on the dishonesty list, overrides and early warnings — each through the
portal's own services, as staff would do it."""

import datetime
import random

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from credit import services
from credit.choices import BlacklistGround, Grade, GradeCause
from enterprises.models import Enterprise
from inspections.choices import CampaignStatus, TaskStatus, Verdict
from inspections.models import Campaign, Laboratory, Task

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
        publish_due_on=day + datetime.timedelta(days=28),
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
    services.recalculate_all(cause=GradeCause.SCHEDULED)  # the next night: risk jumps and the area warning

    demo_enterprise = User.objects.get(username="enterprise").enterprise
    worst = (
        Enterprise.objects.filter(credit__grade=Grade.C)
        .exclude(pk=demo_enterprise.pk)
        .order_by("credit__score", "pk")
        .first()
    )
    if worst is not None:
        services.blacklist_add(
            actor=supervisor,
            enterprise=worst,
            values={
                "ground": BlacklistGround.REFUSED_INSPECTION,
                "facts": "拒绝监督抽查，经责令改正后仍拒不配合。",
                "decision_number": f"{as_of.year}失信001号",
                "published_on": as_of - datetime.timedelta(days=240),
            },
        )
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
