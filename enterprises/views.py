from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render

from core.decorators import rule_required
from enterprises.filtersets import EnterpriseFilterSet
from enterprises.models import Enterprise, Licence
from enterprises.selectors import register_queryset

PAGE_SIZE = 50
SORTS = {
    "name": "name",
    "-name": "-name",
    "code": "credit_code",
    "-code": "-credit_code",
    "expiry": F("next_expiry").asc(nulls_last=True),
    "-expiry": F("next_expiry").desc(nulls_last=True),
}


@rule_required("enterprises.view_register")
def enterprise_list(request):
    filterset = EnterpriseFilterSet(request.GET or None, queryset=register_queryset(request.user))
    sort = request.GET.get("sort", "name")
    rows = filterset.qs.order_by(SORTS.get(sort, "name"), "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    return render(
        request,
        "enterprises/enterprise_list.html",
        {"filterset": filterset, "page": page, "sort": sort, "query": query.urlencode()},
    )


def _enterprise_for(request, pk: int) -> Enterprise:
    # Same 404 for "missing" and "not yours": the queryset holds only what the user may see.
    return get_object_or_404(
        Enterprise.objects.visible_to(request.user).select_related("district", "area__officer", "industry"), pk=pk
    )


@login_required
def enterprise_detail(request, pk: int):
    enterprise = _enterprise_for(request, pk)
    if not request.user.has_perm("enterprises.view_enterprise", enterprise):
        raise PermissionDenied
    licences = Licence.objects.filter(enterprise=enterprise).order_by("expires_on", "pk")
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {"enterprise": enterprise, "licences": licences},
    )


@rule_required("enterprises.view_own_file")
def own_enterprise(request):
    return redirect("enterprises:detail", pk=request.user.enterprise_id)
