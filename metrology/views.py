"""Metrology's pages: the instrument register with its due and overdue lists, an instrument's page (accept or return
its filing, record a verification, retire it), the institutions' import, the verification rates, and the public
status page by certificate number. "Not yours" answers 404 like "missing"."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import rule_required
from core.pages import add_model_errors, form_page, paginate, run_action
from metrology import forms, importing, selectors, services
from metrology.choices import DueState
from metrology.filtersets import InstrumentFilterSet


def _instrument(request, pk: int):
    return get_object_or_404(selectors.instruments_visible(request.user), pk=pk)


@rule_required("metrology.list")
def instrument_list(request):
    instruments = selectors.instruments_visible(request.user).order_by("next_due_on", "pk")
    filters = InstrumentFilterSet(request.GET or None, queryset=instruments)
    page, query = paginate(request, filters.qs)
    today = timezone.localdate()
    for instrument in page:
        instrument.flag_not_for_trade = instrument.not_for_trade_on(today)
        instrument.due_state = instrument.due_state_on(today, settings.METROLOGY_DUE_SOON_DAYS)
    counts = selectors.due_counts(instruments=selectors.instruments_visible(request.user), today=today)
    context = {"page": page, "query": query, "filters": filters, "counts": counts, "today": today}
    return render(request, "metrology/instrument_list.html", context)


@rule_required("metrology.view_all")
def due_overview(request):
    """Due within the reminder period and overdue, by district and category: counts linking to the lists."""
    today = timezone.localdate()
    rows = selectors.due_by_district_and_category(today=today)
    return render(request, "metrology/due.html", {"rows": rows, "days": settings.METROLOGY_DUE_SOON_DAYS})


@rule_required("metrology.view_all")
def rates(request):
    today = timezone.localdate()
    context = {
        "by_category": selectors.verification_rates(today=today, by=("category",)),
        "fuel_by_district": selectors.verification_rates(today=today, by=("district",), category_code="fuel_dispenser"),
        "rows": selectors.verification_rates(today=today),
        "today": today,
    }
    return render(request, "metrology/rates.html", context)


@rule_required("metrology.list")
def instrument_detail(request, pk: int):
    instrument = _instrument(request, pk)
    today = timezone.localdate()
    context = {
        "instrument": instrument,
        "not_for_trade": instrument.not_for_trade_on(today),
        "due_state": instrument.due_state_on(today, settings.METROLOGY_DUE_SOON_DAYS),
        "due_states": DueState,
        "verifications": selectors.verifications_of(instrument, request.user),
        "can_manage": request.user.has_perm("metrology.manage"),
        "can_edit": request.user.has_perm("metrology.edit_instrument", instrument),
        "verification_form": forms.VerificationForm(),
        "reason_form": forms.ReasonForm(),
    }
    return render(request, "metrology/instrument_detail.html", context)


@rule_required("metrology.file")
@require_http_methods(["GET", "POST"])
def instrument_new(request):
    staff = request.user.has_perm("metrology.manage")
    form = forms.InstrumentForm(request.POST or None, staff=staff)

    def save(form):
        return services.instrument_file(actor=request.user, **form.cleaned_data)

    return form_page(
        request,
        form,
        title=_("File an instrument (强检备案)"),
        save=save,
        back=reverse("metrology:instruments"),
        done=_("Instrument filed."),
    )


@rule_required("metrology.list")
@require_http_methods(["GET", "POST"])
def instrument_edit(request, pk: int):
    instrument = _instrument(request, pk)
    if not request.user.has_perm("metrology.edit_instrument", instrument):
        raise PermissionDenied
    fields = ("location", "maker", "model_name", "serial")
    form = forms.InstrumentEditForm(request.POST or None, initial={name: getattr(instrument, name) for name in fields})

    def save(form):
        return services.instrument_update(actor=request.user, instrument=instrument, **form.cleaned_data)

    return form_page(
        request,
        form,
        title=_("Correct the instrument"),
        save=save,
        back=instrument.get_absolute_url(),
        done=_("Saved."),
    )


@rule_required("metrology.manage")
@require_POST
def instrument_accept(request, pk: int):
    instrument = _instrument(request, pk)
    run_action(
        request,
        lambda: services.instrument_accept(actor=request.user, instrument=instrument),
        done=_("Filing accepted."),
    )
    return redirect(instrument)


def _reason_action(request, pk: int, call, done: str, field: str):
    instrument = _instrument(request, pk)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: call(actor=request.user, instrument=instrument, **{field: form.cleaned_data["reason"]}),
            done=done,
        )
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(instrument)


@rule_required("metrology.manage")
@require_POST
def instrument_return(request, pk: int):
    return _reason_action(request, pk, services.instrument_return, _("Filing returned for correction."), "comment")


@rule_required("metrology.manage")
@require_POST
def instrument_retire(request, pk: int):
    return _reason_action(request, pk, services.instrument_retire, _("Instrument retired."), "reason")


@rule_required("metrology.manage")
@require_POST
def instrument_used_after_failure(request, pk: int):
    return _reason_action(
        request, pk, services.instrument_record_used_after_failure, _("Use after failure recorded."), "note"
    )


@rule_required("metrology.manage")
@require_http_methods(["GET", "POST"])
def verification_new(request, pk: int):
    instrument = _instrument(request, pk)
    form = forms.VerificationForm(request.POST or None)

    def save(form):
        services.verification_record(actor=request.user, instrument=instrument, **form.cleaned_data)
        return instrument

    return form_page(
        request,
        form,
        title=_("Record a verification"),
        save=save,
        back=instrument.get_absolute_url(),
        done=_("Verification recorded."),
        facts=[(_("Instrument"), str(instrument)), (_("Owner"), instrument.owner_name)],
    )


@rule_required("metrology.manage")
@require_http_methods(["GET", "POST"])
def verification_import(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result, file_error = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.verification_import(
                actor=request.user, file=upload, filename=upload.name, dry_run=form.cleaned_data["dry_run"]
            )
        except importing.ImportFileError as error:
            file_error = error.message
        if result is not None and result.is_valid and not result.dry_run:
            messages.success(request, _("%(count)d verifications imported.") % {"count": result.written})
            return redirect("metrology:instruments")
    context = {
        "form": form,
        "result": result,
        "file_error": file_error,
        "columns": importing.COLUMNS,
        "required": importing.REQUIRED,
    }
    return render(request, "metrology/import.html", context)


@require_http_methods(["GET"])
def public_status(request):
    """The public's check of a certificate (the sticker on a fuel dispenser links here): no login."""
    form = forms.CertificateLookupForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("metrology:public_certificate", number=form.cleaned_data["number"].strip())
    return render(request, "metrology/public_status.html", {"form": form})


