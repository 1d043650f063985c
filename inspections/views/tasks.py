"""Tasks: an inspector's worklist and the sampling record filed on site (phone first); staff read every task."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import rule_required
from core.pages import paginate, run_action
from inspections import forms
from inspections.choices import TaskStatus
from inspections.models import ConflictDeclaration, LabTest, SamplingPhoto, Task
from inspections.selectors import inspector_worklist, task_list
from inspections.services import campaigns
from inspections.views import offline


@rule_required("inspections.view_my_tasks")
def my_tasks(request):
    done = task_list(request.user).exclude(status=TaskStatus.ASSIGNED).order_by("-created_at", "-pk")[:20]
    context = {"tasks": inspector_worklist(request.user), "done": done, "field_messages": offline.field_messages()}
    return render(request, "inspections/my_tasks.html", context)


def _task(request, pk: int) -> Task:
    """The task if this user may see it, else 404 exactly as if it did not exist."""
    return get_object_or_404(task_list(request.user), pk=pk)


@login_required
def task_detail(request, pk: int):
    task = _task(request, pk)
    context = {
        "task": task,
        "record": getattr(task, "sampling", None),
        "lab_tests": LabTest.objects.filter(task=task).select_related("lab").order_by("received_at"),
        "can_sample": task.status == TaskStatus.ASSIGNED and request.user.has_perm("inspections.file_sampling", task),
    }
    return render(request, "inspections/task_detail.html", context)


@login_required
def photo_download(request, pk: int, photo_pk: int):
    """Photos are served only through this check (staff, or an inspector of the task), never from a public URL."""
    task = _task(request, pk)
    photo = get_object_or_404(SamplingPhoto, pk=photo_pk, record__task=task)
    return FileResponse(photo.file.open("rb"), filename=photo.original_name)


@rule_required("inspections.declare_conflict")
def conflicts(request):
    form = forms.ConflictForm(request.POST or None)
    declarations = ConflictDeclaration.objects.filter(inspector=request.user).select_related("enterprise")
    if request.method == "POST" and form.is_valid():
        ok = run_action(
            request,
            lambda: campaigns.conflict_declare(
                actor=request.user, enterprise=form.cleaned_data["credit_code"], reason=form.cleaned_data["reason"]
            ),
            done=_("Your declaration is recorded: no draw will send you there."),
        )
        if ok:
            return redirect("inspections:conflicts")
    page, query = paginate(request, declarations)
    return render(request, "inspections/conflicts.html", {"form": form, "page": page, "query": query})


@require_POST
@rule_required("inspections.declare_conflict")
def conflict_withdraw(request, pk: int):
    declaration = get_object_or_404(ConflictDeclaration, pk=pk, inspector=request.user)
    run_action(
        request,
        lambda: campaigns.conflict_withdraw(
            actor=request.user, declaration=declaration, reason=request.POST.get("reason", "")
        ),
        done=_("The declaration is withdrawn."),
    )
    return redirect("inspections:conflicts")
