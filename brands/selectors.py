import datetime

from django.db.models import QuerySet

from brands.models import Honour

# Read by portal


def public_honours(today: datetime.date) -> QuerySet[Honour]:
    """Honours in force on `today` (not revoked, within their validity): what the public may read of honours."""
    return Honour.objects.current(today)
