"""Complaints in the credit grade and the risk score: substantiated complaints (in the look-back window) lower the
grade; complaints of the last year still open or substantiated raise the risk. A source of the credit
recalculation like spot checks or penalties; their weights come with the scoring model version issued by
complaints' data migration."""

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from complaints import events
from complaints.choices import OPEN_STATUSES, SUBSTANTIATED_OUTCOMES, ComplaintStatus
from complaints.models import Complaint
from core.indicators import RISK, Indicator, Source, Window, register_source


def complaint_rows(w: Window) -> QuerySet:
    # Substantiated complaints count from when they were found so (closed), open ones from when they came in.
    substantiated = Q(status=ComplaintStatus.RESOLVED, outcome__in=SUBSTANTIATED_OUTCOMES)
    since = min(w.start, w.risk_start)
    linked = Complaint.objects.filter(enterprise__isnull=False).filter(
        Q(received_at__gte=since) | Q(closed_at__gte=since)
    )
    return (
        w.only_listed(linked)
        .values(key=F("enterprise_id"))
        .annotate(
            complaint_substantiated=Count("pk", filter=substantiated & Q(closed_at__gte=w.start)),
            recent_complaints=Count(
                "pk",
                filter=(substantiated & Q(closed_at__gte=w.risk_start))
                | (Q(status__in=OPEN_STATUSES) & Q(received_at__gte=w.risk_start)),
            ),
        )
    )


def register() -> None:
    register_source(
        Source("complaints", complaint_rows, events=(events.RESOLVED,), order=100),
        Indicator(
            "complaint_substantiated", _("Substantiated complaints"), _("per substantiated complaint"), "complaints"
        ),
        Indicator(
            "recent_complaints",
            _("Recent complaints"),
            _("per complaint in the last year, open or substantiated"),
            "complaints",
            kind=RISK,
        ),
    )
