"""What waits in the to-do inbox (core.inbox) from spot checks: the leader's approvals (plans, re-draws, proposed
decisions), the supervisors' results, rectification reports and publications, the inspectors' tasks, the
laboratory's samples, and the enterprise's objection windows, notices and rectifications. Each item is one
aggregate query, whatever the workload."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.inbox import InboxItem, inbox_count
from inspections.choices import (
    CampaignStatus,
    FollowUpStage,
    LabTestKind,
    LabTestStatus,
    RedrawStatus,
    TaskStatus,
    Verdict,
)
from inspections.models import Campaign, DecisionProposal, FollowUp, LabTest, RedrawRequest, Task
from inspections.selectors import lab_queue


def _campaign_url(pk: int) -> str:
    return reverse("inspections:campaign", args=[pk])


def _result_url(pk: int) -> str:
    return reverse("inspections:result", args=[pk])


def _follow_up_url(pk: int) -> str:
    return reverse("inspections:follow_up", args=[pk])


def _leader(user, today: datetime.date) -> list[InboxItem]:
    campaigns = reverse("inspections:campaigns")
    return [
        inbox_count(
            Campaign.objects.filter(status=CampaignStatus.DRAFT),
            kind="inspections.campaigns_to_approve",
            label=_("Spot-check plans to approve"),
            url=campaigns,
            today=today,
            one_url=_campaign_url,
        ),
        inbox_count(
            RedrawRequest.objects.filter(status=RedrawStatus.PENDING),
            kind="inspections.redraws_to_decide",
            label=_("Re-draws to decide"),
            url=campaigns,
            today=today,
            one_url=_campaign_url,
            one_field="campaign_id",
        ),
        inbox_count(
            DecisionProposal.objects.pending(),
            kind="inspections.proposals_to_decide",
            label=_("Suspensions and penalties to decide"),
            url=reverse("inspections:proposals"),
            today=today,
            one_url=lambda pk: reverse("inspections:proposal", args=[pk]),
        ),
    ]


def _supervisor(user, today: datetime.date) -> list[InboxItem]:
    review = reverse("inspections:review")
    return [
        inbox_count(
            LabTest.objects.filter(status=LabTestStatus.SUBMITTED),
            kind="inspections.results_to_review",
            label=_("Test results to review"),
            url=review,
            today=today,
            one_url=_result_url,
        ),
        inbox_count(
            LabTest.objects.filter(status=LabTestStatus.APPROVED),
            kind="inspections.results_to_notify",
            label=_("Approved results to notify"),
            url=review,
            today=today,
            one_url=_result_url,
        ),
        inbox_count(
            FollowUp.objects.filter(stage=FollowUpStage.RECTIFYING, report_submitted_at__isnull=False),
            kind="inspections.rectification_reports_to_check",
            label=_("Rectification reports to check"),
            url=reverse("inspections:follow_ups"),
            today=today,
            due_field="first_recheck_due_on",
            one_url=_follow_up_url,
        ),
        inbox_count(
            Task.objects.filter(status=TaskStatus.FINAL, publication__isnull=True, publish_due_on__isnull=False),
            kind="inspections.publications_due",
            label=_("Final results to publish"),
            url=reverse("inspections:deadlines"),
            today=today,
            due_field="publish_due_on",
            one_url=_campaign_url,
            one_field="campaign_id",
        ),
    ]


def _inspector(user, today: datetime.date) -> list[InboxItem]:
    mine = Task.objects.visible_to(user).filter(status=TaskStatus.ASSIGNED)
    tasks = reverse("inspections:my_tasks")
    task_url = lambda pk: reverse("inspections:task", args=[pk])  # noqa: E731
    return [
        inbox_count(
            mine.filter(due_on__lte=today),
            kind="inspections.tasks_today",
            label=_("Samples to take today (or overdue)"),
            url=tasks,
            today=today,
            due_field="due_on",
            one_url=task_url,
        ),
        inbox_count(
            mine.filter(due_on__gt=today, due_on__lte=today + datetime.timedelta(days=7)),
            kind="inspections.tasks_this_week",
            label=_("Samples to take this week"),
            url=tasks,
            today=today,
            due_field="due_on",
            one_url=task_url,
        ),
    ]


def _lab_technician(user, today: datetime.date) -> list[InboxItem]:
    queue = lab_queue(user)
    lab = reverse("inspections:lab")
    return [
        inbox_count(
            queue.filter(review_comment=""),
            kind="inspections.samples_to_test",
            label=_("Samples to test"),
            url=lab,
            today=today,
            one_url=_result_url,
        ),
        inbox_count(
            queue.exclude(review_comment=""),
            kind="inspections.results_returned",
            label=_("Results returned for correction"),
            url=lab,
            today=today,
            one_url=_result_url,
        ),
    ]


def _enterprise(user, today: datetime.date) -> list[InboxItem]:
    results = LabTest.objects.visible_to(user)
    mine = reverse("inspections:my_results")
    return [
        inbox_count(
            results.filter(
                kind=LabTestKind.INITIAL,
                verdict=Verdict.NONCONFORMING,
                accepted_at__isnull=True,
                objection__isnull=True,
                objection_due_on__gte=today,
            ).exclude(task__status=TaskStatus.FINAL),
            kind="inspections.objection_windows",
            label=_("Results you may accept or object to"),
            url=mine,
            today=today,
            due_field="objection_due_on",
            one_url=_result_url,
        ),
        inbox_count(
            results.filter(served_on__isnull=True, notified_at__isnull=False),
            kind="inspections.result_notices_to_open",
            label=_("Result notices to open"),
            url=mine,
            today=today,
            one_url=_result_url,
        ),
        inbox_count(
            FollowUp.objects.visible_to(user).filter(stage=FollowUpStage.RECTIFYING, report_submitted_at__isnull=True),
            kind="inspections.rectifications_due",
            label=_("Rectification reports due"),
            url=mine,
            today=today,
            due_field="rectification_due_on",
            one_url=_follow_up_url,
        ),
    ]


SOURCES = {
    Role.LEADER: _leader,
    Role.SUPERVISOR: _supervisor,
    Role.INSPECTOR: _inspector,
    Role.LAB_TECHNICIAN: _lab_technician,
    Role.ENTERPRISE: _enterprise,
}


def inspections_inbox(user, *, today: datetime.date | None = None) -> list[InboxItem]:
    source = SOURCES.get(user.role)
    return source(user, today or timezone.localdate()) if source else []
