"""Writes to the enterprise register. Each is atomic, validated and attributed to the user who made it."""

import datetime

from django.db import transaction
from django.db.models import Q

from enterprises.choices import EnterpriseStatus, ExpiryLevel
from enterprises.models import Licence, LicenceWarning


def expiry_level_condition(level: str, *, today: datetime.date) -> Q:
    """Licences at this expiry level on `today`: expired, or expiring within 30, or within 31 to 90 days."""
    in_30 = today + datetime.timedelta(days=30)
    in_90 = today + datetime.timedelta(days=90)
    return {
        ExpiryLevel.EXPIRED: Q(expires_on__lt=today),
        ExpiryLevel.WITHIN_30: Q(expires_on__gte=today, expires_on__lte=in_30),
        ExpiryLevel.WITHIN_90: Q(expires_on__gt=in_30, expires_on__lte=in_90),
    }[level]


@transaction.atomic
def licence_warnings_record(*, today: datetime.date) -> dict[str, int]:
    """Record a warning for every licence that has newly reached an expiry level. Safe to re-run: each licence
    gets at most one warning per level, so a second run on the same day adds nothing."""
    counts = {}
    for level in ExpiryLevel.values:
        due = (
            Licence.objects.filter(expiry_level_condition(level, today=today))
            .exclude(enterprise__status=EnterpriseStatus.CLOSED)
            .exclude(warnings__level=level)
            .values_list("pk", flat=True)
        )
        created = LicenceWarning.objects.bulk_create(
            [LicenceWarning(licence_id=pk, level=level, recorded_on=today) for pk in due.iterator()],
            batch_size=5000,
            ignore_conflicts=True,
        )
        counts[level] = len(created)
    return counts
