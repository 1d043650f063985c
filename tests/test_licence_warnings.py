import datetime

import pytest

from core.models import JobRun
from enterprises.choices import EnterpriseStatus, ExpiryLevel
from enterprises.models import LicenceWarning
from enterprises.services import licence_warnings_record
from enterprises.tasks import record_licence_warnings_task
from tests.factories import EnterpriseFactory, LicenceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def licence_expiring_in(days: int, **kwargs):
    expires_on = TODAY + datetime.timedelta(days=days)
    return LicenceFactory(issued_on=expires_on - datetime.timedelta(days=5 * 365), expires_on=expires_on, **kwargs)


def test_each_licence_is_warned_once_per_level_however_often_the_task_runs():
    expired = licence_expiring_in(-1)
    soon = licence_expiring_in(30)
    later = licence_expiring_in(31)
    edge = licence_expiring_in(90)
    licence_expiring_in(91)  # not yet
    first = licence_warnings_record(today=TODAY)
    assert first == {ExpiryLevel.WITHIN_90: 2, ExpiryLevel.WITHIN_30: 1, ExpiryLevel.EXPIRED: 1}
    assert licence_warnings_record(today=TODAY) == {level: 0 for level in ExpiryLevel.values}
    levels = dict(LicenceWarning.objects.values_list("licence_id", "level"))
    assert levels == {
        expired.pk: ExpiryLevel.EXPIRED,
        soon.pk: ExpiryLevel.WITHIN_30,
        later.pk: ExpiryLevel.WITHIN_90,
        edge.pk: ExpiryLevel.WITHIN_90,
    }
    # A month later the licence that was at 31 days crosses into the 30-day level and is warned again.
    month_later = licence_warnings_record(today=TODAY + datetime.timedelta(days=5))
    assert month_later[ExpiryLevel.WITHIN_30] == 1


def test_closed_enterprises_are_not_warned():
    licence_expiring_in(10, enterprise=EnterpriseFactory(status=EnterpriseStatus.CLOSED))
    assert sum(licence_warnings_record(today=TODAY).values()) == 0


def test_the_daily_task_records_its_run():
    licence_expiring_in(-400)
    counts = record_licence_warnings_task.delay().get()
    assert counts[ExpiryLevel.EXPIRED] == 1
    run = JobRun.objects.get(name="licence_warnings")
    assert run.status == JobRun.Status.SUCCEEDED and run.counts == counts


def test_a_renewed_licence_is_warned_again_when_its_new_date_approaches():
    licence = licence_expiring_in(20)
    licence_warnings_record(today=TODAY)
    licence.expires_on = TODAY + datetime.timedelta(days=5 * 365 + 20)  # renewed for five years
    licence.save()
    five_years_on = TODAY + datetime.timedelta(days=5 * 365)
    assert licence_warnings_record(today=five_years_on)[ExpiryLevel.WITHIN_30] == 1
    assert LicenceWarning.objects.filter(licence=licence, level=ExpiryLevel.WITHIN_30).count() == 2
