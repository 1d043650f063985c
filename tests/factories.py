import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import Role
from enterprises.choices import LicenceKind, Scale
from enterprises.credit_code import build_credit_code
from enterprises.models import District, Enterprise, Industry, Licence, ResponsibilityArea
from enterprises.reference_data import sync_industries

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
