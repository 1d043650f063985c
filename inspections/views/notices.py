"""Service of notices (送达): the staff worklist of notices no enterprise user has opened, and recording a paper
delivery with the signed receipt's scan (core.notices). Opening a notice serves it: see the detail pages."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decorators import rule_required
from core.forms import PaperServiceForm
from core.notices import unopened
from core.pages import form_page
from credit.selectors import unopened_listing_notices
from inspections.choices import LabTestKind, LabTestStatus, TaskStatus, Verdict
from inspections.models import FollowUp, LabTest
from inspections.services import followups, testing


def unopened_results(today=None):
    """Nonconforming first results notified and still open, whose notice nobody at the enterprise has opened."""
    results = LabTest.objects.filter(
        status=LabTestStatus.NOTIFIED,
        kind=LabTestKind.INITIAL,
        verdict=Verdict.NONCONFORMING,
        task__status=TaskStatus.SAMPLED,
    ).select_related("task__enterprise", "task__campaign")
    return unopened(results, today=today).order_by("notified_at", "pk")


def unopened_orders(today=None):
    orders = FollowUp.objects.open().select_related("enterprise", "task__campaign")
    return unopened(orders, today=today).order_by("stop_sale_at", "pk")


@rule_required("inspections.review_results")
def notices_unopened(request):
    today = timezone.localdate()
    context = {
        "today": today,
        "days": settings.NOTICE_UNOPENED_ALERT_DAYS,
        "results": unopened_results(today),
        "orders": unopened_orders(today),
        "listings": unopened_listing_notices(today),
    }
    return render(request, "inspections/notices_unopened.html", context)


@rule_required("inspections.review_results")
def result_serve_on_paper(request, pk: int):
    lab_test = get_object_or_404(LabTest.objects.select_related("task__enterprise"), pk=pk)
    form = PaperServiceForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        title=_("Record a paper delivery of the result · %s") % lab_test.task.enterprise.name,
        save=lambda f: testing.result_serve_on_paper(
            actor=request.user,
            lab_test=lab_test,
            received_on=f.cleaned_data["received_on"],
            proof=f.cleaned_data["proof"],
        ),
        back=lab_test.get_absolute_url(),
        done=_("The paper delivery is recorded; the objection window runs from the receipt."),
        multipart=True,
    )


@rule_required("inspections.manage_follow_up")
def follow_up_serve_on_paper(request, pk: int):
    follow_up = get_object_or_404(FollowUp.objects.select_related("enterprise"), pk=pk)
    form = PaperServiceForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        title=_("Record a paper delivery of the rectification order · %s") % follow_up.enterprise.name,
        save=lambda f: followups.rectification_order_serve_on_paper(
            actor=request.user,
            follow_up=follow_up,
            received_on=f.cleaned_data["received_on"],
            proof=f.cleaned_data["proof"],
        ),
        back=follow_up.get_absolute_url(),
        done=_("The paper delivery is recorded; the rectification report is due counting from the receipt."),
        multipart=True,
    )
