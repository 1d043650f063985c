"""What each role sees on its home page: one context builder per role."""

import datetime
from collections.abc import Callable

from django.db.models import Count, F

from accounts.models import User
from accounts.roles import Role
from brands.choices import ApplicationStatus, ReviewStatus
from brands.models import ReviewAssignment
from core.health import broker_up, cache_up
from core.models import JobRun
from core.workdays import provisional_years_in_use
from enterprises.models import Enterprise, Licence, SelfReport
from enterprises.selectors import (
    areas_of_officer,
    district_summary,
    licence_expiry_counts,
    licences_expiring,
    pending_self_report,
)
from inspections.selectors import (
    enterprise_results,
    follow_up_list,
    inspector_worklist,
    lab_queue,
    overdue_follow_ups,
    overdue_publications,
    review_queue,
)


def _spot_check_counts(today: datetime.date) -> dict:
    return {
        "to_review": review_queue().count(),
        "overdue_follow_ups": overdue_follow_ups(today=today).count(),
        "overdue_publications": overdue_publications(today=today).count(),
    }


def _leader(user: User, today: datetime.date) -> dict:
    register = Enterprise.objects.visible_to(user)
    return {
        "spot_checks": _spot_check_counts(today),
        "enterprise_count": register.count(),
        "supervised_count": register.supervised().count(),
        "expiry": licence_expiry_counts(enterprises=register, today=today),
        "districts": district_summary(),
    }


def _supervisor(user: User, today: datetime.date) -> dict:
    mine = Enterprise.objects.visible_to(user).filter(area__officer=user)
    return {
        "spot_checks": _spot_check_counts(today),
        "areas": areas_of_officer(user),
        "expiry": licence_expiry_counts(enterprises=mine, today=today),
        "expiring": licences_expiring(enterprises=mine, today=today)[:20],
    }


def _inspector(user: User, today: datetime.date) -> dict:
    return {"tasks": inspector_worklist(user)}


def _lab_technician(user: User, today: datetime.date) -> dict:
    return {"samples": lab_queue(user)[:50]}


def _enterprise(user: User, today: datetime.date) -> dict:
    enterprise = Enterprise.objects.visible_to(user).select_related("district", "area__officer", "industry").first()
    licences = Licence.objects.filter(enterprise=enterprise).order_by("expires_on") if enterprise else []
    return {
        "enterprise": enterprise,
        "licences": licences,
        "pending_report": pending_self_report(enterprise, today=today) if enterprise else None,
        "reports": SelfReport.objects.filter(enterprise=enterprise)[:4] if enterprise else [],
        "results": enterprise_results(user)[:5],
        "follow_ups": follow_up_list(user).open(),
    }


def _expert(user: User, today: datetime.date) -> dict:
    """The reviewer's assignments still to score: assigned, at the stage the application is at now."""
    assignments = (
        ReviewAssignment.objects.visible_to(user)
        .filter(reviewer=user, status=ReviewStatus.ASSIGNED, application__status=ApplicationStatus.IN_REVIEW)
        .filter(stage=F("application__stage"))
        .select_related("application__enterprise", "application__programme", "application__product")
    )
    return {"assignments": assignments.order_by("assigned_at", "pk")[:50]}


def _admin(user: User, today: datetime.date) -> dict:
    by_role = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("pk")))
    return {
        "users_by_role": [(label, by_role.get(value, 0)) for value, label in Role.choices],
        "last_heartbeat": JobRun.objects.filter(name="heartbeat").first(),
        "recent_runs": JobRun.objects.all()[:10],
        "provisional_years": provisional_years_in_use(today),
        "cache_up": cache_up(),
        "broker_up": broker_up(),
    }


HOME_PAGES: dict[str, tuple[str, Callable[[User, datetime.date], dict]]] = {
    Role.LEADER: ("qsportal/home/leader.html", _leader),
    Role.SUPERVISOR: ("qsportal/home/supervisor.html", _supervisor),
    Role.INSPECTOR: ("qsportal/home/inspector.html", _inspector),
    Role.LAB_TECHNICIAN: ("qsportal/home/lab_technician.html", _lab_technician),
    Role.ENTERPRISE: ("qsportal/home/enterprise.html", _enterprise),
    Role.EXPERT: ("qsportal/home/expert.html", _expert),
    Role.ADMIN: ("qsportal/home/admin.html", _admin),
}
