"""The dishonesty list (失信名单): staff list enterprises on a ground and decide credit repair; the listed
enterprise applies for repair once the listing has been published long enough."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decorators import rule_required
from core.pages import form_page, paginate, submit
from credit import forms, services
from credit.choices import BlacklistStatus, RepairStatus
from credit.filtersets import BlacklistEntryFilterSet
from credit.models import BlacklistEntry, RepairAttachment
from enterprises.selectors import enterprises_visible_to


@rule_required("credit.view_grades")
def blacklist_index(request):
    filterset = BlacklistEntryFilterSet(request.GET, queryset=BlacklistEntry.objects.visible_to(request.user))
    rows = filterset.qs.select_related("enterprise")  # an unknown status is ignored, as the list always did
    status, search = request.GET.get("status", ""), request.GET.get("q", "").strip()
    rows = rows.annotate(pending_repairs=Count("repairs", filter=Q(repairs__status=RepairStatus.PENDING)))
    rows = rows.order_by("-published_on", "-pk")
    page, query = paginate(request, rows)
    context = {"page": page, "query": query, "status": status, "search": search, "statuses": BlacklistStatus.choices}
    return render(request, "credit/blacklist_list.html", context)


@rule_required("credit.manage_blacklist")
def blacklist_create(request):
    initial = {}
    chosen = request.GET.get("enterprise", "")
    if chosen.isdigit():
        enterprise = enterprises_visible_to(request.user).filter(pk=chosen).first()
        initial["credit_code"] = enterprise.credit_code if enterprise else ""
    form = forms.BlacklistEntryForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        title=_("Put an enterprise on the dishonesty list"),
        save=lambda f: services.blacklist_add(
            actor=request.user, enterprise=f.cleaned_data["credit_code"], values=f.values()
        ),
        back=reverse("credit:blacklist"),
        done=_("The enterprise is on the dishonesty list, published, and its grade is now C."),
    )


def _entry(request, pk: int) -> BlacklistEntry:
    """Staff read every entry; an enterprise only its own (its repair applications are nobody else's business):
    anyone else gets a 404. The public list shows what everyone may know."""
    entries = BlacklistEntry.objects.visible_to(request.user)
    if not request.user.has_perm("credit.view_grades"):
        entries = entries.filter(enterprise_id=request.user.enterprise_id)
    return get_object_or_404(entries.select_related("enterprise", "listed_by"), pk=pk)


@login_required
def blacklist_entry(request, pk: int):
    entry = _entry(request, pk)
    user = request.user
    today = timezone.localdate()
    repairs = list(entry.repairs.select_related("applied_by", "decided_by").prefetch_related("attachments"))
    pending = next((repair for repair in repairs if repair.status == RepairStatus.PENDING), None)
    may_apply = entry.status == BlacklistStatus.LISTED and user.has_perm("credit.apply_repair", entry)
    repair_form = forms.RepairForm()
    decide_form = forms.DecisionForm(prefix="decide")
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "repair":
        repair_form = forms.RepairForm(request.POST, request.FILES)
        if submit(
            repair_form,
            lambda f: services.repair_apply(
                actor=user, entry=entry, statement=f.cleaned_data["statement"], files=f.cleaned_data["attachments"]
            ),
        ):
            messages.success(request, _("Your application for credit repair is submitted. The bureau will decide."))
            return redirect(entry)
    elif action == "decide" and pending is not None:
        decide_form = forms.DecisionForm(request.POST, prefix="decide")
        if submit(
            decide_form,
            lambda f: services.repair_decide(
                actor=user, repair=pending, approve=f.approve, note=f.cleaned_data["note"]
            ),
        ):
            done = _("Repair approved: the enterprise is off the list.") if decide_form.approve else _("Rejected.")
            messages.success(request, done)
            return redirect(entry)
    elif request.method == "POST":
        return redirect(entry)
    context = {
        "entry": entry,
        "repairs": repairs,
        "pending": pending,
        "today": today,
        "may_apply": may_apply,
        "repair_open": may_apply and pending is None and today >= entry.repair_from,
        "repair_form": repair_form,
        "show_repair_form": action == "repair" or (may_apply and pending is None and today >= entry.repair_from),
        "can_decide": pending is not None and user.has_perm("credit.decide_repair", pending),
        "decide_form": decide_form,
    }
    return render(request, "credit/blacklist_entry.html", context)


@login_required
def repair_attachment(request, pk: int, attachment_pk: int):
    """Attachments are served only through this check, never from a public media URL."""
    entry = _entry(request, pk)
    attachment = get_object_or_404(RepairAttachment, pk=attachment_pk, repair__entry=entry)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)
