"""Early warnings to acknowledge, and the runs of the recalculation."""

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import rule_required
from core.models import JobRun
from core.pages import form_page, paginate
from core.tasks import QueueUnavailable, enqueue
from credit import forms, services
from credit.choices import GradeCause, WarningKind, WarningStatus
from credit.filtersets import RiskWarningFilterSet
from credit.models import RiskWarning
from credit.tasks import recalculate_all_task

OPEN_FIRST = Case(When(status=WarningStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())


@rule_required("credit.view_warnings")
def warning_list(request):
    rows = RiskWarning.objects.select_related("enterprise", "industry", "district", "acknowledged_by")
    show = request.GET.get("show", WarningStatus.OPEN)
    kind = request.GET.get("kind", "")
    # The page names the status `show` and opens on the open ones; an unknown value is ignored.
    filterset = RiskWarningFilterSet({**request.GET.dict(), "status": show}, queryset=rows)
    rows = filterset.qs
    page, query = paginate(request, rows.order_by(OPEN_FIRST, "-raised_at", "-pk"))
    context = {
        "page": page,
        "query": query,
        "show": show,
        "kind": kind,
        "kinds": WarningKind.choices,
        "can_acknowledge": request.user.has_perm("credit.acknowledge_warning"),
    }
    return render(request, "credit/warning_list.html", context)


def _subject(warning: RiskWarning) -> str:
    if warning.enterprise_id:
        return warning.enterprise.name
    return f"{warning.industry.name if warning.industry_id else '—'} · {warning.district}"


@rule_required("credit.acknowledge_warning")
def warning_acknowledge(request, pk: int):
    warning = get_object_or_404(RiskWarning.objects.select_related("enterprise", "industry", "district"), pk=pk)
    facts = [
        (_("Kind"), warning.get_kind_display()),
        (_("Subject"), _subject(warning)),
        (_("Value"), f"{warning.value:g}"),
        (_("Previous or baseline value"), f"{warning.previous_value:g}"),
        (_("Raised at"), date_format(timezone.localtime(warning.raised_at), "Y-m-d H:i")),
        (_("Status"), warning.get_status_display()),
    ]
    return form_page(
        request,
        forms.NoteForm(request.POST or None),
        title=_("Acknowledge the warning"),
        save=lambda f: services.warning_acknowledge(actor=request.user, warning=warning, note=f.cleaned_data["note"]),
        back=reverse("credit:warnings"),
        done=_("The warning is acknowledged."),
        facts=facts,
    )


@rule_required("credit.view_runs")
def run_list(request):
    page, query = paginate(request, JobRun.objects.filter(name__startswith="credit."))
    context = {"page": page, "query": query, "can_run": request.user.has_perm("credit.recalculate")}
    return render(request, "credit/run_list.html", context)


def running_message(run: JobRun | None) -> str:
    """What a refused full run says: which run is under way, since when, on which worker."""
    if run is None:
        return _("A full recalculation is already running.")
    return _("A full recalculation is already running: %(job)s, started %(started)s on %(worker)s.") % {
        "job": run.name,
        "started": date_format(timezone.localtime(run.started_at), "Y-m-d H:i:s"),
        "worker": run.worker or "—",
    }


@require_POST
@rule_required("credit.recalculate")
def run_now(request):
    """Queue a full recalculation; its run appears in the list when a worker takes it. Refused at once while one
    is under way; with the broker down the answer comes within two seconds."""
    running = services.full_run_in_progress()
    if running is not None:
        messages.error(request, running_message(running))
        return redirect("credit:runs")
    try:
        enqueue(recalculate_all_task, cause=GradeCause.MANUAL.value)
    except QueueUnavailable:
        messages.error(request, _("The task queue cannot be reached; try again in a moment."))
    except services.RecalculationRunning as exc:  # in process (no broker), the run itself refuses
        messages.error(request, running_message(exc.run))
    else:
        messages.success(request, _("A full recalculation is queued."))
    return redirect("credit:runs")
