"""Factories for special-equipment safety."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.roles import Role, Section
from equipment.models import Category, Unit
from tests.factories import EnterpriseFactory, UserFactory


def category(code: str = "3000") -> Category:
    """A category of the catalogue (loaded by a migration; a transactional test's flush removes it)."""
    defaults = {"3000": ("电梯", 12, False), "1000": ("锅炉", 12, True), "4000": ("起重机械", 24, True)}
    name, months, certified = defaults.get(code, (f"类别{code}", 12, True))
    found, _created = Category.objects.get_or_create(
        code=code,
        defaults={"name": name, "inspection_interval_months": months, "needs_certified_operators": certified},
    )
    return found


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    equipment_code = factory.Sequence(lambda n: f"3110430600{n:06d}")
    category = factory.LazyFunction(category)
    using_unit = factory.SubFactory(EnterpriseFactory)
    district = factory.SelfAttribute("using_unit.district")
    address = "岳阳市岳阳楼区巴陵中路8号"
    building = "1栋1单元"
    put_into_use_on = datetime.date(2024, 5, 1)
    registration_number = factory.Sequence(lambda n: f"梯11湘F{n:05d}(24)")
    registered_on = datetime.date(2024, 5, 20)
    next_inspection_due = datetime.date(2027, 5, 1)


def equipment_staff(**kwargs):
    return UserFactory(role=Role.SUPERVISOR, section=Section.SPECIAL_EQUIPMENT, **kwargs)
