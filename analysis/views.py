"""The leaders' dashboard: the page, its .xlsx export, rebuilding its result summary on demand, and the quarterly
or yearly quality analysis report as a PDF."""

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from analysis import exporting, selectors
from analysis import report as report_module
from analysis.forms import DashboardFilterForm
from analysis.report import ReportForm
from analysis.tasks import refresh_result_summary_task
from core.decorators import rule_required
from core.tasks import QueueUnavailable, enqueue

FILTER_PARAMETERS = ("start", "end", "district")


def _dashboard(request) -> tuple[DashboardFilterForm, selectors.Dashboard]:
    now = timezone.now()
    form = DashboardFilterForm(request.GET or None, today=timezone.localdate(now))
    return form, selectors.dashboard(form.filters(), now=now)


@rule_required("analysis.view_dashboard")
@require_GET
def dashboard(request):
    form, board = _dashboard(request)
    context = {
        "form": form,
        "dashboard": board,
        "charts": board.chart_data(),
        "query": request.GET.urlencode(),
        "can_refresh": request.user.has_perm("analysis.refresh_dashboard"),
    }
    return render(request, "analysis/dashboard.html", context)


@rule_required("analysis.view_dashboard")
@require_GET
def dashboard_export(request):
    """Every table of the dashboard, with the same filters, as an .xlsx workbook."""
    form, board = _dashboard(request)
    if form.errors:
        # A file that silently ignored a filter would not say what the page said.
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('analysis:dashboard')}?{request.GET.urlencode()}")
    filters = board.filters
    district = f"-{filters.district.name}" if filters.district else ""
    filename = f"质量监管看板-{filters.start}-{filters.end}{district}.xlsx"
    response = HttpResponse(exporting.dashboard_export(board), content_type=exporting.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@require_POST
@rule_required("analysis.refresh_dashboard")
def dashboard_refresh(request):
    """Queue a rebuild of the result summary now, rather than waiting for the scheduled one."""
    try:
        enqueue(refresh_result_summary_task)
    except QueueUnavailable:
        messages.error(request, _("The task queue cannot be reached; try again in a moment."))
    else:
        messages.success(request, _("The spot-check figures are being recomputed; they show here when done."))
    # Back to the same filters (only the dashboard's own parameters are carried over).
    sent = QueryDict(request.POST.get("query", ""))
    query = urlencode({key: sent[key] for key in FILTER_PARAMETERS if sent.get(key)})
    return redirect(f"{reverse('analysis:dashboard')}?{query}" if query else reverse("analysis:dashboard"))


# The quality analysis report


def _report_form_page(request, form: ReportForm):
    return render(request, "analysis/report_form.html", {"form": form})


@rule_required("analysis.view_dashboard")
@require_GET
def report(request):
    """Choose the period (a quarter or a year) and the district of the quality analysis report."""
    return _report_form_page(request, ReportForm(today=timezone.localdate()))


@rule_required("analysis.view_dashboard")
@require_GET
def report_pdf(request):
    """The quality analysis report (质量状况分析报告) for the period chosen, as a PDF; the form again when the choice
    is not valid."""
    form = ReportForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return _report_form_page(request, form)
    quality_report = report_module.quality_report(form.cleaned_data["period"], form.cleaned_data["district"])
    response = HttpResponse(report_module.report_pdf(quality_report), content_type="application/pdf")
    filename = report_module.report_filename(quality_report)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
