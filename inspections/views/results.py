"""Results: the laboratory enters findings blind, staff review and notify, the enterprise accepts or objects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import Role
from core.decorators import rule_required
from core.notices import may_open
from core.pages import add_model_errors, paginate, run_action
from inspections import forms
from inspections.choices import LabTestStatus
from inspections.models import LabTest, PublishedResult
from inspections.selectors import enterprise_results, follow_up_list, lab_queue, lab_submitted, review_queue
from inspections.services import deadlines, publication, testing


@rule_required("inspections.view_lab_worklist")
def lab_worklist(request):
    page, query = paginate(request, lab_queue(request.user))
    return render(request, "inspections/lab_worklist.html", {"page": page, "query": query})


@rule_required("inspections.view_lab_worklist")
def lab_submitted_list(request):
    """The laboratory's submitted results: computed verdict and review state (returned ones are back on the
    worklist)."""
    page, query = paginate(request, lab_submitted(request.user))
    return render(request, "inspections/lab_submitted.html", {"page": page, "query": query})


@rule_required("inspections.review_results")
def review_list(request):
    page, query = paginate(request, review_queue())
    return render(request, "inspections/review_list.html", {"page": page, "query": query})


@rule_required("inspections.view_own_results")
def my_results(request):
    context = {
        "results": enterprise_results(request.user),
        "follow_ups": follow_up_list(request.user).order_by("-ordered_on", "-pk"),
        "publications": PublishedResult.objects.visible_to(request.user).standing().select_related("campaign"),
    }
    return render(request, "inspections/my_results.html", context)


def _lab_test(request, pk: int) -> LabTest:
    """The result if this user may see it (else 404, as if it did not exist)."""
    return get_object_or_404(
        LabTest.objects.visible_to(request.user).select_related("task__campaign", "lab", "reviewed_by"), pk=pk
    )


@login_required
def result_detail(request, pk: int):
    lab_test = _lab_test(request, pk)
    user = request.user
    if lab_test.status == LabTestStatus.NOTIFIED and not lab_test.is_served and may_open(user, lab_test):
        lab_test = testing.result_open(actor=user, lab_test=lab_test)  # the enterprise opened it: served today
    blind = user.role == Role.LAB_TECHNICIAN  # the laboratory never sees who made the sample
    results = list(lab_test.item_results.select_related("item"))
    findings_form = None
    if lab_test.status == LabTestStatus.PENDING and user.has_perm("inspections.enter_results", lab_test):
        findings_form = forms.FindingsForm(
            request.POST or None,
            items=testing.applicable_items(lab_test).values(),
            results=results,
            categories=lab_test.task.campaign.categories(),
            category=lab_test.category,
        )
        if request.method == "POST" and findings_form.is_valid():
            submit = "submit" in request.POST
            try:
                testing.lab_test_save_results(
                    actor=user,
                    lab_test=lab_test,
                    findings=findings_form.findings(),
                    submit=submit,
                    category=findings_form.cleaned_data.get("category"),
                )
            except ValidationError as error:
                add_model_errors(findings_form, error)
            else:
                if submit:
                    messages.success(request, _("The results are submitted for review."))
                    return redirect("inspections:lab_submitted")
                messages.success(
                    request, _("Draft saved. It stays on your worklist as a draft until you submit it for review.")
                )
                return redirect(lab_test.get_absolute_url())
    elif request.method == "POST":
        raise PermissionDenied
    task = lab_test.task
    publication_ = PublishedResult.objects.filter(task=task).first() if not blind else None
    context = {
        "lab_test": lab_test,
        "task": None if blind else task,
        "blind": blind,
        "items": lab_test.task.campaign.items.select_related("standard"),
        "results": results,
        "findings_form": findings_form,
        "review_form": forms.ReviewForm() if user.has_perm("inspections.review_results") else None,
        "answerable": lab_test.is_open_to_answer and user.has_perm("inspections.respond_to_result", lab_test),
        "objection_form": forms.ObjectionForm(),
        "objection": None if blind else getattr(lab_test, "objection", None),  # its reasons may name the firm
        "show_review_comment": not user.enterprise_id,
        "publication": publication_,
        "reply_form": forms.ReplyForm(initial={"reply": publication_.reply}) if publication_ else None,
        "can_reply": bool(publication_) and user.has_perm("inspections.reply_to_publication", publication_),
        "today": timezone.localdate(),
        "objection_deadline": deadlines.objection_deadline(task.campaign, lab_test.served_on)
        if lab_test.objection_due_on and lab_test.served_on
        else None,
        "may_serve_on_paper": lab_test.status == LabTestStatus.NOTIFIED
        and lab_test.has_objection_clock
        and not lab_test.is_served
        and user.has_perm("inspections.review_results"),
    }
    return render(request, "inspections/result_detail.html", context)


@require_POST
@login_required
def result_review(request, pk: int):
    lab_test = _lab_test(request, pk)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        run_action(
            request,
            lambda: testing.lab_test_review(
                actor=request.user, lab_test=lab_test, approve=approve, comment=form.cleaned_data["comment"]
            ),
            done=_("The result is approved.") if approve else _("The result went back to the laboratory."),
        )
    return redirect(lab_test)


# One-click answers to a result: the service call (which checks who may take the step) and the message.
RESULT_ACTIONS = {
    "notify": (
        lambda request, lab_test: testing.lab_test_notify(actor=request.user, lab_test=lab_test),
        gettext_lazy("The enterprise is notified of the result."),
    ),
    "accept": (
        lambda request, lab_test: testing.result_accept(actor=request.user, lab_test=lab_test),
        gettext_lazy("You accepted the result; it is final."),
    ),
    "object": (
        lambda request, lab_test: testing.objection_file(
            actor=request.user, lab_test=lab_test, reasons=request.POST.get("reasons", "")
        ),
        gettext_lazy("Your objection is filed. The reserve sample goes to another laboratory for a re-test."),
    ),
}


@require_POST
@login_required
def result_action(request, pk: int, action: str):
    lab_test = _lab_test(request, pk)
    if action not in RESULT_ACTIONS:
        raise Http404
    call, done = RESULT_ACTIONS[action]
    run_action(request, lambda: call(request, lab_test), done=done)
    return redirect(lab_test)


@require_POST
@login_required
def publication_reply(request, pk: int):
    published = get_object_or_404(PublishedResult.objects.restrict(request.user, "reply").select_related("task"), pk=pk)
    run_action(
        request,
        lambda: publication.publication_reply(
            actor=request.user, publication=published, reply=request.POST.get("reply", "")
        ),
        done=_("Your reply is published beside the result."),
    )
    return redirect("inspections:my_results")
