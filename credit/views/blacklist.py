"""The serious-dishonesty list (严重违法失信名单): a supervisor proposes a listing on a ground and a heavier penalty;
staff serve the notice; the enterprise files its statement and defence here (or staff record its paper answer);
where required staff record the upper level's consent; a leader decides. Once a year has passed since publication
the enterprise applies for early removal; staff attest the conditions; a leader decides. A leader edits the
grounds."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.predicates import is_enterprise_user
from core.decorators import rule_required
from core.forms import PaperServiceForm
from core.notices import may_open
from core.pages import form_page, paginate, submit
from core.workdays import working_days_between
from credit import forms, services
from credit.choices import AWAITING_DECISION, BlacklistStatus, RepairStatus
from credit.filtersets import BlacklistEntryFilterSet
from credit.models import BlacklistEntry, ListingGround, RepairAttachment
from credit.selectors import early_removal_conditions
from enterprises.selectors import enterprises_visible_to, heavier_penalties


@rule_required("credit.view_grades")
def blacklist_index(request):
    filterset = BlacklistEntryFilterSet(request.GET, queryset=BlacklistEntry.objects.visible_to(request.user))
    rows = filterset.qs.select_related("enterprise", "ground", "penalty")  # an unknown status is ignored
    status, search = request.GET.get("status", ""), request.GET.get("q", "").strip()
    rows = rows.annotate(pending_repairs=Count("repairs", filter=Q(repairs__status=RepairStatus.PENDING)))
    rows = rows.order_by("-proposed_at", "-pk")
    page, query = paginate(request, rows)
    context = {"page": page, "query": query, "status": status, "search": search, "statuses": BlacklistStatus.choices}
    return render(request, "credit/blacklist_list.html", context)


@login_required
def my_listings(request):
    """The enterprise's own listings and notices, with the time left for a statement."""
    if not is_enterprise_user.test(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    entries = list(
        BlacklistEntry.objects.visible_to(request.user)
        .filter(enterprise_id=request.user.enterprise_id)
        .select_related("ground", "penalty")
        .order_by("-proposed_at")
    )
    for entry in entries:
        entry.days_left = _days_left(entry, today)
    return render(request, "credit/blacklist_mine.html", {"entries": entries, "today": today})


def _days_left(entry: BlacklistEntry, today):
    """Working days left for a statement (0 on the last day), or None when no period is running."""
    if entry.status != BlacklistStatus.NOTIFIED or entry.statement_due is None or entry.statement_period_over(today):
        return None
    return working_days_between(today, entry.statement_due)


@rule_required("credit.propose_listing")
def blacklist_create(request):
    initial = {}
    chosen = request.GET.get("enterprise", "")
    if chosen.isdigit():
        enterprise = enterprises_visible_to(request.user).filter(pk=chosen).first()
        initial["credit_code"] = enterprise.credit_code if enterprise else ""
    form = forms.ListingProposalForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        title=_("Propose a listing on the serious-dishonesty list"),
        save=lambda f: services.listing_propose(
            actor=request.user, enterprise=f.cleaned_data["credit_code"], values=f.values()
        ),
        back=reverse("credit:blacklist"),
        done=_("The listing is proposed. Serve the notice next: the enterprise then has its period for a statement."),
    )


def _entry(request, pk: int) -> BlacklistEntry:
    """Staff read every entry; an enterprise only its own once notified (its statement and applications are nobody
    else's business): anyone else gets a 404. The public list shows what everyone may know."""
    entries = BlacklistEntry.objects.visible_to(request.user)
    if not request.user.has_perm("credit.view_grades"):
        entries = entries.filter(enterprise_id=request.user.enterprise_id)
    related = ("enterprise", "ground", "penalty", "proposed_by", "decided_by", "statement_by")
    return get_object_or_404(entries.select_related(*related), pk=pk)


