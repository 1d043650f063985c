"""What credit grading adds to an enterprise's file: the grade card with its explanation, and the grade changes
and dishonesty-list entries on the timeline. Staff see everything; the enterprise its own grade; nobody else any."""

from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext as _

from core.timeline import TimelineEvent
from credit.choices import BlacklistStatus, Grade, OverrideStatus
from credit.models import BlacklistEntry, CreditGrade, GradeChange, GradeOverride
from credit.selectors import grade_explanation

HISTORY_SHOWN = 10
GRADE_RANK = {Grade.A: 3, Grade.B: 2, Grade.C: 1}


def _sees_grade(user, enterprise: Model) -> bool:
    return user.has_perm("credit.view_grade", enterprise)


def credit_section(user, enterprise: Model) -> tuple[str, dict] | None:
    """The file page's credit card: the grade, how it was computed and what would change it, the risk (staff
    only: it weighs the spot-check draw), and the latest grade changes."""
    if not _sees_grade(user, enterprise):
        return None
    staff = user.has_perm("credit.view_grades")
    grade = CreditGrade.objects.select_related("model", "override").filter(enterprise=enterprise).first()
    listings = BlacklistEntry.objects.filter(enterprise=enterprise, status=BlacklistStatus.LISTED)
    live_override = (
        GradeOverride.objects.filter(
            enterprise=enterprise, status__in=[OverrideStatus.PENDING, OverrideStatus.APPROVED]
        ).first()
        if staff
        else None
    )
    changes = list(GradeChange.objects.filter(enterprise=enterprise).select_related("model")[: HISTORY_SHOWN + 1])
    return (
        "credit/file_section.html",
        {
            "tab": _("Credit grade"),
            "anchor": "credit",
            "enterprise": enterprise,
            "grade": grade,
            "explanation": grade_explanation(grade) if grade else None,
            "staff": staff,
            "changes": changes[:HISTORY_SHOWN],
            "more_changes": len(changes) > HISTORY_SHOWN,
            "listing": listings.first(),
            "live_override": live_override,
            "can_override": live_override is None and user.has_perm("credit.request_override"),
            "can_recalculate": user.has_perm("credit.recalculate"),
            "can_blacklist": user.has_perm("credit.manage_blacklist"),
            "risk_high": settings.RISK_HIGH,
            "risk_warn": settings.RISK_WARNING_MIN,
        },
    )


def credit_events(user, enterprise: Model) -> list[TimelineEvent]:
    """Grade changes, and listings on (and removals from) the serious-dishonesty list."""
    if not _sees_grade(user, enterprise):
        return []
    events = []
    for change in GradeChange.objects.filter(enterprise=enterprise).only(
        "at", "previous_grade", "grade", "cause", "detail", "override_id"
    ):
        lower = GRADE_RANK.get(change.grade, 0) < GRADE_RANK.get(change.previous_grade, 0)
        title = (
            _("Grade %(previous)s → %(grade)s") % {"previous": change.previous_grade, "grade": change.grade}
            if change.previous_grade
            else _("First grade: %s") % change.grade
        )
        detail = change.get_cause_display()
        if change.override_id:
            detail = f"{detail} · {_('override')}"
        tone = "danger" if change.grade == Grade.C else "warn" if lower else ""
        events.append(TimelineEvent(change.at, _("Credit grade"), title, detail, tone))
    for entry in BlacklistEntry.objects.filter(enterprise=enterprise, published_on__isnull=False).select_related(
        "ground"
    ):
        events.append(
            TimelineEvent(
                entry.published_on,
                _("Serious-dishonesty list"),
                _("Listed: %s") % entry.ground.title,
                entry.decision_number,
                "danger",
            )
        )
        if entry.removed_on:
            events.append(
                TimelineEvent(entry.removed_on, _("Serious-dishonesty list"), entry.get_removal_kind_display(), "", "")
            )
    return events
