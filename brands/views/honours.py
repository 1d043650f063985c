"""Honours awarded, their yearly review, and revocation proposals that staff confirm or dismiss."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands import forms, services
from brands.choices import HonourStatus, ProposalStatus
from brands.eligibility import explained
from brands.models import Honour, RevocationProposal
from core.decorators import rule_required
from core.pages import paginate, submit
from core.transitions import require_perm

HONOUR_FILTERS = (
    ("current", gettext_lazy("Current")),
    ("revoked", gettext_lazy("Revoked")),
    ("expired", gettext_lazy("Expired")),
)


def _filter_honours(honours, shown: str, today):
    if shown == "current":
        return honours.current(today)
    if shown == "revoked":
        return honours.filter(status=HonourStatus.REVOKED)
    if shown == "expired":
        return honours.filter(status=HonourStatus.CURRENT, valid_until__lt=today)
    return honours


@rule_required("brands.view_all")
def honour_list(request):
    today = timezone.localdate()
    shown = request.GET.get("status", "")
    honours = _filter_honours(Honour.objects.visible_to(request.user), shown, today)
    honours = honours.select_related("enterprise", "programme", "product").annotate(
        open_proposals=Count("revocation_proposals", filter=Q(revocation_proposals__status=ProposalStatus.OPEN))
    )
    page, query = paginate(request, honours.order_by("-awarded_on", "certificate_number"))
    context = {"page": page, "query": query, "status": shown, "filters": HONOUR_FILTERS, "today": today}
    return render(request, "brands/honour_list.html", context)


@rule_required("brands.list_honours")
def honour_detail(request, pk: int):
    """Staff see every honour with its reviews and proposals; the enterprise its own honours (others' current
    honours are on the public list)."""
    user = request.user
    staff = user.has_perm("brands.view_all")
    honours = Honour.objects.restrict(user, "view_record")
    honour = get_object_or_404(honours.select_related("enterprise", "programme", "product", "application"), pk=pk)
    review_form = forms.HonourReviewForm()
    if request.method == "POST":
        if request.POST.get("action") != "review":
            return redirect(honour)
        require_perm(user, "brands.review_honour")
        review_form = forms.HonourReviewForm(request.POST)
        if submit(
            review_form,
            lambda f: services.honour_review(
                actor=user, honour=honour, year=f.cleaned_data["year"], passed=f.is_passed, note=f.cleaned_data["note"]
            ),
        ):
            if review_form.is_passed:
                messages.success(request, _("The yearly review is recorded."))
            else:
                messages.warning(request, _("The yearly review is recorded; revocation is proposed."))
            return redirect(honour)
    reviews = list(honour.reviews.select_related("reviewed_by"))
    for review in reviews:
        review.explained = explained(review.checks)
    context = {
        "honour": honour,
        "staff": staff,
        "current": honour.is_current(),
        "reviews": reviews,
        "proposals": honour.revocation_proposals.select_related("decided_by") if staff else [],
        "can_review": honour.is_current() and user.has_perm("brands.review_honour"),
        "review_form": review_form,
    }
    return render(request, "brands/honour_detail.html", context)


@rule_required("brands.view_all")
def proposal_list(request):
    shown = request.GET.get("status", ProposalStatus.OPEN)
    proposals = RevocationProposal.objects.visible_to(request.user).select_related("honour__enterprise", "decided_by")
    if shown in ProposalStatus.values:
        proposals = proposals.filter(status=shown)
    page, query = paginate(request, proposals.order_by("-raised_at", "-pk"))
    context = {"page": page, "query": query, "status": shown, "statuses": ProposalStatus.choices}
    return render(request, "brands/proposal_list.html", context)


@rule_required("brands.view_all")
def proposal_detail(request, pk: int):
    proposal = get_object_or_404(
        RevocationProposal.objects.visible_to(request.user).select_related(
            "honour__enterprise", "honour__programme", "decided_by"
        ),
        pk=pk,
    )
    user = request.user
    form = forms.ProposalDecisionForm()
    if request.method == "POST":
        if request.POST.get("action") != "decide":
            return redirect(proposal)
        require_perm(user, "brands.decide_revocation")
        form = forms.ProposalDecisionForm(request.POST)
        if submit(
            form,
            lambda f: services.proposal_decide(
                actor=user, proposal=proposal, confirm=f.confirm, note=f.cleaned_data["note"]
            ),
        ):
            confirmed = form.confirm
            messages.success(request, _("The honour is revoked.") if confirmed else _("The proposal is dismissed."))
            return redirect(proposal)
    context = {
        "proposal": proposal,
        "honour": proposal.honour,
        "can_decide": proposal.status == ProposalStatus.OPEN and user.has_perm("brands.decide_revocation"),
        "form": form,
        "back": reverse("brands:proposals"),
    }
    return render(request, "brands/proposal_detail.html", context)
