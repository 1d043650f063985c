"""Factories of metrology's records."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.roles import Role, Section
from metrology.choices import FilingStatus, VerificationResult
from metrology.models import Instrument, InstrumentCategory
from metrology.reference_data import ensure_categories
from tests.factories import DistrictFactory, EnterpriseFactory, UserFactory


def category(code: str = "fuel_dispenser") -> InstrumentCategory:
    ensure_categories(InstrumentCategory)  # a transactional test's flush removes them
    return InstrumentCategory.objects.get(code=code)


def metrology_staff(**kwargs):
    return UserFactory(role=Role.SUPERVISOR, section=Section.METROLOGY, **kwargs)


class InstrumentFactory(DjangoModelFactory):
    """An accepted instrument, verified (passed) `verified_days_ago` days ago with a one-year certificate."""

    class Meta:
        model = Instrument

    category = factory.LazyFunction(category)
    enterprise = factory.SubFactory(EnterpriseFactory)
    owner_name = factory.LazyAttribute(lambda o: o.enterprise.name if o.enterprise else "摊主王五")
    district = factory.LazyAttribute(lambda o: o.enterprise.district if o.enterprise else DistrictFactory())
    location = "1号加油岛"
    maker = "正星科技"
    model_name = "ZX-2"
    serial = factory.Sequence(lambda n: f"SN{n:06d}")
    filing_status = FilingStatus.ACCEPTED
    last_verified_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    last_result = VerificationResult.PASSED
    certificate_number = factory.Sequence(lambda n: f"JD{n:08d}")
    institution = "岳阳市计量检定测试所"
    next_due_on = factory.LazyAttribute(lambda o: o.last_verified_on + datetime.timedelta(days=364))


def add_metrology_rows(city) -> None:
    """The access-agreement city's metrology rows: every state the rules tell apart."""
    from metrology.choices import ReminderKind, VerificationSource
    from metrology.models import Reminder, Verification

    city.users["metrology section"] = metrology_staff()
    today = timezone.localdate()
    for enterprise, filing in [
        (city.a, FilingStatus.ACCEPTED),
        (city.a, FilingStatus.FILED),
        (city.a, FilingStatus.RETURNED),
        (city.b, FilingStatus.FILED),
        (None, FilingStatus.ACCEPTED),
    ]:
        instrument = InstrumentFactory(enterprise=enterprise, filing_status=filing)
        Verification.objects.create(
            instrument=instrument, verified_on=today, result=VerificationResult.PASSED,
            certificate_number=instrument.certificate_number, institution="所", valid_until=instrument.next_due_on,
            source=VerificationSource.ENTERED,
        )  # fmt: skip
        Reminder.objects.create(instrument=instrument, kind=ReminderKind.DUE_SOON, due_on=instrument.next_due_on)
    # A net-content test by the laboratory's technician, and one by another laboratory's.
    from inspections.models import LabTest
    from metrology.models import NetContentTest

    for lab_test, technician in zip(
        LabTest.objects.order_by("pk")[:2],
        (city.users["technician at the lab"], city.users["technician of another lab"]),
        strict=False,
    ):
        NetContentTest.objects.create(
            lab_test=lab_test, lot_size=10, nominal=500, contents=["500"] * 10, sample_size=10, tolerance=15,
            mean=500, std_dev=0, mean_limit=500, short_count=0, gross_short_count=0, allowed_short=0, passed=True,
            enterprise=lab_test.task.enterprise, tested_by=technician,
        )  # fmt: skip
