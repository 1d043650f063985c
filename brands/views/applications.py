"""Applications: an enterprise applies to an open call and sees its eligibility explained; staff admit one that
failed a check (with the reason), assign reviewers and decide each stage; the committee proposes the winners.
Reviewers score independently: on an application's page a reviewer sees the other reviewers' scores of a stage only
once their own for that stage is submitted, and the enterprise sees the outcome of each stage, never who scored what.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from brands import forms, services
from brands.choices import SCORED_STAGES, ApplicationStatus, ProgrammeStatus, ReviewStatus, Stage
from brands.criteria import CRITERIA
from brands.eligibility import explained
from brands.models import Application, ApplicationAttachment, Programme, ReviewAssignment
from brands.scoring import stage_score
from core.decorators import rule_required
from core.pages import submit
from core.transitions import require_perm

WITHDRAWABLE = (ApplicationStatus.IN_REVIEW, ApplicationStatus.INELIGIBLE, ApplicationStatus.PROPOSED)


def self_assessment_rows(scores: dict) -> list[dict]:
    return [
        {"code": code, "label": label, "max": maximum, "points": scores.get(code)} for code, label, maximum in CRITERIA
    ]


def criteria_rows(scores: dict) -> list[tuple]:
    """(label, points) per category, for a reviewer's scores."""
    return [(label, scores.get(code)) for code, label, _maximum in CRITERIA]


def is_open_call(programme: Programme, today=None) -> bool:
    return programme.status == ProgrammeStatus.OPEN and (today or timezone.localdate()) <= programme.closes_on


@rule_required("brands.apply")
def apply(request, pk: int):
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    user = request.user
    existing = (
        Application.objects.visible_to(user)
        .filter(programme=programme, enterprise_id=user.enterprise_id)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .first()
    )
    if existing is not None:
        messages.info(request, _("Your enterprise has already applied to this call."))
        return redirect(existing)
    form = forms.ApplicationForm(
        request.POST or None, request.FILES or None, programme=programme, enterprise=user.enterprise
    )
    if request.method == "POST":
        application = submit(
            form,
            lambda f: services.application_submit(
                actor=user, programme=programme, values=f.values(), files=f.cleaned_data["attachments"]
            ),
        )
        if application is not None:
            if application.eligible:
                messages.success(request, _("Your application is submitted and meets every eligibility rule."))
            else:
                messages.warning(
                    request, _("Your application is submitted but does not meet every eligibility rule: see why.")
                )
            return redirect(application)
    context = {
        "programme": programme,
        "form": form,
        "open": is_open_call(programme),
        "stages": [Stage(stage).label for stage in programme.stages],
    }
    return render(request, "brands/apply.html", context)


def _application(request, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "programme", "enterprise", "product", "bypassed_by", "submitted_by"
        ),
        pk=pk,
    )


def review_panel(application: Application, user, *, staff: bool) -> list[dict]:
    """The review assignments `user` may see on the application, by stage in the call's order.

    Staff see them all. A reviewer sees their own, and the other submitted scores of a stage only once their own
    for that stage is submitted: before, nothing of the others. Anyone else sees none (the enterprise sees each
    stage's outcome, not who scored what). Two queries at most."""
    reviews = ReviewAssignment.objects.filter(application=application).select_related("reviewer")
    if not staff:
        if user.role != Role.EXPERT:
            return []
        submitted = list(
            application.reviews.filter(reviewer=user, status=ReviewStatus.SUBMITTED).values_list("stage", flat=True)
        )
        reviews = reviews.filter(Q(reviewer=user) | Q(stage__in=submitted, status=ReviewStatus.SUBMITTED))
    by_stage: dict[str, list] = {}
    for review in reviews.order_by("stage", "assigned_at", "pk"):
        review.mine = review.reviewer_id == user.pk
        review.rows = criteria_rows(review.scores or {})
        by_stage.setdefault(review.stage, []).append(review)
    return [
        {"stage": stage, "label": Stage(stage).label, "reviews": by_stage[stage]}
        for stage in application.programme.stages
        if stage in by_stage
    ]


