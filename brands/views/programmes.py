"""The yearly calls (famous-brand products, the government quality award): their rules, the applications by status
and stage with their scores and ranks, and the steps staff take: start the review, publish the notice, resolve the
objections, submit the winners to the conferring body and record its decision."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brands import forms, services
from brands.choices import (
    SCORED_STAGES,
    STAGE_ORDER,
    ApplicationStatus,
    ObjectionStatus,
    ProgrammeStatus,
    Stage,
)
from brands.models import Conferral, Notice, Objection, Programme, StageResult, conferring_body_for
from brands.scoring import stage_scores
from core.decorators import rule_required
from core.pages import form_page, run_action, submit
from core.transitions import require_perm

# The order of the groups on the call's page: those still in the review by stage, then the outcomes.
STATUS_ORDER = (
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.PROPOSED,
    ApplicationStatus.AWARDED,
    ApplicationStatus.NOT_CONFERRED,
    ApplicationStatus.NOT_SELECTED,
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.WITHDRAWN,
)


@rule_required("brands.view_all")
def programme_list(request):
    programmes = Programme.objects.visible_to(request.user).annotate(
        application_count=Count(
            "applications", filter=~Q(applications__status=ApplicationStatus.WITHDRAWN), distinct=True
        ),
        honour_count=Count("honours", distinct=True),
    )
    return render(request, "brands/programme_list.html", {"programmes": programmes.order_by("-year", "kind")})


@rule_required("brands.manage_programmes")
def programme_create(request):
    form = forms.ProgrammeForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("New call"),
        save=lambda f: services.programme_create(actor=request.user, values=f.values()),
        back=reverse("brands:programmes"),
        done=_("The call is open for applications."),
    )


def application_groups(programme: Programme) -> list[dict]:
    """The call's applications grouped by status (and stage while under review), each with its score and rank at
    its current stage, or its last recorded score once past the scored stages. A fixed number of queries: one for
    the applications, one per scored stage, one for the recorded results."""
    applications = list(programme.applications.select_related("enterprise", "product"))
    scores = {
        stage: {score.application_id: score for score in stage_scores(programme, stage)}
        for stage in programme.stages
        if stage in SCORED_STAGES
    }
    last_results = {}
    scored_results = StageResult.objects.filter(
        application__programme=programme, stage__in=SCORED_STAGES, score__isnull=False
    )
    for result in scored_results.order_by("decided_at", "pk"):
        last_results[result.application_id] = result
    groups: dict[tuple, dict] = {}
    for application in applications:
        application.current_score = scores.get(application.stage, {}).get(application.pk)
        application.last_result = last_results.get(application.pk)
        in_review = application.status == ApplicationStatus.IN_REVIEW
        key = (STATUS_ORDER.index(application.status), STAGE_ORDER.index(application.stage) if in_review else 0)
        group = groups.setdefault(
            key,
            {
                "status": application.status,
                "label": application.get_status_display(),
                "stage": application.stage if in_review else "",
                "stage_label": application.get_stage_display() if in_review else "",
                "applications": [],
            },
        )
        group["applications"].append(application)
    for group in groups.values():
        group["applications"].sort(
            key=lambda a: (
                a.current_score.rank if a.current_score and a.current_score.rank else 10**6,
                a.enterprise.name,
            )
        )
    return [groups[key] for key in sorted(groups)]


def _resolve_forms(objections, posted_pk: int | None, posted_form) -> None:
    for objection in objections:
        if objection.status == ObjectionStatus.OPEN:
            objection.resolve_form = (
                posted_form
                if objection.pk == posted_pk
                else forms.ObjectionResolveForm(
                    initial={"objection": objection.pk}, auto_id=f"id_objection{objection.pk}_%s"
                )
            )


def _programme_action(request, programme: Programme, action: str, forms_: dict) -> HttpResponse | None:
    """Run the posted action of the call's page; a redirect when done, None to show the page with the errors."""
    user = request.user
    if action == "start_review":
        require_perm(user, "brands.manage_programmes")
        run_action(
            request,
            lambda: services.programme_start_review(actor=user, programme=programme),
            done=_("Applications are closed and the review has started."),
        )
        return redirect(programme)
    if action == "submit":
        require_perm(user, "brands.submit_for_conferral")
        if submit(
            forms_["submit"], lambda f: services.programme_submit(actor=user, programme=programme, **f.cleaned_data)
        ):
            messages.success(request, _("Submitted to the conferring body: record its decision once taken."))
            return redirect(programme)
        return None
    if action == "decide":
        require_perm(user, "brands.record_conferral")
        if submit(
            forms_["decide"],
            lambda f: services.conferral_record(actor=user, programme=programme, **f.cleaned_data),
        ):
            messages.success(request, _("The decision is recorded; the honours conferred are on file."))
            return redirect(programme)
        return None
    if action == "notice":
        require_perm(user, "brands.publish_notice")
        if submit(
            forms_["notice"], lambda f: services.notice_publish(actor=user, programme=programme, **f.cleaned_data)
        ):
            messages.success(request, _("The public notice is published."))
            return redirect(programme)
        return None
    return redirect(programme)


