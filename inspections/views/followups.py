"""Follow-up of nonconforming results, and the deadlines worklist for staff."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_trail
from core.decorators import rule_required
from core.notices import may_open
from core.pages import form_page, paginate, run_action
from inspections import forms
from inspections.choices import TaskStatus
from inspections.models import FollowUp, RectificationAttachment
from inspections.selectors import follow_up_list, overdue_follow_ups, overdue_publications, overdue_sampling
from inspections.services import followups
from inspections.services.deadlines import rectification_deadline


@rule_required("inspections.view_follow_ups")
def follow_up_index(request):
    rows = follow_up_list(request.user)
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.open()
    page, query = paginate(request, rows.order_by("ordered_on", "pk"))
    return render(request, "inspections/follow_up_list.html", {"page": page, "query": query, "show": show})


def _follow_up(request, pk: int) -> FollowUp:
    return get_object_or_404(follow_up_list(request.user), pk=pk)


@login_required
def follow_up_detail(request, pk: int):
    follow_up = _follow_up(request, pk)
    user = request.user
    if not follow_up.is_served and may_open(user, follow_up):
        follow_up = followups.rectification_order_open(actor=user, follow_up=follow_up)  # opened: served today
    context = {
        "follow_up": follow_up,
        "rectification_deadline": rectification_deadline(follow_up.served_on)
        if follow_up.served_on and follow_up.rectification_due_on
        else None,
        "may_serve_on_paper": follow_up.is_open
        and not follow_up.is_served
        and user.has_perm("inspections.manage_follow_up", follow_up),
        "rechecks": _rechecks_shown_to(user, follow_up),
        "attachments": follow_up.attachments.all(),
        "can_report": follow_up.is_open and user.has_perm("inspections.submit_rectification", follow_up),
        "can_order": user.has_perm("inspections.manage_follow_up", follow_up),
        "trail": audit_trail(follow_up.task.campaign).filter(object_type="inspections.followup", object_id=pk)
        if user.has_perm("inspections.view_follow_ups")
        else [],
        "today": timezone.localdate(),
    }
    return render(request, "inspections/follow_up_detail.html", context)


def _rechecks_shown_to(user, follow_up: FollowUp):
    """Staff see every re-check; the enterprise only those made (never a visit still to come)."""
    rechecks = follow_up.rechecks.order_by("recheck_round").select_related("campaign")
    if user.has_perm("inspections.view_all_tasks"):
        return rechecks
    return rechecks.exclude(status__in=[TaskStatus.ASSIGNED, TaskStatus.CANCELLED])


@login_required
def rectification_submit(request, pk: int):
    follow_up = _follow_up(request, pk)
    form = forms.RectificationForm(request.POST or None, request.FILES or None, initial={"report": follow_up.report})
    return form_page(
        request,
        form,
        title=_("Rectification report"),
        save=lambda f: followups.rectification_submit(
            actor=request.user,
            follow_up=follow_up,
            report=f.cleaned_data["report"],
            files=f.cleaned_data["attachments"],
        ),
        back=follow_up.get_absolute_url(),
        done=_("Your rectification report is submitted."),
        multipart=True,
    )


@require_POST
@login_required
def recheck_order(request, pk: int):
    follow_up = _follow_up(request, pk)
    run_action(
        request,
        lambda: followups.recheck_order(actor=request.user, follow_up=follow_up),
        done=_("The re-check is ordered; it is on the inspectors' worklists."),
    )
    return redirect(follow_up)


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    follow_up = _follow_up(request, pk)
    attachment = get_object_or_404(RectificationAttachment, pk=attachment_pk, follow_up=follow_up)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@rule_required("inspections.view_follow_ups")
def deadlines(request):
    today = timezone.localdate()
    context = {
        "today": today,
        "follow_ups": overdue_follow_ups(today=today)[:200],
        "publications": overdue_publications(today=today)[:200],
        "sampling": overdue_sampling(today=today)[:200],
    }
    return render(request, "inspections/deadlines.html", context)
