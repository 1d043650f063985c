"""Follow-up of nonconforming results, the reports to the provincial bureau, the decisions a leader takes on
proposals, and the deadlines worklist for staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_trail
from core.decorators import rule_required
from core.notices import may_open
from core.pages import form_page, paginate, run_action, submit
from inspections import followup_forms, forms
from inspections.choices import TaskStatus
from inspections.models import DecisionProposal, FollowUp, ProvinceReport, RectificationAttachment
from inspections.province_report import province_report_csv, province_report_pdf, report_file_name
from inspections.selectors import (
    follow_up_list,
    overdue_follow_ups,
    overdue_publications,
    overdue_sampling,
    proposal_list,
)
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
        "proposals": proposal_list(user).filter(follow_up=follow_up).order_by("proposed_at", "pk"),
        "suspension": follow_up.suspension(),
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


@login_required
def provincial_notice(request, pk: int):
    follow_up = _follow_up(request, pk)
    form = followup_forms.ProvincialNoticeForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("The provincial bureau's notice"),
        save=lambda f: followups.provincial_notice_record(
            actor=request.user,
            follow_up=follow_up,
            notice_on=f.cleaned_data["notice_on"],
            reference=f.cleaned_data["reference"],
            url=f.cleaned_data["url"],
        ),
        back=follow_up.get_absolute_url(),
        done=_("The notice is recorded; the second re-check is on the inspectors' worklists."),
    )


@login_required
def referral(request, pk: int):
    follow_up = _follow_up(request, pk)
    form = followup_forms.ReferralForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("Referral to revoke the business licence"),
        save=lambda f: followups.referral_record(actor=request.user, follow_up=follow_up, **f.cleaned_data),
        back=follow_up.get_absolute_url(),
        done=_("The referral is recorded and the follow-up closed."),
    )


# Reports to the provincial bureau.


@rule_required("inspections.view_follow_ups")
def province_reports(request):
    """The reports sent (or to send) upward, and the follow-ups awaiting one; staff prepare a report of them."""
    if request.method == "POST":
        report = None

        def create():
            nonlocal report
            report = followups.province_report_create(actor=request.user)

        if run_action(request, create, done=_("The report is prepared: download it, send it, record the day.")):
            return redirect(report)
        return redirect("inspections:province_reports")
    context = {
        "reports": ProvinceReport.objects.annotate(cases=Count("follow_ups")).select_related("created_by", "sent_by"),
        "waiting": followups.follow_ups_to_report().select_related("enterprise", "task__campaign"),
        "can_manage": request.user.has_perm("inspections.manage_follow_up"),
    }
    return render(request, "inspections/follow_up_province_reports.html", context)


def _report(request, pk: int) -> ProvinceReport:
    if not request.user.has_perm("inspections.view_follow_ups"):
        raise Http404
    return get_object_or_404(ProvinceReport, pk=pk)


@login_required
def province_report_detail(request, pk: int):
    report = _report(request, pk)
    form = followup_forms.ProvinceReportSentForm(request.POST or None)
    if request.method == "POST":
        saved = submit(
            form,
            lambda f: followups.province_report_sent(
                actor=request.user,
                report=report,
                sent_on=f.cleaned_data["sent_on"],
                reference=f.cleaned_data["reference"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The day the report was sent is recorded."))
            return redirect(report)
    context = {
        "report": report,
        "follow_ups": report.follow_ups.select_related("enterprise", "task__campaign").order_by("enterprise__name"),
        "form": form,
        "can_manage": request.user.has_perm("inspections.manage_follow_up"),
    }
    return render(request, "inspections/follow_up_province_report.html", context)


@login_required
def province_report_pdf_download(request, pk: int):
    report = _report(request, pk)
    response = HttpResponse(province_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, report_file_name(report, "pdf"))
    return response


@login_required
def province_report_csv_download(request, pk: int):
    report = _report(request, pk)
    response = HttpResponse(province_report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, report_file_name(report, "csv"))
    return response


# Decisions a leader takes.


@rule_required("inspections.view_proposals")
def proposal_index(request):
    rows = proposal_list(request.user)
    show = request.GET.get("show", "pending")
    if show == "pending":
        rows = rows.pending()
    page, query = paginate(request, rows.order_by("proposed_at", "pk"))
    return render(request, "inspections/follow_up_proposals.html", {"page": page, "query": query, "show": show})


def _proposal(request, pk: int) -> DecisionProposal:
    return get_object_or_404(proposal_list(request.user), pk=pk)


@login_required
def proposal_detail(request, pk: int):
    proposal = _proposal(request, pk)
    user = request.user
    context = {
        "proposal": proposal,
        "can_decide": proposal.is_pending and user.has_perm("inspections.decide_proposal"),
        "can_manage": user.has_perm("inspections.manage_follow_up"),
        "trail": audit_trail(proposal.task.campaign).filter(
            object_type="inspections.decisionproposal", object_id=proposal.pk
        )
        if user.has_perm("inspections.view_follow_ups")
        else [],
    }
    return render(request, "inspections/follow_up_proposal.html", context)


@login_required
def proposal_decide(request, pk: int):
    proposal = _proposal(request, pk)
    form = followup_forms.DecisionForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("Decide: %s") % proposal.get_kind_display(),
        save=lambda f: followups.proposal_decide(actor=request.user, proposal=proposal, **f.cleaned_data),
        back=proposal.get_absolute_url(),
        done=_("The decision is recorded."),
        facts=[
            (_("Enterprise"), proposal.enterprise.name),
            (_("Facts and grounds"), proposal.grounds),
            (_("Right to a hearing notified on"), proposal.hearing_notified_on or "—"),
            (_("Hearing requested"), _("yes") if proposal.hearing_requested else _("no")),
            (_("Hearing held on"), proposal.hearing_held_on or "—"),
        ],
    )


@login_required
def proposal_hearing(request, pk: int):
    proposal = _proposal(request, pk)
    form = followup_forms.HearingForm(
        request.POST or None,
        initial={
            "notified_on": proposal.hearing_notified_on,
            "requested": proposal.hearing_requested,
            "held_on": proposal.hearing_held_on,
        },
    )
    return form_page(
        request,
        form,
        title=_("The right to a hearing"),
        save=lambda f: followups.proposal_hearing(actor=request.user, proposal=proposal, **f.cleaned_data),
        back=proposal.get_absolute_url(),
        done=_("The hearing is recorded."),
    )


@login_required
def proposal_again(request, pk: int):
    proposal = _proposal(request, pk)
    form = followup_forms.ProposeAgainForm(request.POST or None, initial={"grounds": proposal.grounds})
    return form_page(
        request,
        form,
        title=_("Propose again"),
        save=lambda f: followups.proposal_submit(
            actor=request.user, proposal=proposal, grounds=f.cleaned_data["grounds"]
        ),
        back=proposal.get_absolute_url(),
        done=_("The proposal awaits the leader's decision."),
    )


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
