"""Famous-brand cultivation and the quality award in the demo city, walked through `brands.services` as the bureau,
the enterprises and the expert reviewers would do it:

- last year's quality-award call, decided: applications scored at every stage, the committee's proposal, a public
  notice with a dismissed objection, the winners submitted to the city government and its decision recorded (body,
  document number, date), two honours (valid five years from the decision; they count in their holders' grades).
  One has passed this year's review; the other has an open revocation proposal after a failed spot check;
- this year's cultivation targets, every category, with plans, milestones (one reached, one overdue), help given
  and progress notes; last year's winners were last year's targets, closed when they won;
- this year's famous-brand call open for applications: two eligible ones in paper review, one not eligible, with
  the failed check explained;
- last year's famous-brand evaluation, run late: reviewed, noticed and submitted to the promotion committee, whose
  decision is awaited;
- this year's quality-award call in review: reviewers assigned, some scores in, one recusal, and applications
  waiting for the demo expert's scores.

Services stamp their records with the moment they run; what the story places on an earlier day is moved there
afterwards (`_Clock`), so pages and audit trails read in the order things happened."""

import datetime
import random
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from brands import services
from brands.choices import ApplicationStatus, HelpKind, ProgrammeKind, Stage, TargetCategory
from brands.criteria import CRITERIA
from brands.eligibility import eligibility_checks
from brands.models import (
    Application,
    Conferral,
    CultivationTarget,
    Honour,
    HonourReview,
    Milestone,
    Notice,
    Objection,
    Programme,
    ProgressNote,
    ReviewAssignment,
    RevocationProposal,
    StageResult,
    default_eligibility,
)
from brands.revocation import proposals_raise
from brands.scoring import stage_scores
from core.models import AuditEntry, CalendarYear
from core.workdays import due_date
from credit.choices import Grade, GradeCause
from credit.models import BlacklistEntry
from credit.services import recalculate_enterprises
from enterprises.choices import EnterpriseStatus, Scale
from enterprises.models import Enterprise, Licence
from inspections.choices import FAILED_VERDICTS, CampaignStatus, TaskStatus, Verdict
from inspections.models import Campaign, Task
from qsportal.demo import city
from qsportal.demo.credit import _task

# Every time stamp a brand service sets by itself, and the models whose change history it writes.
STAMPS = (
    (Programme, "created_at"),
    (CultivationTarget, "created_at"),
    (ProgressNote, "written_at"),
    (Application, "submitted_at"),
    (Application, "checked_at"),
    (ReviewAssignment, "assigned_at"),
    (ReviewAssignment, "closed_at"),
    (StageResult, "decided_at"),
    (Notice, "published_at"),
    (Objection, "filed_at"),
    (Objection, "resolved_at"),
    (HonourReview, "reviewed_at"),
    (Conferral, "submitted_at"),
    (Conferral, "decided_at"),
    (RevocationProposal, "raised_at"),
)
HISTORIES = (
    CultivationTarget,
    Milestone,
    Programme,
    Application,
    ReviewAssignment,
    Conferral,
    Honour,
    RevocationProposal,
)

