"""The enterprise file as one timeline, and the field-by-field change history. A fixed number of queries each."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.timeline import TIMELINE_SOURCES, Change, TimelineEvent, timeline_sorted
from core.timeline import change_history as history_of
from enterprises.choices import ReportStatus
from enterprises.models import Enterprise, Interview, Licence, Penalty, Product, SelfReport


def enterprise_timeline(enterprise: Enterprise, *, user) -> list[TimelineEvent]:
    """Everything that happened to the enterprise, newest first: licences, self-reports, penalties, interviews,
    product changes, and what the other apps' registered sources let `user` see (a fixed number of queries each)."""
    today = timezone.localdate()
    events = [event for source in TIMELINE_SOURCES for event in source(user, enterprise)]
    for licence in Licence.objects.filter(enterprise=enterprise):
        events.append(TimelineEvent(licence.issued_on, _("Licence"), _("Issued: %s") % licence, licence.scope))
        if licence.revoked_on:
            events.append(
                TimelineEvent(
                    licence.revoked_on, _("Licence"), _("Revoked: %s") % licence, licence.revocation_reason, "danger"
                )
            )
        elif licence.expires_on < today:
            events.append(TimelineEvent(licence.expires_on, _("Licence"), _("Expired: %s") % licence, tone="danger"))
    previous_status: dict[int, str] = {}
    for version in SelfReport.history.filter(enterprise_id=enterprise.pk).order_by("history_date", "history_id"):
        if previous_status.get(version.id) == version.status:
            continue  # an edit that did not move the report on
        previous_status[version.id] = version.status
        period = f"{version.year}Q{version.quarter}"
        returned = version.status == ReportStatus.RETURNED
        events.append(
            TimelineEvent(
                version.history_date,
                _("Self-inspection"),
                _("Report %(period)s: %(status)s") % {"period": period, "status": version.get_status_display()},
                version.review_comment if version.status != ReportStatus.SUBMITTED else "",
                tone="warn" if returned else "",
            )
        )
    for penalty in Penalty.objects.filter(enterprise=enterprise, voided_at__isnull=True):
        events.append(
            TimelineEvent(
                penalty.decided_on,
                _("Penalty"),
                _("Administrative penalty %(number)s, %(amount)s yuan")
                % {"number": penalty.decision_number, "amount": penalty.amount},
                penalty.grounds,
                tone="danger" if penalty.is_heavier else "warn",
            )
        )
    for interview in Interview.objects.filter(enterprise=enterprise, voided_at__isnull=True):
        events.append(
            TimelineEvent(interview.held_on, _("Interview"), _("Administrative interview"), interview.reason, "warn")
        )
    for record in Product.history.filter(enterprise_id=enterprise.pk, history_type="+"):
        events.append(TimelineEvent(record.history_date, _("Product"), _("Product added: %s") % record.name))
    return timeline_sorted(events)


def change_history(enterprise: Enterprise, limit: int = 200) -> list[Change]:
    """Who changed what and when in the file, its licences and its products, newest first."""

    def named(label):
        return lambda record, kind: f"{label(record)} {ACTIONS[kind]}"

    return history_of(
        [
            (Enterprise.history.filter(id=enterprise.pk), named(lambda r: _("File"))),
            (Licence.history.filter(enterprise_id=enterprise.pk), named(lambda r: _("Licence %s") % r.number)),
            (Product.history.filter(enterprise_id=enterprise.pk), named(lambda r: _("Product %s") % r.name)),
        ],
        limit,
    )


ACTIONS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("removed")}
