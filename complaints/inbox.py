"""What waits in the to-do inbox (core.inbox) from complaints and tips: the complaints a supervisor accepts or
refuses before the deadline, the ones in mediation, and the tips to decide on."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from complaints.choices import OPEN_STATUSES, ComplaintKind, ComplaintStatus
from complaints.models import Complaint
from core.inbox import InboxItem, inbox_count


def _complaint_url(pk: int) -> str:
    return reverse("complaints:complaint", args=[pk])


def complaints_inbox(user, *, today: datetime.date | None = None) -> list[InboxItem]:
    if user.role != Role.SUPERVISOR:
        return []
    today = today or timezone.localdate()
    complaints = Complaint.objects.visible_to(user)
    listing = reverse("complaints:list")
    return [
        inbox_count(
            complaints.filter(kind=ComplaintKind.COMPLAINT, status=ComplaintStatus.RECEIVED),
            kind="complaints.to_accept",
            label=_("Complaints to accept or refuse"),
            url=f"{listing}?status={ComplaintStatus.RECEIVED}",
            today=today,
            due_field="accept_due",
            one_url=_complaint_url,
        ),
        inbox_count(
            complaints.filter(kind=ComplaintKind.COMPLAINT, status=ComplaintStatus.IN_PROGRESS),
            kind="complaints.in_mediation",
            label=_("Complaints in mediation"),
            url=f"{listing}?status={ComplaintStatus.IN_PROGRESS}",
            today=today,
            due_field="mediation_due",
            one_url=_complaint_url,
        ),
        inbox_count(
            complaints.filter(kind=ComplaintKind.TIP, status__in=OPEN_STATUSES),
            kind="complaints.tips_to_decide",
            label=_("Tips to decide on"),
            url=f"{listing}?kind={ComplaintKind.TIP}",
            today=today,
            due_field="decision_due",
            one_url=_complaint_url,
        ),
    ]