@require_http_methods(["GET"])
def public_certificate(request, number: str):
    instrument = selectors.instrument_by_certificate(number)
    today = timezone.localdate()
    context = {
        "number": number[:64],
        "instrument": instrument,
        "not_for_trade": instrument.not_for_trade_on(today) if instrument else None,
        "today": today,
    }
    return render(request, "metrology/public_certificate.html", context, status=200 if instrument else 404)


@rule_required("inspections.view_lab_worklist")
@require_http_methods(["GET", "POST"])
def net_content(request, lab_test_id: int):
    """The laboratory enters a sampled lot's net-content test (JJF 1070); the verdict is computed and submitted as
    the sample's result. The sampling plan for the lot size is shown as the lot size is known."""
    lab_test = get_object_or_404(selectors.lab_samples(request.user), pk=lab_test_id)
    form = forms.NetContentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            test = services.net_content_test_record(
                actor=request.user, lab_test_id=lab_test.pk, lot_size=data["lot_size"], nominal=data["nominal"],
                contents=data["contents"], quantity_kind=data["quantity_kind"],
            )  # fmt: skip
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("Lot passed.") if test.passed else _("Lot failed."))
            return redirect("inspections:lab")
    plans = selectors.net_content_plans()
    return render(request, "metrology/net_content.html", {"form": form, "lab_test": lab_test, "plans": plans})