CATEGORIES = (
    TargetCategory.INDUSTRY_LEADER,
    TargetCategory.SINGLE_CHAMPION,
    TargetCategory.HIDDEN_CHAMPION,
    TargetCategory.EMERGING,
)
GOALS = {
    TargetCategory.INDUSTRY_LEADER: "争创岳阳市政府质量奖，三年内申报湖南省省长质量奖",
    TargetCategory.SINGLE_CHAMPION: "主导产品争创湖南名牌产品，申报省级制造业单项冠军产品",
    TargetCategory.HIDDEN_CHAMPION: "培育为专精特新“小巨人”企业，细分市场占有率进入全国前三",
    TargetCategory.EMERGING: "建成省级企业技术中心，主导或参与制定团体标准1项以上",
}
PLANS = {
    TargetCategory.INDUSTRY_LEADER: (
        "一、导入GB/T 19580卓越绩效评价准则，年内完成自评报告；二、健全首席质量官制度，建立质量成本核算体系；"
        "三、对标行业标杆开展质量提升行动，关键工序质量损失率下降10%；四、带动产业链上下游配套企业同步提升。"
    ),
    TargetCategory.SINGLE_CHAMPION: (
        "一、主导产品对标国际先进标准，开展“同线同标同质”评价；二、完善计量检测体系，关键参数检测能力全覆盖；"
        "三、申报岳阳名牌产品，培育自主品牌；四、扩大细分市场份额，年内新增省外客户10家。"
    ),
    TargetCategory.HIDDEN_CHAMPION: (
        "一、聚焦细分领域，研发投入不低于营业收入的5%；二、通过质量管理体系和知识产权管理体系认证；"
        "三、培养注册质量工程师2名；四、申报专精特新“小巨人”企业。"
    ),
    TargetCategory.EMERGING: (
        "一、建立企业标准体系，主导或参与制定团体标准；二、建设企业技术中心和检测实验室；"
        "三、开展产品认证，拓展省外市场；四、引进质量管理专业人才，完善质量追溯体系。"
    ),
}
MILESTONES = {
    TargetCategory.INDUSTRY_LEADER: ("完成卓越绩效自评报告", "首席质量官参加省级培训并结业", "提交政府质量奖申报材料"),
    TargetCategory.SINGLE_CHAMPION: ("完成主导产品对标分析", "计量检测体系确认", "提交岳阳名牌产品申报材料"),
    TargetCategory.HIDDEN_CHAMPION: ("通过GB/T 19001质量管理体系认证", "研发中心挂牌", "提交专精特新申报材料"),
    TargetCategory.EMERGING: ("团体标准立项", "检测实验室通过CNAS评审", "团体标准发布实施"),
}
HELP_ROTATION = (HelpKind.TRAINING, HelpKind.STANDARDS, HelpKind.METROLOGY, HelpKind.CERTIFICATION, HelpKind.OTHER)
HELP = {
    HelpKind.STANDARDS: "市标准化研究院上门开展标准查新，指导企业起草团体标准并完成立项论证。",
    HelpKind.METROLOGY: "市计量检定测试所免费检定关键计量器具32台件，辅导建立测量管理体系。",
    HelpKind.CERTIFICATION: "协调认证机构开展质量管理体系认证差距分析，提出整改建议15条。",
    HelpKind.TRAINING: "组织企业质量负责人参加卓越绩效模式与首席质量官培训班（32学时）。",
    HelpKind.OTHER: "协调市检验检测中心向企业开放共享检测设备，缩短新产品检测周期。",
}
NOTES = (
    "企业已成立质量提升工作专班，培育计划各项任务按节点推进，关键工序质量损失率较上年下降。",
    "上半年主导产品市场占有率稳步提升，但检测实验室建设进度滞后，已督促企业调整计划。",
    "经走访调研，企业首席质量官制度运行良好，下一步重点推进标准化和品牌建设工作。",
)
APPLICATION_SUMMARIES = (
    "{name}导入卓越绩效管理模式多年，建立了以顾客为中心的质量管理体系，主导产品市场占有率位居全省前列，"
    "近三年监督抽查全部合格。",
    "{name}坚持质量强企战略，建立首席质量官制度和全员质量责任体系，主导产品关键指标优于国家标准，"
    "带动本地配套企业共同提升。",
)
PRODUCT_SUMMARY = "{product}按标准组织生产，质量稳定，近三年各级监督抽查均合格，市场占有率逐年提升。"
RECUSAL = "本人近三年曾为该企业提供卓越绩效管理咨询服务，存在利益冲突，申请回避。"
OBJECTION = {
    "name": "刘建华",
    "phone": "13907301234",
    "organisation": "",
    "text": "该企业前几年曾因产品标识问题被消费者投诉，质量管理存在问题，不应授予政府质量奖。",
}
OBJECTION_DISMISSED = (
    "经核查，所涉投诉已于当年依法处理完毕，不属于重大质量问题；企业近三年监督抽查均合格，信用等级良好，异议不成立。"
)
PHONE = "0730-8888123"


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class _Clock:
    """What the services write inside `on(day)` happened on that day: the time stamps they set, their change
    history and audit entries fall between the block's start and end, and `settle` moves them all to the day at
    the end (one update per table and day, rather than one per table for every block)."""

    def __init__(self) -> None:
        self.spans: list[tuple[datetime.datetime, datetime.datetime, datetime.datetime]] = []

    @contextmanager
    def on(self, day: datetime.date, hour: int = 10) -> Iterator[None]:
        started = timezone.now()
        yield
        self.spans.append((started, timezone.now(), _at(day, hour)))

    def settle(self) -> None:
        if not self.spans:
            return
        stamped = [(model.objects.all(), field) for model, field in STAMPS]
        stamped += [(model.history.all(), "history_date") for model in HISTORIES]
        stamped.append((AuditEntry.objects.filter(action__startswith="brands."), "at"))
        starts = [start for start, _end, _moment in self.spans]
        for queryset, field in stamped:
            rows = queryset.filter(**{f"{field}__range": (starts[0], self.spans[-1][1])}).values_list("pk", field)
            moved: dict[datetime.datetime, list[int]] = {}
            for pk, stamp in rows:
                start, end, moment = self.spans[bisect_right(starts, stamp) - 1]
                if stamp <= end:
                    moved.setdefault(moment, []).append(pk)
            for moment, pks in moved.items():
                queryset.filter(pk__in=pks).update(**{field: moment})


