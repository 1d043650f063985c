"""The equipment pages: the register with its filters, worklists and export; a unit's page where the using unit
applies for registration and staff decide it, record inspections and change the status; the import; the queue of
applications; and the public status page of a registered unit by its registration number (no login). A unit a
user may not see is a 404, as if it did not exist."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decorators import rule_required
from core.pages import form_page, paginate, submit
from equipment import forms, selectors, services
from equipment.choices import RegistrationStatus, UnitStatus
from equipment.exporting import XLSX_CONTENT_TYPE, import_template, units_export
from equipment.filtersets import UnitFilterSet
from equipment.importing import COLUMNS, ImportFileError, ImportKind, equipment_import

WORKLIST_SHOWN = 20
IMPORT_ERRORS_SHOWN = 200


@rule_required("equipment.list")
def unit_list(request):
    user = request.user
    units = selectors.units_visible_to(user).order_by("equipment_code", "pk")
    filters = UnitFilterSet(request.GET or None, queryset=units)
    page, query = paginate(request, filters.qs)
    today = timezone.localdate()
    due = selectors.inspection_worklist(user=user, today=today)
    context = {
        "page": page,
        "query": query,
        "filters": filters,
        "today": today,
        "due": list(due[:WORKLIST_SHOWN]),
        "due_count": due.count(),
        "unregistered_count": selectors.unregistered_worklist(user=user, today=today).count(),
        "pending_count": selectors.registrations_pending(user=user).count(),
    }
    return render(request, "equipment/unit_list.html", context)


@rule_required("equipment.list")
def unit_export(request):
    filters = UnitFilterSet(request.GET or None, queryset=selectors.units_visible_to(request.user))
    if filters.is_bound and not filters.is_valid():
        return redirect(f"{reverse('equipment:list')}?{request.GET.urlencode()}")
    response = HttpResponse(units_export(filters.qs), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="equipment-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@rule_required("equipment.add_unit")
def unit_new(request):
    staff = request.user.has_perm("equipment.manage")
    form = forms.UnitForm(request.POST or None, staff=staff)
    return form_page(
        request,
        form,
        title=_("Enter a unit of special equipment"),
        save=lambda f: services.unit_register(actor=request.user, values=f.values()),
        back=reverse("equipment:list"),
        done=_("The unit is on the register."),
    )


def _can(user, unit) -> dict[str, bool]:
    manage = user.has_perm("equipment.manage")
    live = unit.status in (UnitStatus.IN_USE, UnitStatus.STOPPED)
    pending = next((r for r in unit.registration_list if r.status == RegistrationStatus.APPLIED), None)
    return {
        "apply": live and not unit.registration_number and pending is None and user.has_perm("equipment.apply", unit),
        "accept": manage and pending is not None,
        "return": manage and pending is not None,
        "inspection": manage and live,
        "status": manage and live,
    }


DONE = {
    "apply": lambda: _("The application for registration is filed."),
    "accept": lambda: _("Registered: the certificate number is on the unit."),
    "return": lambda: _("The application is returned with the reason."),
    "inspection": lambda: _("The inspection is recorded."),
    "status": lambda: _("The status is changed."),
}


@rule_required("equipment.list")
def unit_detail(request, pk: int):
    user = request.user
    unit = selectors.unit_visible_or_404(user, pk)
    unit.registration_list = list(selectors.unit_registrations(unit))
    can = _can(user, unit)
    posted = request.POST if request.method == "POST" else None
    action = posted.get("action") if posted else None
    if posted is not None and action not in can:
        return redirect(unit)
    if action and not can[action]:
        raise PermissionDenied
    pending = next((r for r in unit.registration_list if r.status == RegistrationStatus.APPLIED), None)
    apply_form = forms.ApplyForm(posted if action == "apply" else None, prefix="apply")
    accept_form = forms.AcceptForm(posted if action == "accept" else None, prefix="accept")
    return_form = forms.ReturnForm(posted if action == "return" else None, prefix="return")
    inspection_form = forms.InspectionForm(posted if action == "inspection" else None, prefix="inspection")
    status_form = forms.StatusForm(posted if action == "status" else None, prefix="status")
    calls = {
        "apply": (apply_form, lambda f: services.registration_apply(actor=user, unit=unit, **f.cleaned_data)),
        "accept": (
            accept_form,
            lambda f: services.registration_accept(actor=user, registration=pending, **f.cleaned_data),
        ),
        "return": (
            return_form,
            lambda f: services.registration_return(actor=user, registration=pending, **f.cleaned_data),
        ),
        "inspection": (inspection_form, lambda f: services.inspection_record(actor=user, unit=unit, **f.cleaned_data)),
        "status": (status_form, lambda f: services.unit_status_set(actor=user, unit=unit, **f.cleaned_data)),
    }
    if action:
        form, call = calls[action]
        if submit(form, call):
            messages.success(request, DONE[action]())
            return redirect(unit)
    context = {
        "unit": unit,
        "today": timezone.localdate(),
        "must_not_be_used": unit.must_not_be_used(),
        "lacks_operator": selectors.unit_lacks_certified_operator(unit),
        "registrations": unit.registration_list,
        "pending": pending,
        "inspections": list(selectors.unit_inspections(unit)),
        "can": can,
        "action": action,
        "apply_form": apply_form,
        "accept_form": accept_form,
        "return_form": return_form,
        "inspection_form": inspection_form,
        "status_form": status_form,
        "changes": unit.history.select_related("history_user").order_by("-history_date")[:20],
    }
    return render(request, "equipment/unit_detail.html", context)


@rule_required("equipment.list")
def operator_list(request):
    """The operators and their certificates this user may see, and the form to add one (a using unit its own)."""
    user = request.user
    can_add = user.has_perm("equipment.keep_operators")
    form = forms.OperatorForm(request.POST or None, staff=user.has_perm("equipment.manage"))
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if submit(form, lambda f: services.operator_record(actor=user, values=f.cleaned_data)):
            messages.success(request, _("The operator is recorded."))
            return redirect("equipment:operators")
    operators = selectors.operators_visible_to(user).order_by("using_unit__name", "name", "pk")
    page, query = paginate(request, operators)
    context = {"page": page, "query": query, "form": form, "can_add": can_add, "today": timezone.localdate()}
    return render(request, "equipment/operator_list.html", context)


@rule_required("equipment.manage")
def registration_queue(request):
    registrations = selectors.registrations_pending(user=request.user)
    page, query = paginate(request, registrations)
    return render(request, "equipment/registration_queue.html", {"page": page, "query": query})


@rule_required("equipment.import")
def import_view(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = equipment_import(
                upload,
                filename=upload.name,
                kind=form.cleaned_data["kind"],
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            if result.is_valid and not result.dry_run:
                messages.success(request, _("%(count)s rows imported.") % {"count": result.written})
                return redirect("equipment:list")
    kinds = [
        (kind, label, COLUMNS[kind], reverse("equipment:import_template", args=[kind]))
        for kind, label in ImportKind.choices
    ]
    context = {
        "form": form,
        "result": result,
        "errors_shown": result.errors[:IMPORT_ERRORS_SHOWN] if result else [],
        "kinds": kinds,
    }
    return render(request, "equipment/import.html", context)


@rule_required("equipment.import")
def import_template_view(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(import_template(kind), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="equipment-{kind}-template.xlsx"'
    return response


# Public: no login.


def public_lookup(request):
    form = forms.PublicLookupForm(request.GET or None)
    if form.is_valid():
        unit = selectors.unit_published(form.cleaned_data["number"])
        if unit is not None:
            return redirect("equipment:public_status", number=unit.registration_number)
        form.add_error("number", _("No registered unit has this number."))
    return render(request, "equipment/public_lookup.html", {"form": form})


def public_status(request, number: str):
    """A registered unit's inspection status, as the QR code on its certificate links to: what it is, where, its
    last inspection and next date, and "must not be used" when overdue or failed. Never the defects or people."""
    unit = selectors.unit_published(number)
    if unit is None:
        raise Http404
    context = {"unit": unit, "must_not_be_used": unit.must_not_be_used(), "today": timezone.localdate()}
    return render(request, "equipment/public_status.html", context)
