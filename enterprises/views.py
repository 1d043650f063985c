from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import rule_required
from core.pages import KeysFirstPaginator, form_page, paginate
from core.timeline import FILE_SECTIONS
from enterprises import forms, services
from enterprises.choices import ReportStatus, StandardKind
from enterprises.filtersets import EnterpriseFilterSet
from enterprises.models import (
    Enterprise,
    Interview,
    Licence,
    Penalty,
    Product,
    QualityStaff,
    SelfReport,
    SelfReportAttachment,
    Standard,
)
from enterprises.selectors import licence_worklist, missing_self_reports, pending_self_report, register_queryset
from enterprises.timeline import change_history, enterprise_timeline

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
    # The page's keys first, then its rows with their next expiry: a deep page skips rows without computing it.
    rows = filterset.qs.order_by(SORTS.get(sort, "name"), "pk")
    page, query = paginate(request, rows, paginator=KeysFirstPaginator)
    return render(
        request,
        "enterprises/enterprise_list.html",
        {"filterset": filterset, "page": page, "sort": sort, "query": query},
    )


def _file(request, pk: int, permission: str) -> Enterprise:
    """The enterprise if this user may see it (else 404, exactly as if it did not exist) and do `permission`."""
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(request.user).select_related("district", "area__officer", "industry"), pk=pk
    )
    if not request.user.has_perm(permission, enterprise):
        raise PermissionDenied
    return enterprise


@login_required
def enterprise_detail(request, pk: int):
    enterprise = _file(request, pk, "enterprises.view_enterprise")
    can = {
        name: request.user.has_perm(f"enterprises.{name}", enterprise)
        for name in (
            "edit_identity",
            "edit_contact",
            "manage_products",
            "manage_quality_staff",
            "file_standard",
            "record_licence",
            "record_sanction",
            "submit_self_report",
            "view_history",
        )
    }
    context = {
        "enterprise": enterprise,
        "can": can,
        "licences": Licence.objects.filter(enterprise=enterprise),
        "products": Product.objects.filter(enterprise=enterprise).prefetch_related("standards"),
        "staff": enterprise.quality_staff.all(),
        "own_standards": enterprise.own_standards.all(),
        "reports": SelfReport.objects.filter(enterprise=enterprise),
        "penalties": Penalty.objects.filter(enterprise=enterprise),
        "interviews": Interview.objects.filter(enterprise=enterprise),
        "timeline": enterprise_timeline(enterprise, user=request.user),
        "sections": [section for build in FILE_SECTIONS if (section := build(request.user, enterprise))],
        "history": change_history(enterprise) if can["view_history"] else [],
    }
    return render(request, "enterprises/enterprise_detail.html", context)


@rule_required("enterprises.view_own_file")
def own_enterprise(request):
    return redirect("enterprises:detail", pk=request.user.enterprise_id)


@rule_required("enterprises.create_enterprise")
def enterprise_create(request):
    form = forms.EnterpriseForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("New enterprise file"),
        save=lambda f: services.record_save(f.instance, actor=request.user),
        back=reverse("enterprises:list"),
        done=_("The enterprise file was created."),
    )


@login_required
def enterprise_edit(request, pk: int):
    enterprise = _file(request, pk, "enterprises.edit_contact")
    form_class = forms.EnterpriseForm if request.user.has_perm("enterprises.edit_identity", enterprise) else None
    form = (form_class or forms.ContactForm)(request.POST or None, instance=enterprise)
    return form_page(
        request,
        form,
        title=_("Edit %s") % enterprise.name,
        save=lambda f: services.record_save(f.instance, actor=request.user),
        back=enterprise.get_absolute_url(),
        done=_("The changes were saved."),
    )


@login_required
def product_edit(request, pk: int, product_pk: int | None = None):
    enterprise = _file(request, pk, "enterprises.manage_products")
    product = get_object_or_404(Product, pk=product_pk, enterprise=enterprise) if product_pk else None
    form = forms.ProductForm(
        request.POST or None, instance=product or Product(enterprise=enterprise), enterprise=enterprise
    )
    return form_page(
        request,
        form,
        title=_("Product") if product else _("New product"),
        save=lambda f: (
            services.product_save(
                actor=request.user, product=f.instance, standards=f.cleaned_data["standards"]
            ).enterprise
        ),
        back=enterprise.get_absolute_url(),
        done=_("The product was saved."),
    )