def _scores(rng: random.Random, level: float) -> dict[str, int]:
    """Points per GB/T 19580 category around `level` (a share of the maximum)."""
    return {
        code: round(points * min(0.97, max(0.3, level + rng.uniform(-0.06, 0.06)))) for code, _l, points in CRITERIA
    }


class _Demo:
    """The cast (staff, experts, enterprise accounts), the candidates for targets and calls, and the clock."""

    def __init__(self, *, rng: random.Random, as_of: datetime.date, password: str) -> None:
        self.rng = rng
        self.clock = _Clock()
        self.on = self.clock.on
        # Services refuse dates after the real today (help given, milestones reached): a later as-of date stops there.
        self.as_of = min(as_of, timezone.localdate())
        self.password = password
        staff = {user.username: user for user in User.objects.filter(role__in=[Role.LEADER, Role.SUPERVISOR])}
        self.leader, self.supervisor = staff["leader"], staff["supervisor"]
        self.experts = list(User.objects.filter(role=Role.EXPERT).order_by("pk"))
        self.accounts = {
            user.enterprise_id: user
            for user in User.objects.filter(role=Role.ENTERPRISE).select_related("enterprise").order_by("-pk")
        }
        self.next_account = len(self.accounts) + 1
        self.demo_enterprise_id = User.objects.get(username="enterprise").enterprise_id
        self.used: set[int] = {self.demo_enterprise_id}
        self.failing_holder: Honour | None = None  # last year's honour whose holder fails a spot check since
        self.award_applicants: list[Enterprise] = []  # this year's, chosen with the cultivation targets
        # Above scale, graded A or B, trading for five years, no failed spot check in five, every licence valid,
        # never listed: eligible for this year's calls and last year's.
        failed = _failed_tasks(_at(self.as_of - relativedelta(years=5)))
        lapsed = Licence.objects.filter(enterprise=OuterRef("pk")).filter(
            Q(expires_on__lt=self.as_of) | Q(revoked_on__isnull=False)
        )
        candidates = list(
            Enterprise.objects.filter(
                scale=Scale.ABOVE,
                status=EnterpriseStatus.ACTIVE,
                credit__grade__in=[Grade.A, Grade.B],
                established_on__lte=self.as_of - relativedelta(years=5),
            )
            .exclude(Exists(failed))
            .exclude(Exists(lapsed))
            .exclude(Exists(BlacklistEntry.objects.filter(enterprise=OuterRef("pk"))))
            .select_related("area__officer")
            .order_by("pk")
        )
        rng.shuffle(candidates)
        self.candidates = candidates

    # Who takes part.

    def eligible(self, count: int, since: datetime.date) -> list[Enterprise]:
        """Up to `count` unused candidates that meet the default rules from `since` (checked that day; the
        candidates' record makes any later day pass too)."""
        chosen = []
        for enterprise in self.candidates:
            if len(chosen) == count:
                break
            if enterprise.pk not in self.used and _passes(enterprise, since):
                chosen.append(enterprise)
                self.used.add(enterprise.pk)
        return chosen

    def take(self, count: int) -> list[Enterprise]:
        """Up to `count` unused candidates, unchecked: cultivation asks only for grade A or B."""
        chosen = [enterprise for enterprise in self.candidates if enterprise.pk not in self.used][:count]
        self.used.update(enterprise.pk for enterprise in chosen)
        return chosen

    def account(self, enterprise: Enterprise) -> User:
        """The enterprise's account, opened now if it has none: an enterprise applies online."""
        if enterprise.pk not in self.accounts:
            given = "".join(self.rng.choice(city.GIVEN) for _ in range(self.rng.choice((1, 2))))
            self.accounts[enterprise.pk] = User.objects.create(
                username=f"enterprise{self.next_account}",
                full_name=self.rng.choice(city.SURNAMES) + given,
                role=Role.ENTERPRISE,
                enterprise=enterprise,
                password=self.password,
            )
            self.next_account += 1
        return self.accounts[enterprise.pk]

    # Cultivation targets.

    def target(self, enterprise: Enterprise, *, year: int, category: str, day: datetime.date) -> CultivationTarget:
        officer = self.leader if category == TargetCategory.INDUSTRY_LEADER else enterprise.area.officer
        with self.on(day):
            return services.target_save(
                actor=self.supervisor,
                values={
                    "enterprise": enterprise,
                    "year": year,
                    "category": category,
                    "officer": officer,
                    "goal": GOALS[category],
                    "plan": PLANS[category],
                },
            )

    def cultivate(self, target: CultivationTarget, n: int, start: datetime.date) -> None:
        """Milestones (the first reached, every other target's second overdue, the last ahead), help of two kinds,
        and a progress note, each recorded by the target's officer."""
        rng, officer, as_of = self.rng, target.officer, self.as_of
        first, second, third = MILESTONES[target.category]
        reached_due = start + datetime.timedelta(days=rng.randint(50, 75))
        due = [(first, reached_due)]
        if n % 2 == 0:
            due.append((second, as_of - datetime.timedelta(days=rng.randint(8, 30))))
        else:
            due.append((second, as_of + datetime.timedelta(days=rng.randint(20, 60))))
        due.append((third, as_of + datetime.timedelta(days=rng.randint(70, 160))))
        with self.on(start + datetime.timedelta(days=5)):
            milestones = [services.milestone_add(actor=officer, target=target, title=t, due_on=d) for t, d in due]
        reached = reached_due - datetime.timedelta(days=rng.randint(0, 10))
        with self.on(reached):
            services.milestone_done(
                actor=officer, milestone=milestones[0], done_on=reached, note="按期完成，资料已存档。"
            )
        for kind in (HELP_ROTATION[n % len(HELP_ROTATION)], HELP_ROTATION[(n + 2) % len(HELP_ROTATION)]):
            given = start + datetime.timedelta(days=rng.randint(10, (as_of - start).days - 5))
            with self.on(given):
                services.help_record(actor=officer, target=target, kind=kind, given_on=given, description=HELP[kind])
        with self.on(as_of - datetime.timedelta(days=rng.randint(2, 15)), hour=16):
            services.progress_note(actor=officer, target=target, text=NOTES[n % len(NOTES)])

    # Calls.

    def apply(
        self, programme: Programme, enterprise: Enterprise, day: datetime.date, level: float, **values
    ) -> Application:
        summary = APPLICATION_SUMMARIES[enterprise.pk % len(APPLICATION_SUMMARIES)].format(name=enterprise.name)
        values = {"summary": summary, "self_assessment": _scores(self.rng, level + 0.05), **values}
        with self.on(day, hour=9 + enterprise.pk % 8):
            return services.application_submit(
                actor=self.account(enterprise), programme=programme, values=values, today=day
            )

    def assign(self, applications: list[Application], panels: list[list[User]], day: datetime.date) -> list:
        with self.on(day):
            return [
                assignment
                for application, panel in zip(applications, panels, strict=True)
                for assignment in services.reviewers_assign(
                    actor=self.supervisor, application=application, reviewers=panel
                )
            ]

    def submit(self, assignments: list[ReviewAssignment], levels: dict[int, float], first: datetime.date, days: int):
        """Each reviewer scores all their assignments on one day of their own, between `first` and `first + days`."""
        by_reviewer: dict[int, list[ReviewAssignment]] = {}
        for assignment in assignments:
            by_reviewer.setdefault(assignment.reviewer_id, []).append(assignment)
        for reviewer_assignments in by_reviewer.values():
            with self.on(first + datetime.timedelta(days=self.rng.randint(0, days)), hour=self.rng.randint(9, 20)):
                for assignment in reviewer_assignments:
                    services.review_submit(
                        actor=assignment.reviewer,
                        assignment=assignment,
                        scores=_scores(self.rng, levels[assignment.application_id]),
                        comment=self.rng.choice(("", "", "领导作用发挥充分，结果指标有待进一步量化。")),
                    )


