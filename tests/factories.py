import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import Role
from enterprises.choices import LicenceKind, Scale, StandardKind
from enterprises.credit_code import build_credit_code
from enterprises.models import District, Enterprise, Industry, Licence, Product, ResponsibilityArea, Standard
from enterprises.reference_data import sync_industries
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

    code = factory.Sequence(lambda n: f"4306{n % 100:02d}")
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