def _actions(request, entry, pending) -> dict:
    """The entry page's actions by name: (form class, whether this user may take it now, service call, message)."""
    user = request.user
    today = timezone.localdate()
    staff = user.has_perm("credit.manage_blacklist")
    status = entry.status
    lapsed_now = entry.statement_period_over(today)
    awaiting = status in AWAITING_DECISION or lapsed_now
    consent = settings.DISHONESTY_LIST_UPPER_CONSENT
    return {
        "notify": (
            forms.NoticeForm,
            staff and status == BlacklistStatus.PROPOSED,
            lambda f: services.listing_notify(actor=user, entry=entry, notice_number=f.cleaned_data["notice_number"]),
            _("The notice is issued; the period for a statement runs once the enterprise receives it."),
        ),
        "serve_on_paper": (
            PaperServiceForm,
            staff and status == BlacklistStatus.NOTIFIED and not entry.is_served,
            lambda f: services.listing_notice_serve_on_paper(
                actor=user, entry=entry, received_on=f.cleaned_data["received_on"], proof=f.cleaned_data["proof"]
            ),
            _("The paper delivery is recorded; the period for a statement runs from the receipt."),
        ),
        "statement": (
            forms.StatementForm,
            (staff and status in (BlacklistStatus.NOTIFIED, BlacklistStatus.LAPSED))
            or (
                status == BlacklistStatus.NOTIFIED
                and not lapsed_now
                and user.has_perm("credit.state_on_listing", entry)
            ),
            lambda f: services.listing_statement(actor=user, entry=entry, statement=f.cleaned_data["statement"]),
            _("The statement and defence is recorded."),
        ),
        "consent": (
            forms.ConsentForm,
            staff
            and consent
            and (status in (BlacklistStatus.STATEMENT_RECEIVED, BlacklistStatus.LAPSED) or lapsed_now),
            lambda f: services.listing_consent(
                actor=user, entry=entry, reference=f.cleaned_data["reference"], consent_on=f.cleaned_data["consent_on"]
            ),
            _("The upper level's consent is recorded."),
        ),
        "decide_listing": (
            forms.ListingDecisionForm,
            awaiting and user.has_perm("credit.decide_listing", entry),
            lambda f: services.listing_decide(
                actor=user,
                entry=entry,
                list_it=f.list_it,
                reasons=f.cleaned_data["reasons"],
                decision_number=f.cleaned_data["decision_number"],
                published_on=f.cleaned_data["published_on"],
            ),
            _("The decision is recorded."),
        ),
        "repair": (
            forms.RepairForm,
            status == BlacklistStatus.LISTED
            and pending is None
            and user.has_perm("credit.apply_repair", entry)
            and today >= entry.early_removal_from,
            lambda f: services.repair_apply(
                actor=user, entry=entry, statement=f.cleaned_data["statement"], files=f.cleaned_data["attachments"]
            ),
            _("Your application for early removal is submitted. The bureau will decide."),
        ),
        "attest": (
            forms.AttestForm,
            pending is not None and staff,
            lambda f: services.repair_attest(actor=user, repair=pending, **f.values()),
            _("The conditions are recorded."),
        ),
        "decide": (
            forms.DecisionForm,
            pending is not None and user.has_perm("credit.decide_repair", pending),
            lambda f: services.repair_decide(
                actor=user, repair=pending, approve=f.approve, note=f.cleaned_data["note"]
            ),
            _("The decision on the application is recorded."),
        ),
    }


@login_required
def blacklist_entry(request, pk: int):
    entry = _entry(request, pk)
    user = request.user
    if entry.status == BlacklistStatus.NOTIFIED and not entry.is_served and may_open(user, entry):
        entry = services.listing_notice_open(actor=user, entry=entry)  # the enterprise opened its notice
    today = timezone.localdate()
    repairs = list(
        entry.repairs.select_related("applied_by", "decided_by", "attested_by").prefetch_related("attachments")
    )
    pending = next((repair for repair in repairs if repair.status == RepairStatus.PENDING), None)
    actions = _actions(request, entry, pending)
    chosen = request.POST.get("action") if request.method == "POST" else None
    if chosen is not None and (chosen not in actions or not actions[chosen][1]):
        raise PermissionDenied
    bound = {}
    for name, (form_class, allowed, call, done) in actions.items():
        if not allowed:
            continue
        if name == chosen:
            form = form_class(request.POST, request.FILES, prefix=name)
            if submit(form, call):
                messages.success(request, done)
                return redirect(entry)
        else:
            form = form_class(prefix=name)
        bound[name] = form
    for repair in repairs:
        repair.conditions = early_removal_conditions(repair)
    context = {
        "entry": entry,
        "repairs": repairs,
        "pending": pending,
        "today": today,
        "forms": bound,
        "days_left": _days_left(entry, today),
        "staff": user.has_perm("credit.view_grades"),
        "may_apply_later": entry.status == BlacklistStatus.LISTED
        and pending is None
        and user.has_perm("credit.apply_repair", entry)
        and today < entry.early_removal_from,
        "penalties": list(heavier_penalties(entry.enterprise_id)[:10]) if user.has_perm("credit.view_grades") else [],
        "history": entry.history.select_related("history_user").order_by("history_date", "history_id")
        if user.has_perm("credit.view_grades")
        else [],
    }
    return render(request, "credit/blacklist_entry.html", context)


@login_required
def repair_attachment(request, pk: int, attachment_pk: int):
    """Attachments are served only through this check, never from a public media URL."""
    entry = _entry(request, pk)
    attachment = get_object_or_404(RepairAttachment, pk=attachment_pk, repair__entry=entry)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@rule_required("credit.view_grades")
def ground_list(request):
    grounds = ListingGround.objects.all()
    return render(request, "credit/blacklist_grounds.html", {"grounds": grounds})


@rule_required("credit.change_grounds")
def ground_edit(request, pk: int | None = None):
    ground = get_object_or_404(ListingGround, pk=pk) if pk else None
    form = forms.ListingGroundForm(request.POST or None, instance=ground)
    back = reverse("credit:blacklist_grounds")

    if request.method == "POST" and submit(
        form, lambda f: services.listing_ground_save(actor=request.user, ground=ground, values=f.cleaned_data)
    ):
        messages.success(request, _("The listing ground is saved."))
        return redirect(back)
    title = _("Edit a listing ground") if ground else _("New listing ground")
    return render(request, "form.html", {"form": form, "title": title, "back": back, "multipart": False})
