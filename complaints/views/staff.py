"""The bureau's side of complaints and tips: the list with its filters, a complaint's page where staff accept it
(linking the enterprise and product and assigning who handles it) or turn it down, the handler resolves it with
an outcome, and a leader records a tip's reward; and the public's nominations taken into a campaign. Inspectors
see only the complaints assigned to them; anyone else's is a 404, as if it did not exist."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import forms, services
from complaints.choices import ComplaintKind, ComplaintStatus
from complaints.clocks import with_countdowns
from complaints.filtersets import ComplaintFilterSet
from complaints.models import Complaint, ComplaintPhoto
from complaints.timeline import complaint_changes
from core.decorators import rule_required
from core.pages import paginate, submit

ADOPTABLE = 200  # products offered for adoption, the most nominated first
OVERDUE_SHOWN = 20  # overdue records listed above the list


@rule_required("complaints.list")
def complaint_list(request):
    complaints = (
        Complaint.objects.visible_to(request.user)
        .select_related("district", "enterprise", "assigned_to")
        .annotate(photo_count=Count("photos"))
        .order_by("-received_at", "-pk")
    )
    filters = ComplaintFilterSet(request.GET or None, queryset=complaints)
    page, query = paginate(request, filters.qs)  # each valid filter applies; an invalid one shows its error
    today = timezone.localdate()
    overdue = Complaint.objects.visible_to(request.user).overdue(today).order_by("received_at", "pk")
    context = {
        "page": page,
        "query": query,
        "filters": filters,
        "today": today,
        "overdue": list(overdue.only(*OVERDUE_FIELDS)[:OVERDUE_SHOWN]),
        "overdue_count": overdue.count(),
    }
    return render(request, "complaints/complaint_list.html", context)


OVERDUE_FIELDS = (
    "tracking_number",
    "kind",
    "product_name",
    "status",
    "anonymous",
    "contact_phone",
    "received_at",
    "accept_due",
    "mediation_due",
    "decision_due",
    "notice_due",
    "tipster_notified_at",
)


def _complaint(request, pk: int) -> Complaint:
    """The complaint if this user may see it (staff any, an inspector those assigned to them), else 404."""
    complaints = Complaint.objects.visible_to(request.user).select_related(
        "district",
        "enterprise",
        "product",
        "assigned_to",
        "triaged_by",
        "closed_by",
        "reward_recorded_by",
        "extended_by",
        "tipster_notified_by",
    )
    return get_object_or_404(complaints, pk=pk)


def _can(user, complaint: Complaint) -> dict[str, bool]:
    status = complaint.status
    return {
        "accept": status == ComplaintStatus.RECEIVED and user.has_perm("complaints.triage"),
        "reject": status == ComplaintStatus.RECEIVED and user.has_perm("complaints.triage"),
        "update": status == ComplaintStatus.IN_PROGRESS and user.has_perm("complaints.triage"),
        "resolve": status == ComplaintStatus.IN_PROGRESS and user.has_perm("complaints.resolve", complaint),
        "reward": (
            status == ComplaintStatus.RESOLVED
            and services.reward_refusal(complaint) is None
            and user.has_perm("complaints.reward")
        ),
        "extend": (
            status in (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS)
            and complaint.kind == ComplaintKind.TIP
            and not complaint.extended
            and user.has_perm("complaints.extend")
        ),
        "notify": (
            complaint.kind == ComplaintKind.TIP
            and complaint.notice_due is not None
            and complaint.tipster_notified_at is None
            and user.has_perm("complaints.triage")
        ),
    }


DONE = {
    "accept": lambda: _("Accepted for handling."),
    "update": lambda: _("Saved."),
    "reject": lambda: _("Not accepted: the reply is on the tracking page."),
    "resolve": lambda: _("Resolved: the reply is on the tracking page."),
    "reward": lambda: _("The reward is recorded."),
    "extend": lambda: _("The decision period is extended."),
    "notify": lambda: _("Recorded: the tipster was told the decision."),
}


@rule_required("complaints.list")
def complaint_detail(request, pk: int):
    complaint = _complaint(request, pk)
    user = request.user
    can = _can(user, complaint)
    lookup_code = request.GET.get("credit_code", "").strip()[:18]
    posted = request.POST if request.method == "POST" else None
    action = posted.get("action") if posted else None
    if posted is not None and action not in can:
        return redirect(complaint)
    if action and not can[action]:
        raise PermissionDenied
    link_form = forms.LinkForm(
        posted if action in ("accept", "update") else None, complaint=complaint, user=user, lookup_code=lookup_code
    )
    reject_form = forms.RejectForm(posted if action == "reject" else None, prefix="reject")
    resolve_form = forms.ResolveForm(posted if action == "resolve" else None, prefix="resolve", complaint=complaint)
    reward_form = forms.RewardForm(posted if action == "reward" else None, prefix="reward")
    extend_form = forms.ExtendForm(posted if action == "extend" else None, prefix="extend")
    notify_form = forms.NotifyForm(posted if action == "notify" else None, prefix="notify")
    calls = {
        "accept": (link_form, lambda f: services.complaint_accept(actor=user, complaint=complaint, **f.values())),
        "update": (link_form, lambda f: services.complaint_update(actor=user, complaint=complaint, **f.values())),
        "reject": (
            reject_form,
            lambda f: services.complaint_reject(
                actor=user, complaint=complaint, reply=f.cleaned_data["reply"], reason=f.cleaned_data["reason"]
            ),
        ),
        "resolve": (
            resolve_form,
            lambda f: services.complaint_resolve(actor=user, complaint=complaint, **f.values()),
        ),
        "extend": (
            extend_form,
            lambda f: services.tip_extend(actor=user, complaint=complaint, reason=f.cleaned_data["reason"]),
        ),
        "notify": (
            notify_form,
            lambda f: services.tipster_notify(actor=user, complaint=complaint, how=f.cleaned_data["how"]),
        ),
        "reward": (
            reward_form,
            lambda f: services.reward_record(
                actor=user, complaint=complaint, amount=f.cleaned_data["amount"], note=f.cleaned_data["note"]
            ),
        ),
    }
    if action:
        form, call = calls[action]
        if submit(form, call):
            messages.success(request, DONE[action]())
            return redirect(complaint)
    context = {
        "complaint": complaint,
        "photos": list(complaint.photos.all()),
        "can": can,
        "action": action,
        "link_form": link_form,
        "lookup_code": lookup_code,
        "reject_form": reject_form,
        "resolve_form": resolve_form,
        "reward_form": reward_form,
        "extend_form": extend_form,
        "notify_form": notify_form,
        "clocks": with_countdowns(complaint),
        "changes": complaint_changes(complaint),
    }
    return render(request, "complaints/complaint_detail.html", context)


@rule_required("complaints.list")
def complaint_photo(request, pk: int, photo_pk: int):
    """Photos are served only through this check, never from a public media URL."""
    complaint = _complaint(request, pk)
    photo = get_object_or_404(ComplaintPhoto, pk=photo_pk, complaint=complaint)
    response = FileResponse(photo.file.open("rb"), filename=photo.original_name)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"  # an upload is never run as a page
    return response


@rule_required("complaints.view_nominations")
def nomination_list(request):
    products = list(forms.open_nomination_counts(ADOPTABLE))
    can_adopt = request.user.has_perm("complaints.adopt_nominations")
    form = forms.AdoptForm(request.POST if request.method == "POST" else None, products=products)
    if request.method == "POST":
        if not can_adopt:
            raise PermissionDenied
        adopted = submit(
            form,
            lambda f: services.nominations_adopt(
                actor=request.user, campaign=f.cleaned_data["campaign"], product_names=f.cleaned_data["product_names"]
            ),
        )
        if adopted is not None:
            messages.success(
                request,
                _("%(count)s nominations taken into %(campaign)s.")
                % {"count": adopted, "campaign": form.cleaned_data["campaign"]},
            )
            return redirect("complaints:nominations")
    context = {"products": products, "form": form, "can_adopt": can_adopt, "limit": ADOPTABLE}
    return render(request, "complaints/nomination_list.html", context)
