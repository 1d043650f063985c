import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import Role
from core.credit_code import build_credit_code
from credit.choices import BlacklistGround, BlacklistStatus
from credit.listing_grounds import ensure_listing_grounds
from credit.models import BlacklistEntry, ListingGround
from enterprises.choices import CheckRating, LicenceKind, Scale, StandardKind
from enterprises.models import (
    District,
    Enterprise,
    Industry,
    Licence,
    Penalty,
    Product,
    ResponsibilityArea,
    SelfReport,
    Standard,
)
from enterprises.reference_data import sync_industries
from inspections.choices import TaskKind, TaskStatus
from inspections.models import Campaign, Laboratory, Task

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.SUPERVISOR
    password = factory.django.Password(PASSWORD)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    # 430610-430699: never a code the tests pin (430601-430603), which get_or_create would otherwise hand over.
    code = factory.Sequence(lambda n: f"4306{10 + n % 90:02d}")
    name = factory.Sequence(lambda n: f"测试区{n}")


class ResponsibilityAreaFactory(DjangoModelFactory):
    class Meta:
        model = ResponsibilityArea

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"责任区{n}")
    officer = factory.SubFactory(UserFactory, role=Role.SUPERVISOR)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"岳阳测试{n}有限公司")
    credit_code = factory.Sequence(
        lambda n: build_credit_code(division_code="430602", organisation_base=f"{10_000_000 + n:08d}")
    )
    legal_representative = "张三"
    address = "岳阳市岳阳楼区建设路1号"
    area = factory.SubFactory(ResponsibilityAreaFactory)
    district = factory.SelfAttribute("area.district")
    industry = factory.LazyFunction(lambda: _industry("14"))
    scale = Scale.ABOVE
    established_on = datetime.date(2010, 3, 1)


def _industry(code: str) -> Industry:
    # Loaded by a migration, but transactional tests flush the tables they ran on.
    if not Industry.objects.exists():
        sync_industries(Industry)
    return Industry.objects.get(code=code)


class LicenceFactory(DjangoModelFactory):
    class Meta:
        model = Licence

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = LicenceKind.FOOD_PRODUCTION
    number = factory.Sequence(lambda n: f"SC1144306020{n:04d}")
    issued_on = datetime.date(2024, 1, 1)
    expires_on = datetime.date(2029, 1, 1)


def enterprise_user(enterprise: Enterprise, **kwargs) -> User:
    return UserFactory(role=Role.ENTERPRISE, enterprise=enterprise, **kwargs)


class LaboratoryFactory(DjangoModelFactory):
    class Meta:
        model = Laboratory
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"岳阳市产品质量检验检测中心{n}")
    accreditation = factory.Sequence(lambda n: f"CMA-2026-{n:04d}")

    @factory.post_generation
    def technicians(self, create, extracted, **kwargs):
        if create and extracted:
            self.technicians.set(extracted)


class StandardFactory(DjangoModelFactory):
    class Meta:
        model = Standard
        django_get_or_create = ["code"]

    code = "GB 2762-2022"
    title = "食品安全国家标准 食品中污染物限量"
    kind = StandardKind.NATIONAL


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"大米{n}")
    specification = "5 kg/袋"
    trademark = "洞庭"


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    year = 2026
    title = factory.Sequence(lambda n: f"产品质量监督抽查{n}")
    legal_basis = "《中华人民共和国产品质量法》"
    product_categories = "大米"
    batches = 1
    period_start = datetime.date(2026, 11, 1)
    period_end = datetime.date(2026, 12, 31)
    lab = factory.SubFactory(LaboratoryFactory)
    created_by = factory.SubFactory(UserFactory, role=Role.SUPERVISOR)


def assign_task(inspector: User, enterprise: Enterprise, **kwargs) -> Task:
    """A spot-check task at `enterprise` assigned to `inspector` (as a draw would make it)."""
    campaign = kwargs.pop("campaign", None) or CampaignFactory()
    task = Task.objects.create(campaign=campaign, enterprise=enterprise, due_on=campaign.period_end, **kwargs)
    task.inspectors.add(inspector)
    return task