def _failed_tasks(since: datetime.datetime):
    return Task.objects.filter(
        enterprise=OuterRef("pk"), status=TaskStatus.FINAL, verdict__in=FAILED_VERDICTS, finalised_at__gte=since
    )


def _checks(enterprise: Enterprise, day: datetime.date) -> list[dict]:
    return eligibility_checks(enterprise, default_eligibility(), today=day)


def _calendar_on_file(year: int) -> bool:
    """Whether working days of `year` can be counted (the notice period of that year's call)."""
    return CalendarYear.objects.filter(year=year).exists()


def _passes(enterprise: Enterprise, day: datetime.date) -> bool:
    return all(check["passed"] for check in _checks(enterprise, day))


def seed_brands(*, rng: random.Random, as_of: datetime.date, password: str) -> None:
    """Call after the credit demo: eligibility and honours read the grades it computed."""
    demo = _Demo(rng=rng, as_of=as_of, password=password)
    _last_year_award(demo)
    _cultivation(demo)
    _famous_brand_call(demo)
    _famous_brand_awaiting(demo)
    _award_in_review(demo)
    demo.clock.settle()
    # Raised once the clock has put the holder's application (and its eligibility check) on last year's dates.
    if demo.failing_holder is not None:
        _failed_spot_check(demo, demo.failing_holder)