def _application_action(request, application: Application, action: str, page_forms: dict) -> HttpResponse | None:
    """Run the posted action; a redirect when done (or refused with a message), None to show the form's errors."""
    user = request.user
    calls = {
        "bypass": (
            "brands.bypass_eligibility",
            forms.ReasonForm,
            lambda f: services.eligibility_bypass(actor=user, application=application, reason=f.cleaned_data["reason"]),
            _("The application is admitted to the review; the reason is on file."),
        ),
        "withdraw": (
            "brands.withdraw_application",
            forms.ReasonForm,
            lambda f: services.application_withdraw(
                actor=user, application=application, reason=f.cleaned_data["reason"]
            ),
            _("The application is withdrawn."),
        ),
        "assign": (
            "brands.assign_reviewers",
            lambda data: forms.AssignReviewersForm(data, application=application),
            lambda f: services.reviewers_assign(
                actor=user,
                application=application,
                reviewers=f.cleaned_data["reviewers"],
                stage=f.cleaned_data["stage"] or None,
            ),
            _("The reviewers are assigned."),
        ),
        "decide": (
            "brands.decide_stage",
            forms.StageDecisionForm,
            lambda f: services.stage_decide(
                actor=user,
                application=application,
                advance=f.advance,
                note=f.cleaned_data["note"],
                stage=f.cleaned_data["stage"] or None,
            ),
            _("The stage is decided."),
        ),
        "committee": (
            "brands.committee_decide",
            forms.CommitteeForm,
            lambda f: services.committee_decide(
                actor=user, application=application, propose=f.propose, note=f.cleaned_data["note"]
            ),
            _("The committee's decision is recorded."),
        ),
    }
    if action not in calls:
        return redirect(application)
    permission, form_class, call, done = calls[action]
    require_perm(user, permission, application)
    form = page_forms[action] = form_class(request.POST)
    if submit(form, call):
        messages.success(request, done)
        return redirect(application)
    return None


@rule_required("brands.list_applications")
def application_detail(request, pk: int):
    application = _application(request, pk)
    user = request.user
    staff = user.has_perm("brands.view_all")
    owner = user.has_perm("brands.withdraw_application", application)
    page_forms = {
        "bypass": forms.ReasonForm(),
        "withdraw": forms.ReasonForm(),
        "assign": forms.AssignReviewersForm(application=application),
        "decide": forms.StageDecisionForm(initial={"stage": application.stage}),
        "committee": forms.CommitteeForm(),
    }
    if request.method == "POST":
        done = _application_action(request, application, request.POST.get("action", ""), page_forms)
        if done is not None:
            return done
    programme = application.programme
    status, stage = application.status, application.stage
    in_review = status == ApplicationStatus.IN_REVIEW
    scored = in_review and stage in SCORED_STAGES
    reviewing = programme.status == ProgrammeStatus.REVIEWING
    context = {
        "application": application,
        "programme": programme,
        "staff": staff,
        "owner": owner,
        "checks": explained(application.eligibility),
        "self_assessment": self_assessment_rows(application.self_assessment),
        "attachments": application.attachments.all(),
        # Each stage's outcome: staff and the enterprise. Reviewers judge on the file, not on earlier scores.
        "results": application.stage_results.select_related("decided_by") if staff or owner else [],
        "panel": review_panel(application, user, staff=staff),
        "current_score": stage_score(application, stage) if staff and scored else None,
        "can_bypass": status == ApplicationStatus.INELIGIBLE
        and programme.status in (ProgrammeStatus.OPEN, ProgrammeStatus.REVIEWING)
        and user.has_perm("brands.bypass_eligibility"),
        "can_withdraw": owner and status in WITHDRAWABLE,
        "can_assign": scored and reviewing and user.has_perm("brands.assign_reviewers"),
        "can_decide": scored and reviewing and user.has_perm("brands.decide_stage"),
        "can_committee": in_review and stage == Stage.COMMITTEE and user.has_perm("brands.committee_decide"),
        "committee_waits": in_review and stage == Stage.COMMITTEE and staff,
        "my_assignments": [] if staff or owner else application.reviews.filter(reviewer=user),
        **{f"{name}_form": form for name, form in page_forms.items()},
    }
    return render(request, "brands/application_detail.html", context)


@rule_required("brands.list_applications")
def attachment(request, pk: int, attachment_pk: int):
    """Attachments are served only through this check, never from a public media URL."""
    application = _application(request, pk)
    stored = get_object_or_404(ApplicationAttachment, pk=attachment_pk, application=application)
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)