# Credit grading: the records a grade is computed from, made directly (final tasks without the whole spot-check flow).


class PenaltyFactory(DjangoModelFactory):
    class Meta:
        model = Penalty

    enterprise = factory.SubFactory(EnterpriseFactory)
    decision_number = factory.Sequence(lambda n: f"岳市监罚〔2026〕{n}号")
    decided_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    grounds = "生产不合格产品"
    recorded_by = factory.SubFactory(UserFactory, role=Role.SUPERVISOR)


class SelfReportFactory(DjangoModelFactory):
    """A quarter's self-report; pass `year` and `quarter`, and `submitted_at` for a late one (default: on time)."""

    class Meta:
        model = SelfReport

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2026
    quarter = 1
    due_on = factory.LazyAttribute(lambda o: _self_report_due_on(o.year, o.quarter))
    quality_awareness = CheckRating.GOOD
    assurance_system = CheckRating.GOOD
    quality_level = CheckRating.GOOD
    site_management = CheckRating.GOOD
    after_sales = CheckRating.GOOD
    output_value = Decimal("1000")
    quality_loss_rate = Decimal("0.5")
    complaints_received = 0
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.due_on, datetime.time(9)))
    )
    submitted_by = factory.SubFactory(
        UserFactory, role=Role.ENTERPRISE, enterprise=factory.SelfAttribute("..enterprise")
    )


def _self_report_due_on(year: int, quarter: int) -> datetime.date:
    from enterprises.services import self_report_due_on

    return self_report_due_on(year, quarter)


class BlacklistEntryFactory(DjangoModelFactory):
    class Meta:
        model = BlacklistEntry

    enterprise = factory.SubFactory(EnterpriseFactory)
    ground = factory.LazyFunction(lambda: listing_ground(BlacklistGround.COUNTERFEIT))
    facts = "生产销售掺杂掺假产品"
    status = BlacklistStatus.LISTED
    decision_number = factory.Sequence(lambda n: f"岳市监信〔2026〕{n}号")
    published_on = factory.LazyFunction(timezone.localdate)
    proposed_by = factory.SubFactory(UserFactory, role=Role.SUPERVISOR)


def listing_ground(code: str) -> ListingGround:
    """The listing ground of this code (loaded by credit's migration; again here after a transactional flush)."""
    ensure_listing_grounds(ListingGround)
    return ListingGround.objects.get(code=code)


def final_task(
    enterprise: Enterprise,
    verdict: str,
    *,
    days_ago: float = 10,
    campaign: Campaign | None = None,
    kind: str = TaskKind.ROUTINE,
    follow_up=None,
    at: datetime.datetime | None = None,
) -> Task:
    """A spot-check task with a final verdict `days_ago` days ago (a re-check needs the follow-up it belongs to)."""
    campaign = campaign or CampaignFactory()
    finalised_at = at or timezone.now() - datetime.timedelta(days=days_ago)
    return Task.objects.create(
        campaign=campaign,
        enterprise=enterprise,
        kind=kind,
        follow_up=follow_up,
        recheck_round=1 if kind == TaskKind.RECHECK else None,
        due_on=timezone.localdate(finalised_at),
        status=TaskStatus.FINAL,
        verdict=verdict,
        finalised_at=finalised_at,
    )


def open_follow_up(task: Task, *, due_on: datetime.date | None = None, **kwargs):
    """The follow-up of a failed task, opened on its final date with a rectification report due `due_on`."""
    from inspections.models import FollowUp

    ordered_on = timezone.localdate(task.finalised_at)
    return FollowUp.objects.create(
        task=task,
        enterprise=task.enterprise,
        stop_sale_at=task.finalised_at,
        ordered_on=ordered_on,
        rectification_due_on=due_on or ordered_on + datetime.timedelta(days=60),
        first_recheck_due_on=ordered_on + datetime.timedelta(days=75),
        **kwargs,
    )