def _last_year_award(demo: _Demo) -> None:
    """Last year's quality award, from the call to the honours; then this year's review of one honour and a
    failed spot check of the other's holder, which raises a revocation proposal."""
    rng, leader, supervisor = demo.rng, demo.leader, demo.supervisor
    year = demo.as_of.year - 1
    opened, closes = datetime.date(year, 3, 15), datetime.date(year, 5, 31)
    apply_days = [datetime.date(year, 4, 8) + datetime.timedelta(days=9 * n) for n in range(4)]
    applicants = demo.eligible(4, apply_days[0])
    if not applicants or len(demo.experts) < 5 or not _calendar_on_file(year):
        return
    with demo.on(opened):
        programme = services.programme_create(
            actor=supervisor,
            values={
                "kind": ProgrammeKind.QUALITY_AWARD,
                "year": year,
                "title": f"{year}年度岳阳市政府质量奖",
                "description": "根据《岳阳市政府质量奖管理办法》，现组织开展年度政府质量奖评审，请符合条件的企业申报。",
                "closes_on": closes,
                "award_count": 2,
            },
            today=opened,
        )
    levels = {}
    for enterprise, day in zip(applicants, apply_days, strict=False):
        level = rng.uniform(0.66, 0.86)
        levels[demo.apply(programme, enterprise, day, level).pk] = level
    with demo.on(datetime.date(year, 6, 3)):
        programme = services.programme_start_review(actor=supervisor, programme=programme)

    schedule = {
        Stage.PAPER: (datetime.date(year, 6, 10), datetime.date(year, 7, 3), 5),
        Stage.PRESENTATION: (datetime.date(year, 7, 20), datetime.date(year, 8, 7), 3),
        Stage.SITE: (datetime.date(year, 8, 25), datetime.date(year, 9, 18), 3),
    }
    for stage, (assigned, decided, panel_size) in schedule.items():
        active = list(programme.applications.filter(status=ApplicationStatus.IN_REVIEW, stage=stage).order_by("pk"))
        if not active:
            continue
        panels = [rng.sample(demo.experts, panel_size) for _application in active]
        assignments = demo.assign(active, panels, assigned)
        demo.submit(assignments, levels, assigned + datetime.timedelta(days=4), 10)
        ranked = {score.application_id: score.rank for score in stage_scores(programme, stage)}
        last = max(ranked.values())
        with demo.on(decided, hour=15):
            for application in active:
                stops = stage == Stage.PAPER and len(active) > 3 and ranked[application.pk] == last
                services.stage_decide(
                    actor=supervisor,
                    application=application,
                    advance=not stops,
                    note="书面评审得分排名末位，未进入陈述答辩环节。" if stops else "",
                )

    finalists = list(programme.applications.filter(status=ApplicationStatus.IN_REVIEW).order_by("pk"))
    finalists.sort(key=services.latest_score, reverse=True)
    with demo.on(datetime.date(year, 10, 12), hour=15):
        for position, application in enumerate(finalists, start=1):
            proposed = position <= programme.award_count
            services.committee_decide(
                actor=leader,
                application=application,
                propose=proposed,
                note="评审委员会审议通过，拟推荐授奖。" if proposed else f"综合得分排名第{position}，超出授奖名额。",
            )
    published = datetime.date(year, 10, 20)
    ends = due_date(published, programme.notice_working_days, "working")
    names = "、".join(application.enterprise.name for application in finalists[: programme.award_count])
    with demo.on(published):
        notice = services.notice_publish(
            actor=supervisor,
            programme=programme,
            text=(
                f"根据《岳阳市政府质量奖管理办法》，经资格审查、专家评审和评审委员会审议，拟授予{names}"
                f"{year}年度岳阳市政府质量奖。公示期自{published:%Y年%m月%d日}至{ends:%Y年%m月%d日}，"
                f"对公示对象有异议的，请在公示期内实名反映。联系电话：{PHONE}。"
            ),
            today=published,
        )
    objected = published + datetime.timedelta(days=2)
    with demo.on(objected, hour=14):
        objection = services.objection_file(
            actor=None, notice=notice, application=finalists[0], values=OBJECTION, today=objected
        )
    with demo.on(objected + datetime.timedelta(days=4)):
        services.objection_resolve(actor=supervisor, objection=objection, upheld=False, note=OBJECTION_DISMISSED)
    # The bureau submits the winners to the city government, which confers the award by its decision.
    submitted = ends + datetime.timedelta(days=3)
    with demo.on(submitted):
        services.programme_submit(
            actor=leader,
            programme=programme,
            note=f"岳市监呈〔{year}〕{rng.randint(10, 40)}号《关于提请授予{year}年度岳阳市政府质量奖的请示》",
            today=submitted,
        )
    awarded = max(datetime.date(year, 11, 10), submitted + datetime.timedelta(days=10))
    with demo.on(awarded):
        # The award's event moves the holders' grades only once the seed commits: regrade them on the demo's clock.
        honours = services.conferral_record(
            actor=leader,
            programme=programme,
            decided_on=awarded,
            document_number=f"岳政发〔{year}〕{rng.randint(20, 60)}号",
            today=awarded,
        )
        recalculate_enterprises(
            sorted({h.enterprise_id for h in honours}), cause=GradeCause.EVENT, detail="brands.award"
        )
    # The winners had been on that year's list of cultivation targets; winning closed their cultivation.
    for n, honour in enumerate(honours):
        target = demo.target(honour.enterprise, year=year, category=CATEGORIES[n], day=datetime.date(year, 2, 20))
        with demo.on(awarded + datetime.timedelta(days=7)):
            services.target_close(
                actor=supervisor, target=target, note=f"荣获{year}年度岳阳市政府质量奖，培育目标达成。"
            )

    if honours:
        with demo.on(demo.as_of - datetime.timedelta(days=20)):
            services.honour_review(
                actor=supervisor,
                honour=honours[0],
                year=demo.as_of.year,
                passed=True,
                note="年度复核：信用等级、监督抽查、证照均符合要求，质量管理体系持续有效运行。",
            )
    if len(honours) > 1:
        demo.failing_holder = honours[1]


