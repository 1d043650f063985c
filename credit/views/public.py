"""The public dishonesty list: no login; only entries in force (an enterprise off the list after credit repair is
no longer shown, nor one whose publication date has not come), and only what the decision published."""

from django.shortcuts import render
from django.utils import timezone

from core.pages import paginate
from credit.models import BlacklistEntry


def public_blacklist(request):
    # A decision dated ahead is not published yet.
    rows = BlacklistEntry.objects.listed().filter(published_on__lte=timezone.localdate()).select_related("enterprise")
    search = request.GET.get("q", "").strip()
    rows = rows.search(search)
    page, query = paginate(
        request, rows.only("ground", "decision_number", "published_on", "enterprise__name", "enterprise__credit_code")
    )
    return render(request, "credit/public/blacklist.html", {"page": page, "query": query, "search": search})
