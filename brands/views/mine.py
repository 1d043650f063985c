"""The enterprise's own page: its cultivation plans (read-only), its applications and honours, and the calls open
to apply to."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from brands.choices import ApplicationStatus, ProgrammeStatus
from brands.models import Application, CultivationTarget, HelpRecord, Honour, Milestone, Programme, ProgressNote
from core.decorators import rule_required


@rule_required("brands.view_own")
def mine(request):
    user = request.user
    today = timezone.localdate()
    own = {"enterprise_id": user.enterprise_id}
    targets = (
        CultivationTarget.objects.visible_to(user)
        .filter(**own)
        .select_related("officer")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
            Prefetch("help", queryset=HelpRecord.objects.order_by("-given_on", "-pk")),
            Prefetch("notes", queryset=ProgressNote.objects.order_by("-written_at", "-pk")),
        )
    )
    applications = list(Application.objects.visible_to(user).filter(**own).select_related("programme", "product"))
    applied = {a.programme_id: a for a in applications if a.status != ApplicationStatus.WITHDRAWN}
    calls = list(
        Programme.objects.visible_to(user)
        .filter(status=ProgrammeStatus.OPEN, closes_on__gte=today)
        .order_by("closes_on")
    )
    for call in calls:
        call.my_application = applied.get(call.pk)
    context = {
        "targets": targets,
        "applications": applications,
        "honours": Honour.objects.visible_to(user).filter(**own).select_related("programme", "product"),
        "calls": calls,
        "today": today,
    }
    return render(request, "brands/mine.html", context)