def _failed_spot_check(demo: _Demo, honour: Honour) -> None:
    """A nonconforming verdict for the holder after its award, in the latest closed campaign: its grade is
    recalculated and a revocation proposal raised, for staff to confirm or dismiss."""
    campaign = Campaign.objects.filter(status=CampaignStatus.CLOSED).order_by("-period_end", "-pk").first()
    if campaign is None or campaign.period_end <= honour.awarded_on:
        return
    _task(campaign, honour.enterprise_id, Verdict.NONCONFORMING, campaign.period_end).save()
    recalculate_enterprises([honour.enterprise_id], cause=GradeCause.EVENT, detail="inspection.verdict")
    proposals_raise(enterprise_ids=[honour.enterprise_id], today=demo.as_of)
    RevocationProposal.objects.filter(honour=honour).update(raised_at=_at(campaign.period_end, 16))


def _cultivation(demo: _Demo) -> None:
    """This year's list: about eight targets over the four categories, each with its plan under way."""
    year = demo.as_of.year
    start = min(datetime.date(year, 2, 20), demo.as_of - datetime.timedelta(days=100))
    # This year's award applicants are on the list: the bureau cultivates those it hopes will win.
    demo.award_applicants = demo.eligible(4, demo.as_of - datetime.timedelta(days=60))
    enterprises = demo.award_applicants + demo.take(8 - len(demo.award_applicants))
    for n, enterprise in enumerate(enterprises):
        target = demo.target(enterprise, year=year, category=CATEGORIES[n % len(CATEGORIES)], day=start)
        demo.cultivate(target, n, start)


