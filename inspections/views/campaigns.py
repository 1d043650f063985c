"""Bureau staff plan campaigns, draw, start, publish and close them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.audit import audit_trail
from core.decorators import rule_required
from core.pages import form_page, paginate, run_action
from inspections import forms
from inspections.choices import CampaignStatus, DrawStatus, RedrawStatus
from inspections.models import Campaign, RedrawRequest, TestItem
from inspections.selectors import campaign_list as campaigns_with_counts
from inspections.selectors import task_list
from inspections.services import campaigns, draws, publication


@rule_required("inspections.view_campaigns")
def campaign_list(request):
    page, query = paginate(request, campaigns_with_counts().order_by("-year", "-pk"))
    return render(request, "inspections/campaign_list.html", {"page": page, "query": query})


def _save_campaign(request, form):
    campaign = form.instance
    campaign.pool_filters = form.pool_filters()
    return campaigns.campaign_save(actor=request.user, campaign=campaign, roster=form.cleaned_data["roster"])


@rule_required("inspections.plan_campaign")
def campaign_create(request):
    form = forms.CampaignForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("New spot-check campaign"),
        save=lambda f: _save_campaign(request, f),
        back=reverse("inspections:campaigns"),
        done=_("The campaign was saved as a draft. Add its test items, then submit it for approval."),
    )


@rule_required("inspections.plan_campaign")
def campaign_edit(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk, status=CampaignStatus.DRAFT)
    form = forms.CampaignForm(request.POST or None, instance=campaign)
    return form_page(
        request,
        form,
        title=_("Edit %s") % campaign,
        save=lambda f: _save_campaign(request, f),
        back=campaign.get_absolute_url(),
        done=_("The changes were saved."),
    )


@rule_required("inspections.view_campaigns")
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("lab", "created_by", "approved_by"), pk=pk)
    tasks = task_list(request.user).filter(campaign=campaign).order_by("status", "enterprise__name", "pk")
    page, query = paginate(request, tasks)
    draws_ = campaign.draws.select_related("committed_by", "drawn_by", "redraw_request").defer(
        "inputs", "result", "assignments", "drawn"
    )
    may_draw = campaign.status in (CampaignStatus.APPROVED, CampaignStatus.DRAWN) and request.user.has_perm(
        "inspections.perform_draw", campaign
    )
    context = {
        "campaign": campaign,
        "items": campaign.items.select_related("standard"),
        "pool": forms.pool_description(campaign.pool_filters),
        "roster": campaign.roster.order_by("full_name"),
        "referrals": campaign.referrals.select_related("enterprise"),
        "draws": draws_,
        "pending_draw": next((d for d in draws_ if d.status == DrawStatus.COMMITTED), None),
        "page": page,
        "query": query,
        "publishable": publication.publishable_tasks(campaign).count(),
        "trail": audit_trail(campaign)[:50],
        "referral_form": forms.ReferralForm(),
        "reason_form": forms.ReasonForm(),
        "witness_form": forms.WitnessForm(),
        "decision_form": forms.RedrawDecisionForm(),
        "unstaffable": draws.unstaffable_enterprises(campaign) if may_draw else [],
        "redraw_requests": campaign.redraw_requests.select_related("requested_by", "decided_by", "draw"),
        "open_redraw": campaign.redraw_requests.filter(
            status__in=[RedrawStatus.PENDING, RedrawStatus.APPROVED]
        ).first(),
        "close_form": forms.CloseForm(),
    }
    return render(request, "inspections/campaign_detail.html", context)


# One-click steps: the service call (which checks who may take the step) and the message on success.
ACTIONS = {
    "approve": (
        lambda r, c: campaigns.campaign_approve(actor=r.user, campaign=c, opinion=r.POST.get("opinion", "")),
        gettext_lazy("The campaign is approved."),
    ),
    "commit": (
        lambda r, c: draws.draw_commit(actor=r.user, campaign=c, witness=r.POST.get("witness", "")),
        gettext_lazy("The commitment is published. Anyone can check the draw against it once it is made."),
    ),
    "request-redraw": (
        lambda r, c: draws.redraw_request(actor=r.user, campaign=c, reason=r.POST.get("reason", "")),
        gettext_lazy("The re-draw is requested: a leader decides."),
    ),
    "start": (lambda r, c: campaigns.campaign_start(actor=r.user, campaign=c), gettext_lazy("Sampling is open.")),
    "close": (
        lambda r, c: campaigns.campaign_close(actor=r.user, campaign=c, note=r.POST.get("note", "")),
        gettext_lazy("The campaign is closed."),
    ),
    "publish": (
        lambda r, c: publication.results_publish(actor=r.user, campaign=c),
        gettext_lazy("The final results are published."),
    ),
}


@require_POST
@rule_required("inspections.view_campaigns")
def campaign_action(request, pk: int, action: str):
    campaign = get_object_or_404(Campaign, pk=pk)
    if action == "draw":
        draw = get_object_or_404(campaign.draws, status=DrawStatus.COMMITTED)
        run_action(request, lambda: draws.draw_perform(actor=request.user, draw=draw), done=_("The draw is made."))
        return redirect(campaign)
    if action not in ACTIONS:
        return redirect(campaign)
    call, done = ACTIONS[action]
    run_action(request, lambda: call(request, campaign), done=done)
    return redirect(campaign)


@require_POST
@rule_required("inspections.decide_redraw")
def redraw_decide(request, pk: int, request_pk: int):
    redraw = get_object_or_404(RedrawRequest, pk=request_pk, campaign_id=pk)
    form = forms.RedrawDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        run_action(
            request,
            lambda: draws.redraw_decide(
                actor=request.user, request=redraw, approve=approve, note=form.cleaned_data["note"]
            ),
            done=_("The re-draw is approved: the supervisor may publish a new commitment.")
            if approve
            else _("The re-draw is rejected."),
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(redraw.campaign)


@rule_required("inspections.plan_campaign")
def test_item_create(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk, status=CampaignStatus.DRAFT)
    form = forms.TestItemForm(request.POST or None, instance=TestItem(campaign=campaign))
    return form_page(
        request,
        form,
        title=_("Add a test item to %s") % campaign.title,
        save=lambda f: campaigns.test_item_save(actor=request.user, item=f.instance).campaign,
        back=campaign.get_absolute_url(),
        done=_("The test item was added."),
    )


@require_POST
@rule_required("inspections.plan_campaign")
def test_item_remove(request, pk: int, item_pk: int):
    item = get_object_or_404(TestItem, pk=item_pk, campaign_id=pk)
    run_action(
        request, lambda: campaigns.test_item_remove(actor=request.user, item=item), done=_("The test item was removed.")
    )
    return redirect("inspections:campaign", pk=pk)


@require_POST
@rule_required("inspections.plan_campaign")
def referral_add(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    form = forms.ReferralForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: campaigns.referral_add(
                actor=request.user,
                campaign=campaign,
                enterprise=form.cleaned_data["credit_code"],
                source=form.cleaned_data["source"],
                note=form.cleaned_data["note"],
            ),
            done=_("The enterprise is flagged for this campaign's draw."),
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(campaign)