@require_POST
@login_required
def product_discontinue(request, pk: int, product_pk: int):
    enterprise = _file(request, pk, "enterprises.manage_products")
    product = get_object_or_404(Product, pk=product_pk, enterprise=enterprise, discontinued_on__isnull=True)
    services.product_discontinue(actor=request.user, product=product, on=timezone.localdate())
    messages.success(request, _("%s is marked as discontinued.") % product.name)
    return redirect(enterprise)


def _record_page(request, pk: int, *, permission: str, form_class, model, record_pk=None, titles, done, **new):
    """Create or edit one record that belongs to an enterprise file (licence, staff member, penalty, ...)."""
    enterprise = _file(request, pk, permission)
    record = get_object_or_404(model, pk=record_pk, enterprise=enterprise) if record_pk else None
    form = form_class(request.POST or None, instance=record or model(enterprise=enterprise, **new))
    return form_page(
        request,
        form,
        title=titles[1] if record else titles[0],
        save=lambda f: services.record_save(f.instance, actor=request.user).enterprise,
        back=enterprise.get_absolute_url(),
        done=done,
    )


@login_required
def quality_staff_edit(request, pk: int, member_pk: int | None = None):
    return _record_page(
        request,
        pk,
        permission="enterprises.manage_quality_staff",
        form_class=forms.QualityStaffForm,
        model=QualityStaff,
        record_pk=member_pk,
        titles=(_("New quality staff member"), _("Quality staff member")),
        done=_("The quality staff member was saved."),
    )


@login_required
def standard_file(request, pk: int):
    enterprise = _file(request, pk, "enterprises.file_standard")
    form = forms.OwnStandardForm(
        request.POST or None, instance=Standard(kind=StandardKind.ENTERPRISE, owner=enterprise)
    )
    return form_page(
        request,
        form,
        title=_("Declare an enterprise standard"),
        save=lambda f: services.record_save(f.instance, actor=request.user).owner,
        back=enterprise.get_absolute_url(),
        done=_("The enterprise standard is on file; products can now follow it."),
    )


@login_required
def licence_edit(request, pk: int, licence_pk: int | None = None):
    return _record_page(
        request,
        pk,
        permission="enterprises.record_licence",
        form_class=forms.LicenceForm,
        model=Licence,
        record_pk=licence_pk,
        titles=(_("New licence or certificate"), _("Licence")),
        done=_("The licence was saved."),
    )


@login_required
def licence_revoke(request, pk: int, licence_pk: int):
    enterprise = _file(request, pk, "enterprises.record_licence")
    licence = get_object_or_404(Licence, pk=licence_pk, enterprise=enterprise, revoked_on__isnull=True)
    form = forms.LicenceRevocationForm(request.POST or None, initial={"revoked_on": timezone.localdate()})
    return form_page(
        request,
        form,
        title=_("Revoke %s") % licence,
        save=lambda f: (
            services.licence_revoke(
                actor=request.user,
                licence=licence,
                on=f.cleaned_data["revoked_on"],
                reason=f.cleaned_data["revocation_reason"],
            ).enterprise
        ),
        back=enterprise.get_absolute_url(),
        done=_("The licence is marked revoked; it stays on file with the reason."),
    )


@login_required
def penalty_create(request, pk: int):
    title = _("Record an administrative penalty")
    return _record_page(
        request,
        pk,
        permission="enterprises.record_sanction",
        form_class=forms.PenaltyForm,
        model=Penalty,
        titles=(title, title),
        done=_("Penalty recorded."),
        recorded_by=request.user,
    )


@login_required
def interview_create(request, pk: int):
    title = _("Record an administrative interview")
    return _record_page(
        request,
        pk,
        permission="enterprises.record_sanction",
        form_class=forms.InterviewForm,
        model=Interview,
        titles=(title, title),
        done=_("Interview recorded."),
        recorded_by=request.user,
    )