def _famous_brand_call(demo: _Demo) -> None:
    """This year's famous-brand call, open a few more weeks: two eligible products and one enterprise that is
    not eligible, its failed check explained. The demo enterprise is one of the three when it makes a product."""
    year, as_of = demo.as_of.year, demo.as_of
    opened = as_of - datetime.timedelta(days=24)
    with demo.on(opened):
        programme = services.programme_create(
            actor=demo.supervisor,
            values={
                "kind": ProgrammeKind.FAMOUS_BRAND,
                "year": year,
                "title": f"{year}年度岳阳名牌产品",
                "description": "组织开展年度岳阳名牌产品评价，请主导产品质量优良、市场占有率高的企业申报。",
                "closes_on": as_of + datetime.timedelta(days=21),
                "award_count": 10,
                "validity_years": 3,
                "stages": [Stage.PAPER, Stage.SITE, Stage.COMMITTEE],
            },
            today=opened,
        )
    days = [as_of - datetime.timedelta(days=d) for d in (18, 11, 5)]
    # Enterprises with an account and a product. The demo enterprise applies, eligible or not, so its account has
    # an application to follow; a failed spot check is the most telling reason to show for the one not eligible.
    makers = sorted(
        Enterprise.objects.filter(
            pk__in=[pk for pk in demo.accounts if pk == demo.demo_enterprise_id or pk not in demo.used],
            status=EnterpriseStatus.ACTIVE,
            products__discontinued_on__isnull=True,
        )
        .annotate(failed=Exists(_failed_tasks(_at(as_of - relativedelta(years=3)))))
        .distinct(),
        key=lambda e: (e.pk != demo.demo_enterprise_id, not e.failed, e.pk),
    )
    eligible = (e for e in makers if _passes(e, days[0]) and _passes(e, as_of))
    ineligible = (e for e in makers if not _passes(e, as_of) and not _passes(e, days[-1]))
    applicants = list(islice(eligible, 2))
    applicants += list(islice(ineligible, 1))
    for enterprise, day in zip(applicants, days, strict=False):
        demo.used.add(enterprise.pk)
        product = enterprise.products.filter(discontinued_on__isnull=True).order_by("pk").first()
        demo.apply(
            programme,
            enterprise,
            day,
            demo.rng.uniform(0.7, 0.85),
            product=product,
            summary=PRODUCT_SUMMARY.format(product=product),
        )


def _famous_brand_awaiting(demo: _Demo) -> None:
    """Last year's famous-brand evaluation, run late: two products through the paper review and the committee, a
    public notice with no objection, and the submission to the promotion committee (名牌战略推进委员会), whose
    decision the bureau awaits (nothing is awarded until it is recorded)."""
    as_of, leader, supervisor = demo.as_of, demo.leader, demo.supervisor
    opened = as_of - datetime.timedelta(days=120)
    if len(demo.experts) < 3 or not all(_calendar_on_file(day.year) for day in (opened, as_of)):
        return
    makers = []
    for enterprise in demo.candidates:
        if len(makers) == 2:
            break
        product = enterprise.products.filter(discontinued_on__isnull=True).order_by("pk").first()
        if enterprise.pk not in demo.used and product is not None and _passes(enterprise, opened):
            demo.used.add(enterprise.pk)
            makers.append((enterprise, product))
    if not makers:
        return
    year = as_of.year - 1
    with demo.on(opened):
        programme = services.programme_create(
            actor=supervisor,
            values={
                "kind": ProgrammeKind.FAMOUS_BRAND,
                "year": year,
                "title": f"{year}年度岳阳名牌产品",
                "description": "组织开展岳阳名牌产品评价，请主导产品质量优良、市场占有率高的企业申报。",
                "closes_on": opened + datetime.timedelta(days=20),
                "award_count": 5,
                "validity_years": 3,
                "stages": [Stage.PAPER, Stage.COMMITTEE],
            },
            today=opened,
        )
    levels, applications = {}, []
    for n, (enterprise, product) in enumerate(makers):
        level = demo.rng.uniform(0.72, 0.86)
        day = opened + datetime.timedelta(days=5 + 4 * n)
        summary = PRODUCT_SUMMARY.format(product=product)
        application = demo.apply(programme, enterprise, day, level, product=product, summary=summary)
        levels[application.pk] = level
        applications.append(application)
    with demo.on(opened + datetime.timedelta(days=21)):
        programme = services.programme_start_review(actor=supervisor, programme=programme)
    panels = [demo.experts[:3] for _application in applications]
    assignments = demo.assign(applications, panels, opened + datetime.timedelta(days=25))
    demo.submit(assignments, levels, opened + datetime.timedelta(days=28), 8)
    with demo.on(opened + datetime.timedelta(days=45), hour=15):
        for application in applications:
            services.stage_decide(actor=supervisor, application=application, advance=True)
    with demo.on(opened + datetime.timedelta(days=60), hour=15):
        for application in applications:
            services.committee_decide(
                actor=leader, application=application, propose=True, note="评审委员会审议通过，拟推荐认定。"
            )
    published = opened + datetime.timedelta(days=70)
    names = "、".join(f"{application.enterprise.name}“{application.product}”" for application in applications)
    with demo.on(published):
        notice = services.notice_publish(
            actor=supervisor,
            programme=programme,
            text=f"经专家评审和评审委员会审议，拟认定{names}为{year}年度岳阳名牌产品，现予公示。联系电话：{PHONE}。",
            today=published,
        )
    submitted = min(notice.ends_on + datetime.timedelta(days=5), as_of)
    with demo.on(submitted):
        services.programme_submit(
            actor=leader,
            programme=programme,
            note=f"岳市监呈〔{as_of.year}〕{demo.rng.randint(41, 80)}号《关于提请认定{year}年度岳阳名牌产品的请示》",
            today=submitted,
        )


