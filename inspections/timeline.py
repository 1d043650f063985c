"""What spot checks add to an enterprise's timeline: final verdicts, stop-sales, notices, referrals."""

from django.db.models import Model
from django.utils.translation import gettext as _

from core.timeline import TimelineEvent
from inspections.choices import FollowUpOutcome, TaskStatus, Verdict
from inspections.models import FollowUp, Task


def spot_check_events(user, enterprise: Model) -> list[TimelineEvent]:
    events = []
    # Staff and the enterprise itself see every finished check of the enterprise; an inspector only their own.
    tasks = Task.objects.restrict(user, "view_on_file").filter(enterprise=enterprise, status=TaskStatus.FINAL)
    tasks = tasks.select_related("campaign")
    for task in tasks:
        failed = task.verdict != Verdict.CONFORMING
        events.append(
            TimelineEvent(
                task.finalised_at,
                _("Spot check"),
                f"{task.campaign.title}: {task.get_verdict_display()}",
                task.get_kind_display(),
                tone="danger" if failed else "",
            )
        )
    for follow_up in FollowUp.objects.visible_to(user).filter(enterprise=enterprise).select_related("task__campaign"):
        title = follow_up.task.campaign.title
        events.append(
            TimelineEvent(
                follow_up.stop_sale_at,
                _("Follow-up"),
                _("Stop-sale and rectification ordered: %s") % title,
                tone="danger",
            )
        )
        if follow_up.notice_on:
            events.append(
                TimelineEvent(follow_up.notice_on, _("Follow-up"), _("Public notice"), follow_up.notice_text, "danger")
            )
        if follow_up.closed_at:
            tone = "danger" if follow_up.outcome == FollowUpOutcome.REFERRED else ""
            events.append(
                TimelineEvent(follow_up.closed_at, _("Follow-up"), follow_up.get_outcome_display(), title, tone)
            )
    return events


def spot_check_section(user, enterprise: Model) -> tuple[str, dict] | None:
    """The file page's spot-check section: the enterprise's checks and follow-ups, to staff and to itself."""
    if not (user.has_perm("inspections.view_all_tasks") or user.enterprise_id == enterprise.pk):
        return None  # an inspector's own checks show on the timeline only
    tasks = (
        Task.objects.restrict(user, "view_on_file").filter(enterprise=enterprise).exclude(status=TaskStatus.CANCELLED)
    )
    follow_ups = FollowUp.objects.visible_to(user).filter(enterprise=enterprise)
    return (
        "inspections/file_section.html",
        {
            "tasks": tasks.select_related("campaign").order_by("-created_at", "-pk")[:20],
            "follow_ups": follow_ups.select_related("task__campaign").order_by("-ordered_on", "-pk"),
        },
    )