SANCTIONS = {"penalty": Penalty, "interview": Interview}


@require_POST
@login_required
def sanction_void(request, pk: int, kind: str, record_pk: int):
    enterprise = _file(request, pk, "enterprises.record_sanction")
    if kind not in SANCTIONS:
        raise Http404
    record = get_object_or_404(SANCTIONS[kind], pk=record_pk, enterprise=enterprise)
    try:
        services.record_void(actor=request.user, record=record, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The record was voided; it stays on file with the reason."))
    return redirect(enterprise)


@login_required
def self_report_submit(request, pk: int, report_pk: int | None = None):
    enterprise = _file(request, pk, "enterprises.submit_self_report")
    returned = (
        get_object_or_404(SelfReport, pk=report_pk, enterprise=enterprise, status=ReportStatus.RETURNED)
        if report_pk
        else None
    )
    pending = None if returned else pending_self_report(enterprise, today=timezone.localdate())
    form = forms.SelfReportForm(
        request.POST or None,
        request.FILES or None,
        instance=returned or SelfReport(enterprise=enterprise),
        initial={"year": pending[0], "quarter": pending[1]} if pending else None,
        resubmission=returned is not None,
    )
    return form_page(
        request,
        form,
        title=_("Resubmit the self-inspection report") if returned else _("Submit a quality self-inspection report"),
        save=lambda f: services.self_report_submit(
            actor=request.user, enterprise=enterprise, values=f.report_values(), files=f.cleaned_data["attachments"]
        ),
        back=enterprise.get_absolute_url(),
        done=_("The report was submitted. The bureau will review it."),
        multipart=True,
    )


@login_required
def self_report_detail(request, pk: int, report_pk: int):
    enterprise = _file(request, pk, "enterprises.view_enterprise")
    report = get_object_or_404(
        SelfReport.objects.select_related("submitted_by", "reviewed_by").prefetch_related("attachments"),
        pk=report_pk,
        enterprise=enterprise,
    )
    can_review = request.user.has_perm("enterprises.review_self_report") and report.status == ReportStatus.SUBMITTED
    form = forms.ReviewForm(request.POST or None) if can_review else None
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        if form.is_valid():
            services.self_report_review(
                actor=request.user,
                report=report,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("The review was recorded."))
            return redirect(report)
    can_resubmit = (
        request.user.has_perm("enterprises.submit_self_report", enterprise) and report.status == ReportStatus.RETURNED
    )
    return render(
        request,
        "enterprises/self_report_detail.html",
        {"enterprise": enterprise, "report": report, "form": form, "can_resubmit": can_resubmit},
    )


@login_required
def attachment_download(request, pk: int, report_pk: int, attachment_pk: int):
    """Attachments are served only through this check, never from a public media URL."""
    enterprise = _file(request, pk, "enterprises.view_enterprise")
    attachment = get_object_or_404(
        SelfReportAttachment, pk=attachment_pk, report_id=report_pk, report__enterprise=enterprise
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@rule_required("enterprises.view_worklist")
def licence_worklist_view(request):
    mine = request.GET.get("mine") == "1"
    page, query = paginate(request, licence_worklist(officer=request.user if mine else None))
    return render(request, "enterprises/licence_worklist.html", {"page": page, "query": query, "mine": mine})


@rule_required("enterprises.review_self_report")
def self_report_queue(request):
    """Submitted reports awaiting review or, with ?view=missing, the enterprises whose report is overdue."""
    year, quarter, due_on, missing = missing_self_reports(today=timezone.localdate())
    show_missing = request.GET.get("view") == "missing"
    if show_missing:
        rows = missing
    else:
        rows = SelfReport.objects.filter(status=ReportStatus.SUBMITTED).select_related("enterprise")
        rows = rows.order_by("submitted_at", "pk")
    page, query = paginate(request, rows)
    context = {
        "page": page,
        "query": query,
        "show_missing": show_missing,
        "missing_count": missing.count(),
        "period": {"year": year, "quarter": quarter, "due_on": due_on},
    }
    return render(request, "enterprises/self_report_queue.html", context)
