"""Expert review: a reviewer's assignments, and the review page where they score each GB/T 19580 category or
recuse for a conflict of interest. Someone else's assignment is a 404, as if it did not exist."""

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from brands import forms, services
from brands.choices import ApplicationStatus, ReviewStatus
from brands.eligibility import explained
from brands.models import ReviewAssignment
from brands.views.applications import criteria_rows, review_panel, self_assessment_rows
from core.decorators import rule_required
from core.pages import paginate, submit
from core.transitions import require_perm

OPEN_FIRST = Case(When(status=ReviewStatus.ASSIGNED, then=Value(0)), default=Value(1), output_field=IntegerField())


@rule_required("brands.view_own_reviews")
def review_list(request):
    rows = (
        ReviewAssignment.objects.visible_to(request.user)
        .filter(reviewer=request.user)
        .select_related("application__enterprise", "application__programme", "application__product")
        .order_by(OPEN_FIRST, "-assigned_at", "-pk")
    )
    page, query = paginate(request, rows)
    return render(request, "brands/review_list.html", {"page": page, "query": query})


def is_open(assignment: ReviewAssignment) -> bool:
    application = assignment.application
    return (
        assignment.status == ReviewStatus.ASSIGNED
        and application.status == ApplicationStatus.IN_REVIEW
        and application.stage == assignment.stage
    )


@rule_required("brands.list_reviews")
def review_detail(request, pk: int):
    user = request.user
    assignment = get_object_or_404(
        ReviewAssignment.objects.visible_to(user).select_related(
            "reviewer", "application__programme", "application__enterprise", "application__product"
        ),
        pk=pk,
    )
    application = assignment.application
    can_act = is_open(assignment) and user.has_perm("brands.review", assignment)
    score_form, recuse_form = forms.ScoreForm(), forms.RecuseForm()
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "score":
        require_perm(user, "brands.review", assignment)
        score_form = forms.ScoreForm(request.POST)
        if submit(
            score_form,
            lambda f: services.review_submit(
                actor=user, assignment=assignment, scores=f.points(), comment=f.cleaned_data["comment"]
            ),
        ):
            messages.success(request, _("Your scores are submitted."))
            return redirect(assignment)
    elif action == "recuse":
        require_perm(user, "brands.review", assignment)
        recuse_form = forms.RecuseForm(request.POST)
        if submit(
            recuse_form,
            lambda f: services.review_recuse(actor=user, assignment=assignment, reason=f.cleaned_data["reason"]),
        ):
            messages.success(request, _("You have recused; the conflict of interest is on file."))
            return redirect(assignment)
    elif action is not None:
        return redirect(assignment)
    staff = user.has_perm("brands.view_all")
    panel = review_panel(application, user, staff=staff)
    peers = next((group["reviews"] for group in panel if group["stage"] == assignment.stage), [])
    context = {
        "assignment": assignment,
        "application": application,
        "staff": staff,
        "checks": explained(application.eligibility),
        "self_assessment": self_assessment_rows(application.self_assessment),
        "attachments": application.attachments.all(),
        "my_rows": criteria_rows(assignment.scores or {}),
        "peers": [review for review in peers if review.pk != assignment.pk],
        "can_act": can_act,
        "score_form": score_form,
        "recuse_form": recuse_form,
    }
    return render(request, "brands/review_detail.html", context)
