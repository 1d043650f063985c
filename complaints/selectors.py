import datetime

from django.db.models import QuerySet

from complaints.models import Complaint

# Read by analysis


def all_complaints() -> QuerySet[Complaint]:
    """Every complaint and tip on file, for set-based summaries (the dashboard and the quality report group and
    count them by quarter, kind, district and product)."""
    return Complaint.objects.all()


def overdue_complaints(today: datetime.date) -> QuerySet[Complaint]:
    """Every complaint and tip whose running clock has passed its last day (the leaders' dashboard counts them; the
    staff list shows them): not accepted or refused in time, mediation not ended, a tip not decided, a named tipster
    not told the decision."""
    return Complaint.objects.overdue(today)
