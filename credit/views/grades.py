"""Grades: the staff overview, an enterprise's grade history, the enterprise's own grade, and recalculation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import rule_required
from core.pages import paginate
from credit import services
from credit.choices import Grade, GradeCause, OverrideStatus
from credit.filtersets import CreditGradeFilterSet
from credit.models import CreditGrade, GradeChange, GradeOverride, RiskWarning, ScoringModel
from credit.timeline import credit_section
from credit.views.common import enterprise_for
from enterprises.selectors import enterprise_visible_or_404

SORTS = {
    "risk": ("-risk_score", "enterprise_id"),
    "score": ("score", "enterprise_id"),
    "-score": ("-score", "enterprise_id"),
    "name": ("enterprise__name", "enterprise_id"),
}


@rule_required("credit.view_grades")
def overview(request):
    grades = CreditGrade.objects.visible_to(request.user)
    distribution = grades.aggregate(
        total=Count("pk"),
        overridden=Count("pk", filter=Q(override__isnull=False)),
        **{grade: Count("pk", filter=Q(grade=grade)) for grade in Grade.values},
    )
    filterset = CreditGradeFilterSet(request.GET or None, queryset=grades, request=request)
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "risk"
    rows = filterset.qs.select_related("enterprise__district", "model", "override").order_by(*SORTS[sort])
    page, query = paginate(request, rows)
    context = {
        "distribution": [(grade, label, distribution[grade]) for grade, label in Grade.choices],
        "total": distribution["total"],
        "overridden": distribution["overridden"],
        "pending_overrides": GradeOverride.objects.filter(status=OverrideStatus.PENDING).count(),
        "open_warnings": RiskWarning.objects.open().count(),
        "form": filterset.form,  # an invalid filter (a district of letters) is ignored, with its error shown
        "page": page,
        "query": query,
        "sort": sort,
    }
    return render(request, "credit/overview.html", context)


@login_required
def grade_history(request, pk: int):
    enterprise = enterprise_for(request, pk, "credit.view_grade")
    changes = GradeChange.objects.filter(enterprise=enterprise).select_related("model", "override")
    page, query = paginate(request, changes)
    return render(request, "credit/history.html", {"enterprise": enterprise, "page": page, "query": query})


@rule_required("credit.view_own_grade")
def my_grade(request):
    """The enterprise's own grade, how it was computed, and what would change it."""
    enterprise = enterprise_visible_or_404(request.user, request.user.enterprise_id)
    section = credit_section(request.user, enterprise)
    if section is None:
        raise PermissionDenied
    template_name, context = section
    return render(
        request, "credit/mine.html", {"enterprise": enterprise, "template_name": template_name, "section": context}
    )


@require_POST
@rule_required("credit.recalculate")
def recalculate_now(request, pk: int):
    enterprise = enterprise_for(request, pk, "credit.view_grade")
    try:
        outcome = services.recalculate_enterprises(
            [enterprise.pk], cause=GradeCause.MANUAL, detail=request.user.get_username()
        )
    except ScoringModel.DoesNotExist:
        messages.error(request, _("No scoring model is in force: nothing can be graded."))
    else:
        if outcome.deferred:
            messages.success(
                request,
                _("A full recalculation is running: this enterprise is recalculated as soon as it ends."),
            )
        elif outcome.grade_changes:
            messages.success(request, _("The grade was recalculated and has changed."))
        else:
            messages.success(request, _("The grade was recalculated; it is unchanged."))
    return redirect(f"{enterprise.get_absolute_url()}#credit")