@rule_required("brands.view_all")
def programme_detail(request, pk: int):
    programme = get_object_or_404(Programme.objects.visible_to(request.user).select_related("created_by"), pk=pk)
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    notice_form = forms.NoticeForm(request.POST if action == "notice" else None)
    winners = programme.applications.filter(status=ApplicationStatus.PROPOSED).select_related("enterprise", "product")
    conferral = Conferral.objects.filter(programme=programme).first()
    submit_form = forms.SubmitForm(request.POST if action == "submit" else None)
    decide_form = forms.ConferralForm(
        request.POST if action == "decide" else None,
        winners=winners,
        initial={"conferring_body": conferral.conferring_body if conferral else ""},
    )
    resolve_form, resolve_pk = None, None
    if action == "resolve":
        require_perm(user, "brands.resolve_objection")
        posted = request.POST.get("objection", "")
        objection = (
            Objection.objects.visible_to(user)
            .filter(notice__programme=programme, pk=posted if posted.isdecimal() else 0)
            .first()
        )
        if objection is None:
            return redirect(programme)
        resolve_pk = objection.pk
        resolve_form = forms.ObjectionResolveForm(request.POST, auto_id=f"id_objection{objection.pk}_%s")
        if submit(
            resolve_form,
            lambda f: services.objection_resolve(
                actor=user, objection=objection, upheld=f.upheld, note=f.cleaned_data["note"]
            ),
        ):
            messages.success(request, _("The objection is resolved."))
            return redirect(programme)
    elif action is not None:
        forms_ = {"notice": notice_form, "submit": submit_form, "decide": decide_form}
        done = _programme_action(request, programme, action, forms_)
        if done is not None:
            return done
    notice = Notice.objects.filter(programme=programme).first()
    objections = list(
        Objection.objects.visible_to(user)
        .filter(notice__programme=programme)
        .select_related("application__enterprise", "application__product", "resolved_by")
    )
    _resolve_forms(objections, resolve_pk, resolve_form)
    groups = application_groups(programme)
    statuses = {group["status"] for group in groups}
    status = programme.status
    context = {
        "programme": programme,
        "stages": [Stage(stage).label for stage in programme.stages],
        "rules": programme.eligibility,
        "groups": groups,
        "application_count": sum(len(group["applications"]) for group in groups),
        "notice": notice,
        "notice_open": notice is not None and notice.is_open(),
        "objections": objections,
        "open_objections": sum(1 for objection in objections if objection.status == ObjectionStatus.OPEN),
        "honours": programme.honours.select_related("enterprise", "product"),
        "today": timezone.localdate(),
        "can_start_review": status == ProgrammeStatus.OPEN and user.has_perm("brands.manage_programmes"),
        "can_publish": status == ProgrammeStatus.REVIEWING and user.has_perm("brands.publish_notice"),
        # The notice lists the committee's proposals once no application is still under review.
        "notice_ready": ApplicationStatus.PROPOSED in statuses and ApplicationStatus.IN_REVIEW not in statuses,
        "conferral": conferral,
        "conferring_body": conferral.conferring_body if conferral else conferring_body_for(programme.kind),
        "can_submit": status == ProgrammeStatus.NOTICE and user.has_perm("brands.submit_for_conferral"),
        "can_decide": status == ProgrammeStatus.SUBMITTED and user.has_perm("brands.record_conferral"),
        "submit_form": submit_form,
        "decide_form": decide_form,
        "can_resolve": user.has_perm("brands.resolve_objection"),
        "notice_form": notice_form,
    }
    return render(request, "brands/programme_detail.html", context)
