"""Overrides: a supervisor requests a grade by hand, another leader approves or rejects it, staff end it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.decorators import rule_required
from core.pages import form_page, paginate, submit
from credit import forms, services
from credit.choices import OverrideStatus
from credit.models import CreditGrade, GradeOverride
from credit.views.common import enterprise_for

# Pending requests first (they wait for someone), then those in force, then the rest.
STATUS_ORDER = Case(
    When(status=OverrideStatus.PENDING, then=Value(0)),
    When(status=OverrideStatus.APPROVED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@login_required
def override_request(request, pk: int):
    enterprise = enterprise_for(request, pk, "credit.request_override")
    grade = CreditGrade.objects.filter(enterprise=enterprise).first()
    form = forms.OverrideRequestForm(request.POST or None)
    facts = [(_("Enterprise"), enterprise.name)]
    if grade:
        facts += [
            (_("Grade in force"), grade.get_grade_display()),
            (_("Computed grade"), grade.get_computed_grade_display()),
            (_("Score"), f"{grade.score:g}"),
        ]
    return form_page(
        request,
        form,
        title=_("Request a grade override"),
        save=lambda f: services.override_request(actor=request.user, enterprise=enterprise, **f.cleaned_data),
        back=enterprise.get_absolute_url(),
        done=_("The override is requested. Another leader must approve it before it applies."),
        facts=facts,
    )


@rule_required("credit.view_grades")
def override_list(request):
    rows = GradeOverride.objects.visible_to(request.user).select_related("enterprise", "requested_by", "decided_by")
    page, query = paginate(request, rows.order_by(STATUS_ORDER, "-requested_at", "-pk"))
    return render(request, "credit/override_list.html", {"page": page, "query": query})


@rule_required("credit.view_grades")
def override_detail(request, pk: int):
    override = get_object_or_404(
        GradeOverride.objects.visible_to(request.user).select_related("enterprise", "requested_by", "decided_by"),
        pk=pk,
    )
    user = request.user
    live = override.status in (OverrideStatus.PENDING, OverrideStatus.APPROVED)
    decide_form = forms.DecisionForm(prefix="decide")
    end_form = forms.EndOverrideForm(prefix="end")
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "decide":
        decide_form = forms.DecisionForm(request.POST, prefix="decide")
        if submit(
            decide_form,
            lambda f: services.override_decide(
                actor=user, override=override, approve=f.approve, note=f.cleaned_data["note"]
            ),
        ):
            approved = decide_form.approve
            messages.success(request, _("The override is approved and applies now.") if approved else _("Rejected."))
            return redirect(override)
    elif action == "end":
        end_form = forms.EndOverrideForm(request.POST, prefix="end")
        if submit(
            end_form, lambda f: services.override_end(actor=user, override=override, reason=f.cleaned_data["reason"])
        ):
            messages.success(request, _("The override has ended; the computed grade applies again."))
            return redirect(override)
    elif request.method == "POST":
        return redirect(override)
    context = {
        "override": override,
        "grade": CreditGrade.objects.filter(enterprise_id=override.enterprise_id).first(),
        "can_decide": override.status == OverrideStatus.PENDING and user.has_perm("credit.approve_override", override),
        "own_request": override.requested_by_id == user.pk,
        "can_end": live and user.has_perm("credit.end_override", override),
        "decide_form": decide_form,
        "end_form": end_form,
    }
    return render(request, "credit/override_detail.html", context)
