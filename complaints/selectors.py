from django.db.models import QuerySet

from complaints.models import Complaint

# Read by analysis


def all_complaints() -> QuerySet[Complaint]:
    """Every complaint and tip on file, for set-based summaries (the dashboard and the quality report group and
    count them by quarter, kind, district and product)."""
    return Complaint.objects.all()
