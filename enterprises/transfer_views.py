"""Thin views for bulk import and export of the register; the work is done in importing.py and exporting.py."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from core.decorators import rule_required
from enterprises import exporting, importing
from enterprises.filtersets import EnterpriseFilterSet
from enterprises.selectors import register_queryset
from enterprises.transfer_forms import RegisterImportForm
from enterprises.views import SORTS

# A file full of mistakes could list 100 000 errors; the first few hundred are enough to start fixing it.
ERRORS_SHOWN = 500


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exporting.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@rule_required("enterprises.import_register")
@require_http_methods(["GET", "POST"])
def register_import(request):
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        try:
            result = importing.register_import(
                upload, filename=upload.name, kind=kind, user=request.user, dry_run=form.cleaned_data["dry_run"]
            )
        except importing.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            if result.written:
                messages.success(request, _imported_message(kind, result.written))
                return redirect("enterprises:list")
            if result.is_valid:
                # The browser cannot keep the chosen file: offer the same import for real, to choose it again.
                form = RegisterImportForm(initial={"kind": kind, "dry_run": False})
    return render(
        request,
        "enterprises/import.html",
        {
            "form": form,
            "result": result,
            "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
            "kinds": [
                (kind, label, importing.COLUMNS[kind], reverse("enterprises:import_template", args=[kind]))
                for kind, label in importing.ImportKind.choices
            ],
        },
    )


def _imported_message(kind: str, count: int) -> str:
    if kind == importing.ImportKind.LICENCES:
        return ngettext("Imported %(count)d licence.", "Imported %(count)d licences.", count) % {"count": count}
    return ngettext("Imported %(count)d enterprise.", "Imported %(count)d enterprises.", count) % {"count": count}


@rule_required("enterprises.import_register")
@require_GET
def import_template(request, kind: str):
    if kind not in importing.ImportKind.values:
        raise Http404
    filename = f"{exporting.TEMPLATE_SHEET_TITLES[kind]}导入模板.xlsx"
    return _xlsx_response(exporting.import_template(kind), filename)


@rule_required("enterprises.export_register")
@require_GET
def register_export(request):
    filterset = EnterpriseFilterSet(request.GET or None, queryset=register_queryset(request.user))
    if filterset.is_bound and not filterset.is_valid():
        # Exporting while ignoring a filter the user set would hand out more than they asked for.
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('enterprises:list')}?{request.GET.urlencode()}")
    enterprises = filterset.qs.order_by(SORTS.get(request.GET.get("sort", "name"), "name"), "pk")
    filename = f"企业档案-{timezone.localdate():%Y%m%d}.xlsx"
    return _xlsx_response(exporting.register_export(enterprises), filename)
