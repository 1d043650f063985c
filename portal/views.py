"""The public portal (no login): its home, the search over every published result, each enterprise's public page,
the dishonesty list, the honours in force and the list of draws. Each list filters with the FilterSet its
open-data API uses. Everything is read through portal.selectors, which hold what "published" means; an
enterprise with nothing published answers 404 like one that does not exist."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html_join

from brands.choices import ProgrammeKind
from core.audit import audit_heads_published
from core.pages import paginate
from inspections.choices import Verdict
from portal import selectors
from portal.filtersets import PublicBlacklistFilterSet, PublicHonourFilterSet, PublicResultFilterSet

LATEST = 5  # campaigns and draws on the home page


def home(request):
    today = timezone.localdate()
    context = {
        "campaigns": selectors.campaigns()[:LATEST],
        "draws": selectors.draws()[:LATEST],
        "result_count": selectors.published_results().count(),
        "listed_count": selectors.blacklist(today).count(),
        "honour_count": selectors.honours(today).count(),
        "verdicts": Verdict.choices,
        "audit_heads_public": settings.AUDIT_HEAD_PUBLIC,
    }
    return render(request, "portal/home.html", context)


def results(request):
    filters = PublicResultFilterSet(request.GET or None, queryset=selectors.result_rows())
    page, query = paginate(request, filters.qs)
    campaigns = list(selectors.result_campaigns())
    chosen = request.GET.get("campaign", "")
    context = {
        "filters": filters,  # an invalid filter (a year of letters) is ignored, with its error shown
        "params": request.GET,
        "page": page,
        "query": query,
        "verdicts": Verdict.choices,
        "campaigns": campaigns,
        # Hundreds of campaigns at a city's scale: their options are written here at once, not by a template loop.
        "campaign_options": format_html_join(
            "",
            '<option value="{}"{}>{} {}</option>',
            ((c.pk, " selected" if str(c.pk) == chosen else "", c.year, c.title) for c in campaigns),
        ),
        "years": sorted({campaign.year for campaign in campaigns}, reverse=True),
    }
    return render(request, "portal/results.html", context)


def enterprise(request, pk: int):
    try:
        profile = selectors.enterprise_profile(pk, today=timezone.localdate())
    except ObjectDoesNotExist:  # nothing about it is published
        raise Http404 from None
    page, query = paginate(request, profile.results)
    context = {"profile": profile, "enterprise": profile.enterprise, "page": page, "query": query}
    return render(request, "portal/enterprise.html", context)


def draws(request):
    page, query = paginate(request, selectors.draws())
    return render(request, "portal/draws.html", {"page": page, "query": query})


def blacklist(request):
    """The serious-dishonesty list: only entries in force and published, and only what the decision published; and
    the listings removed lately, with their removal date (DISHONESTY_LIST_REMOVED_SHOWN_DAYS)."""
    today = timezone.localdate()
    filters = PublicBlacklistFilterSet(request.GET or None, queryset=selectors.blacklist_rows(today))
    page, query = paginate(request, filters.qs)
    removed = selectors.blacklist_removed_rows(today)
    context = {"filters": filters, "params": request.GET, "page": page, "query": query, "removed": removed}
    return render(request, "portal/blacklist.html", context)


def honours(request):
    """Famous-brand products and quality awards in force (a revoked or expired honour is no longer listed)."""
    rows = selectors.honours(timezone.localdate())
    params = request.GET.copy()
    if "kind" in params and "programme_kind" not in params:  # the page's earlier name, still in links
        params["programme_kind"] = params.pop("kind")[-1]
    filters = PublicHonourFilterSet(params or None, queryset=rows)
    page, query = paginate(request, filters.qs)
    years = rows.order_by("-programme__year").values_list("programme__year", flat=True).distinct()
    context = {
        "filters": filters,  # an unknown programme or a year of letters is ignored
        "params": params,
        "page": page,
        "query": query,
        "kinds": ProgrammeKind.choices,
        "years": [str(year) for year in years],
    }
    return render(request, "portal/honours.html", context)


def audit_heads(request):
    """The audit log's daily heads, when the bureau publishes them (AUDIT_HEAD_PUBLIC): anyone who keeps a copy
    can later show that the log was rewritten, since a rewritten log no longer reaches a published head."""
    if not settings.AUDIT_HEAD_PUBLIC:
        raise Http404
    return render(request, "portal/audit_heads.html", {"heads": audit_heads_published()})
