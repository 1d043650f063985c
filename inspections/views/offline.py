"""The field tool: the sampling form that works offline (with the service worker and manifest it needs), the printed
sampling record and seal labels, seal-label scans along the chain of custody, and the retained sample."""

import hashlib
import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.predicates import is_bureau_staff, is_supervisor
from core.decorators import rule_required
from core.pages import add_model_errors, run_action
from inspections import custody, forms
from inspections.choices import TaskStatus
from inspections.models import LabTest, RetainedSample, SamplingUpload, Task
from inspections.sampling_documents import sampling_record_pdf, seal_labels_pdf
from inspections.selectors import task_list
from inspections.services import sampling


def _task(request, pk: int) -> Task:
    return get_object_or_404(task_list(request.user).select_related("campaign", "enterprise"), pk=pk)


def _store_photos(request, task: Task, form) -> list[str]:
    """Photos chosen in the form are received first, each in its own transaction, so a validation error of the
    record (or a lost answer) never loses them: the form carries their keys back."""
    keys = [key for key in (request.POST.get("photo_keys") or "").split(",") if key.strip()]
    field = form.fields["photos"]
    try:
        uploads = field.clean(request.FILES.getlist("photos"))
    except ValidationError as error:
        form.photo_error = error.messages
        return keys
    for upload in uploads:
        key = uuid.uuid4()
        try:
            with transaction.atomic():
                sampling.sampling_upload(actor=request.user, task=task, key=key, upload=upload)
        except sampling.SamplingConflict:
            break  # the task is no longer open: filing the record says why
        keys.append(str(key))
    return keys


@rule_required("inspections.view_my_tasks")
def sampling_page(request, pk: int):
    """The sampling form. With JavaScript it is kept on the phone as it is typed and sent through the API when the
    network is there; without, it posts here, and its photos are kept by reference across a validation error."""
    task = _task(request, pk)
    if not request.user.has_perm("inspections.file_sampling", task):
        raise PermissionDenied
    form = forms.SamplingForm(request.POST or None, task=task)
    conflict = None
    if request.method == "POST":
        form.photo_error = None
        data = request.POST.copy()
        data["photo_keys"] = ",".join(_store_photos(request, task, form))
        photo_error, form = form.photo_error, forms.SamplingForm(data, task=task)
        if photo_error:
            form.is_valid()
            form.add_error("photos", photo_error)
        elif form.is_valid():
            try:
                record = sampling.sampling_file(
                    actor=request.user,
                    task=task,
                    values=form.values(),
                    photos=[],
                    photo_keys=form.cleaned_data["photo_keys"],
                    refused=form.refused,
                    refusal_reason=form.cleaned_data["refusal_reason"],
                    refusal_witness=form.cleaned_data["refusal_witness"],
                    client_key=form.cleaned_data["client_key"],
                    signatures=form.signed,
                )
            except ValidationError as error:
                if "photo_keys" in getattr(error, "error_dict", {}):
                    error.error_dict["photos"] = error.error_dict.pop("photo_keys")
                add_model_errors(form, error)
            except sampling.SamplingConflict as error:
                conflict = error.message
            else:
                messages.success(request, _("The sampling record is filed."))
                return redirect(record.task.get_absolute_url())
    keys = [key for key in (form.data.get("photo_keys") or "").split(",") if key.strip()] if form.is_bound else []
    received = SamplingUpload.objects.filter(task=task, key__in=_uuids(keys), record__isnull=True)
    context = {
        "form": form,
        "task": task,
        "title": _("Sampling record: %s") % task.enterprise.name,
        "back": task.get_absolute_url(),
        "conflict": conflict,
        "received": received,
        "signers": form.signer_names(),
        "required_fields": forms.SamplingForm.REQUIRED_WHEN_SAMPLED,
        "sampled_only": forms.SamplingForm.SAMPLED_ONLY,
        "refused_only": ("refusal_reason", "refusal_witness", "confirm_refusal"),
        "refusal_required": ("refusal_reason", "confirm_refusal"),
        "signature_boxes": [
            ("enterprise", _("Enterprise representative"), form.signer_names()["enterprise"]),
            ("inspector_1", _("First inspector"), form.signer_names()["inspector_1"]),
            ("inspector_2", _("Second inspector"), form.signer_names()["inspector_2"]),
        ],
        "photo_max_bytes": settings.UPLOAD_MAX_BYTES,
    }
    context["field_messages"] = field_messages()
    return render(request, "inspections/sampling_form.html", context, status=409 if conflict else 200)


def field_messages() -> dict:
    """What the field tool's script says, in the user's language."""
    return {
        "state_draft": _("Saved on this phone as you type: not sent yet."),
        "state_queued": _(
            "Saved on this phone, waiting for the network: it is sent by itself when the network returns."
        ),
        "state_sending": _("Sending to the bureau…"),
        "state_sent": _("Reached the bureau: sampling record no. %s."),
        "state_conflict": _("Not filed: %s The record stays on this phone."),
        "state_error": _("The bureau found errors: correct them below and file again."),
        "state_sent_short": _("reached the bureau"),
        "state_local_short": _("saved on this phone"),
        "link_pdf": _("Sampling record (PDF)"),
        "link_labels": _("Seal labels (PDF)"),
        "link_task": _("The task"),
        "photo_sent": _("received by the bureau"),
        "photo_waiting": _("on this phone, waiting to be sent"),
        "required": _("This is required on a sampling record."),
        "photo_required": _("Add at least one photo of the sample and its seals."),
        "evidence": _("A refusal needs evidence: a photo, or the name of a witness."),
        "confirm": _("Confirm the refusal before it becomes final."),
        "confirm_dialog": _("File the refusal? It is final at once and counts as nonconforming."),
        "sign": _("Missing signatures: %s."),
        "signed": _("Signed at"),
        "role_enterprise": _("Enterprise representative"),
        "role_inspector_1": _("First inspector"),
        "role_inspector_2": _("Second inspector"),
    }


