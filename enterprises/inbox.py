"""What waits in the to-do inbox (core.inbox) from the enterprise register: the self-reports supervisors check, and
the report an enterprise owes for the quarter just finished (or must correct)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.inbox import InboxItem, inbox_count
from core.labels import quarter_label
from enterprises.choices import ReportStatus
from enterprises.models import SelfReport
from enterprises.selectors import pending_self_report


def enterprises_inbox(user, *, today: datetime.date | None = None) -> list[InboxItem]:
    today = today or timezone.localdate()
    if user.role == Role.SUPERVISOR:
        return [
            inbox_count(
                SelfReport.objects.filter(status=ReportStatus.SUBMITTED),
                kind="enterprises.self_reports_to_check",
                label=_("Self-inspection reports to check"),
                url=reverse("enterprises:report_queue"),
                today=today,
                due_field="submitted_at",
            )
        ]
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        items = []
        pending = pending_self_report(user.enterprise, today=today)
        if pending:
            year, quarter, due_on = pending
            items.append(
                InboxItem(
                    kind="enterprises.self_report_due",
                    label=gettext("Self-inspection report for %(quarter)s") % {"quarter": quarter_label(year, quarter)},
                    count=1,
                    url=reverse("enterprises:report_create", args=[user.enterprise_id]),
                    due=due_on,
                    urgent=due_on <= today,
                )
            )
        items.append(
            inbox_count(
                SelfReport.objects.filter(enterprise_id=user.enterprise_id, status=ReportStatus.RETURNED),
                kind="enterprises.self_reports_returned",
                label=_("Self-inspection reports returned for correction"),
                url=reverse("enterprises:own"),
                today=today,
            )
        )
        return items
    return []