def _award_in_review(demo: _Demo) -> None:
    """This year's quality award in paper review: five reviewers on each application, the demo expert on every
    one. The first application is fully scored (staff may close its stage); on the others the demo expert's
    scores are awaited, and on the third a reviewer recused and a stand-in was assigned."""
    rng, as_of = demo.rng, demo.as_of
    applicants = demo.award_applicants
    if not applicants or len(demo.experts) < 6:
        return
    opened = as_of - datetime.timedelta(days=70)
    with demo.on(opened):
        programme = services.programme_create(
            actor=demo.supervisor,
            values={
                "kind": ProgrammeKind.QUALITY_AWARD,
                "year": as_of.year,
                "title": f"{as_of.year}年度岳阳市政府质量奖",
                "description": "根据《岳阳市政府质量奖管理办法》，现组织开展年度政府质量奖评审，请符合条件的企业申报。",
                "closes_on": as_of - datetime.timedelta(days=14),
                "award_count": 3,
            },
            today=opened,
        )
    levels, applications = {}, []
    for n, enterprise in enumerate(applicants):
        level = rng.uniform(0.66, 0.86)
        application = demo.apply(programme, enterprise, as_of - datetime.timedelta(days=60 - 12 * n), level)
        if application.status == ApplicationStatus.IN_REVIEW:
            levels[application.pk] = level
            applications.append(application)
    with demo.on(as_of - datetime.timedelta(days=13)):
        programme = services.programme_start_review(actor=demo.supervisor, programme=programme)
    expert, others = demo.experts[0], demo.experts[1:6]
    # Each panel: the demo expert and four of the five others (a different one left out each time).
    panels = [[expert, *others[: n % 5], *others[n % 5 + 1 :]] for n in range(len(applications))]
    assignments = demo.assign(applications, panels, as_of - datetime.timedelta(days=10))
    by_application: dict[int, list[ReviewAssignment]] = {}
    for assignment in assignments:
        by_application.setdefault(assignment.application_id, []).append(assignment)
    due = []
    for n, application in enumerate(applications):
        mine, theirs = by_application[application.pk][0], by_application[application.pk][1:]
        if n == 0:
            due += [mine, *theirs]
        elif n == 1:
            due += theirs[:3]
        elif n == 2:
            recused = theirs[0]
            with demo.on(as_of - datetime.timedelta(days=9), hour=11):
                services.review_recuse(actor=recused.reviewer, assignment=recused, reason=RECUSAL)
            with demo.on(as_of - datetime.timedelta(days=8)):
                services.reviewers_assign(actor=demo.supervisor, application=application, reviewers=[others[n % 5]])
            due += theirs[1:3]
    demo.submit(due, levels, as_of - datetime.timedelta(days=7), 5)