def _uuids(texts) -> list[uuid.UUID]:
    keys = []
    for text in texts:
        try:
            keys.append(uuid.UUID(text.strip()))
        except ValueError:
            continue
    return keys


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def sampling_record_download(request, pk: int):
    """The printed sampling record: staff, and the inspectors of the task."""
    task = _task(request, pk)
    record = getattr(task, "sampling", None)
    if record is None:
        raise Http404
    return _pdf(sampling_record_pdf(record), f"sampling-record-{task.pk}.pdf")


@login_required
def seal_labels_download(request, pk: int):
    """The seal labels of the task's first sample (or its re-test sample with ?sample=<result id>)."""
    task = _task(request, pk)
    if getattr(task, "sampling", None) is None or task.sampling.refused:
        raise Http404
    tests = LabTest.objects.filter(task=task).select_related("task__sampling").order_by("received_at", "pk")
    sample = request.GET.get("sample")
    lab_test = tests.filter(pk=sample).first() if sample and sample.isdigit() else tests.first()
    if lab_test is None:
        raise Http404
    return _pdf(seal_labels_pdf(lab_test), f"seal-labels-{lab_test.blind_code}.pdf")


@login_required
def scan_page(request):
    """A seal label's scan: the phone's camera (or a desk scanner typing the code and Enter) fills the code field."""
    form = forms.ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = custody.custody_scan(
                actor=request.user,
                code=data["code"],
                kind=data["kind"],
                seal_intact=data["seal_intact"],
                place=data["place"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                note=data["note"],
                photo=(data["photo"] or [None])[0],
                key=data["key"],
            )
        except Http404:
            form.add_error("code", _("No sample you may handle has this code."))
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request,
                _("Recorded: %(event)s, %(code)s.") % {"event": event.get_kind_display(), "code": event.lab_test},
            )
            return redirect("inspections:scan")
    return render(request, "inspections/offline/scan.html", {"form": form, "title": _("Scan a seal label")})


@rule_required("inspections.review_results")
def broken_seals(request):
    if not is_supervisor.test(request.user) and not is_bureau_staff.test(request.user):
        raise PermissionDenied
    samples = custody.broken_seal_samples().select_related("task__enterprise", "lab").order_by("pk")[:200]
    return render(request, "inspections/offline/broken_seals.html", {"samples": samples})


@login_required
def retained_page(request, pk: int):
    """The retained sample of a task: where it is kept, from when it may go, and its disposal (staff)."""
    task = _task(request, pk)
    retained = get_object_or_404(RetainedSample.objects.select_related("task", "disposed_by"), task=task)
    store_form = forms.RetainedForm(request.POST if "storage_place" in request.POST else None)
    dispose_form = forms.DisposalForm(request.POST if "note" in request.POST else None)
    if request.method == "POST":
        if store_form.is_bound and store_form.is_valid():
            ok = run_action(
                request,
                lambda: custody.retained_store(
                    actor=request.user, retained=retained, storage_place=store_form.cleaned_data["storage_place"]
                ),
                done=_("The storage place is recorded."),
            )
            if ok:
                return redirect("inspections:retained", pk=task.pk)
        elif dispose_form.is_bound and dispose_form.is_valid():
            ok = run_action(
                request,
                lambda: custody.retained_dispose(
                    actor=request.user, retained=retained, note=dispose_form.cleaned_data["note"]
                ),
                done=_("The disposal is recorded."),
            )
            if ok:
                return redirect("inspections:retained", pk=task.pk)
    context = {
        "task": task,
        "retained": retained,
        "dispose_after": custody.retained_disposal_date(retained),
        "store_form": store_form,
        "dispose_form": dispose_form,
        "is_staff": is_bureau_staff.test(request.user),
        "final": task.status == TaskStatus.FINAL,
    }
    return render(request, "inspections/offline/retained.html", context)


@never_cache
def service_worker(request):
    """The service worker, served from the site root so its scope covers the inspector's pages."""
    assets = [static(name) for name in ("css/portal.css", "css/field.css", "js/portal.js", "js/field.js")]
    config = {
        # A new version whenever the assets change (their hashed names in production), so old copies are dropped.
        "version": hashlib.sha256("|".join(assets).encode()).hexdigest()[:12],
        "assets": assets,
        "worklist": reverse("inspections:my_tasks"),
        "offline": _("No network, and this page is not kept on this phone."),
    }
    response = render(
        request,
        "inspections/offline/sw.js",
        {"config": mark_safe(json.dumps(config, ensure_ascii=False).replace("<", "\\u003c"))},  # noqa: S308
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request):
    """The installable web app's manifest: the inspector's worklist as its start page."""
    return JsonResponse(
        {
            "name": _("QS Portal field sampling"),
            "short_name": _("Field sampling"),
            "start_url": reverse("inspections:my_tasks"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1f4e79",
            "icons": [{"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
