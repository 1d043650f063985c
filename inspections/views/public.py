"""What anyone may read without logging in: published results, public notices and every draw's verification."""

import json
from pathlib import Path

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from core.decorators import rule_required
from core.pages import paginate
from inspections import draw as algorithm
from inspections.choices import DrawStatus, FollowUpOutcome
from inspections.models import Draw, FollowUp
from inspections.selectors import own_draw_memberships, public_campaigns, published_results


def campaign_index(request):
    page, query = paginate(request, public_campaigns())
    return render(request, "inspections/public/campaign_list.html", {"page": page, "query": query})


def campaign_results(request, pk: int):
    campaign = get_object_or_404(public_campaigns(), pk=pk)
    rows = published_results(campaign)
    search = request.GET.get("q", "").strip()
    if search:
        rows = rows.filter(Q(enterprise_name__contains_text=search) | Q(product_name__contains_text=search))
    verdict = request.GET.get("verdict", "")
    if verdict:
        rows = rows.filter(verdict=verdict)
    page, query = paginate(request, rows)
    notices = FollowUp.objects.filter(task__campaign=campaign, notice_on__isnull=False).exclude(
        outcome=FollowUpOutcome.OVERTURNED  # a re-test found the product conforming after all
    )
    context = {
        "campaign": campaign,
        "page": page,
        "query": query,
        "search": search,
        "verdict": verdict,
        "notices": notices.select_related("enterprise"),
        "draws": campaign.draws.defer("inputs", "result", "seed", "assignments", "drawn", "pseudonym_key"),
    }
    return render(request, "inspections/public/campaign_results.html", context)


def _draw(pk: int) -> Draw:
    return get_object_or_404(Draw.objects.select_related("campaign"), pk=pk)


def draw_detail(request, pk: int):
    """A draw's public page: its commitment, the size and batches of each stratum (never who is in which), every
    attempt of the campaign (failed ones with their reason) and, once revealed, the verification."""
    draw = _draw(pk)
    revealed = draw.is_revealed and draw.status != DrawStatus.FAILED
    verification = algorithm.verify(draw.verification_bundle()) if revealed else None
    drawn = (draw.drawn or {}).get("enterprises") or (draw.result or {}).get("enterprises") or []
    strata = [{"name": name, **draw.strata[name]} for name in algorithm.STRATA if name in (draw.strata or {})]
    attempts = draw.campaign.draws.only("pk", "number", "status", "committed_at", "failure", "reason", "campaign")
    context = {
        "draw": draw,
        "verification": verification,
        "revealed": revealed,
        "drawn_count": len(drawn) if revealed else 0,
        "strata": strata,
        "attempts": attempts,
    }
    return render(request, "inspections/public/draw_detail.html", context)


@rule_required("inspections.view_own_draws")
def my_draws(request):
    """An enterprise's own place in each draw's pool, once the draw is made: its opening and pseudonym, to find in
    the published bundle, and its stratum. Nobody else's."""
    memberships = own_draw_memberships(request.user)
    return render(request, "inspections/my_draws.html", {"memberships": memberships})


def draw_algorithm(request):
    """The draw algorithm's source, one file needing nothing but Python 3: `python qs_draw.py draw-N.json`."""
    response = HttpResponse(Path(algorithm.__file__).read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="qs_draw.py"'
    return response


def draw_bundle(request, pk: int):
    """The draw's inputs (and, once drawn, seed and result) as one JSON file, to verify with any Python."""
    draw = _draw(pk)
    body = json.dumps(draw.verification_bundle(), ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}.json"'
    return response
