"""The standardization pages: the catalogue (search, edit, load from a file), the worklists, self-declarations and
their check, an enterprise's own warnings and declarations, standard-setting projects and yearly targets, and the
public's search. A record the user may not see is a 404, as if it did not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decorators import rule_required
from core.pages import add_model_errors, form_page, paginate, submit
from enterprises import selectors as enterprise_selectors
from standards import forms, selectors, services
from standards.filtersets import DeclarationFilterSet, StandardFilterSet, StandardProjectFilterSet
from standards.importing import COLUMNS, REQUIRED, CatalogueFileError, catalogue_load
from standards.models import Declaration, StandardProject

PUBLIC_PAGE = 20


# The catalogue


@rule_required("standards.view_catalogue")
def catalogue(request):
    filters = StandardFilterSet(request.GET or None, queryset=selectors.catalogue().order_by("code"))
    page, query = paginate(request, filters.qs)
    context = {"page": page, "query": query, "filters": filters, "loads": selectors.last_loads()}
    return render(request, "standards/catalogue.html", context)


def _standard_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.fields}


@rule_required("standards.edit_catalogue")
def standard_edit(request, pk: int | None = None):
    standard = get_object_or_404(selectors.catalogue(), pk=pk) if pk else selectors.standard_model()()
    initial = {}
    if pk:
        initial = {
            "code": standard.code,
            "title": standard.title,
            "kind": standard.kind,
            "status": standard.status,
            "successor": standard.successor.code if standard.successor_id else "",
            "issued_on": standard.issued_on,
            "effective_on": standard.effective_on,
            "abolished_on": standard.abolished_on,
        }
    form = forms.StandardForm(request.POST or None, initial=initial, standard=standard if pk else None)
    if request.method == "POST":
        saved = submit(
            form, lambda f: services.standard_save(actor=request.user, standard=standard, **_standard_fields(f))
        )
        if saved is not None:
            messages.success(request, _("The standard was saved."))
            return redirect("standards:catalogue")
    title = _("Standard %s") % standard.code if pk else _("New standard")
    return render(request, "form.html", {"form": form, "title": title, "back": reverse("standards:catalogue")})


@rule_required("standards.load_catalogue")
def catalogue_upload(request):
    form = forms.CatalogueLoadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = catalogue_load(
                upload, filename=upload.name, user=request.user, dry_run=form.cleaned_data["dry_run"]
            )
        except CatalogueFileError as error:
            form.add_error("file", error.message)
        if result is not None and result.is_valid and not result.dry_run:
            messages.success(
                request,
                _("Loaded: %(created)s added, %(updated)s changed, %(outdated)s newly abolished or replaced.")
                % {"created": result.created, "updated": result.updated, "outdated": result.outdated},
            )
            return redirect("standards:catalogue")
    context = {"form": form, "result": result, "columns": COLUMNS, "required": REQUIRED}
    return render(request, "standards/catalogue_load.html", context)


# Worklists


@rule_required("standards.view_worklists")
def worklist_outdated(request):
    page, query = paginate(request, selectors.outdated_executions())
    return render(request, "standards/worklist_outdated.html", {"page": page, "query": query})


@rule_required("standards.view_worklists")
def worklist_undeclared(request):
    page, query = paginate(request, selectors.undeclared_products())
    return render(request, "standards/worklist_undeclared.html", {"page": page, "query": query})


# Declarations


@rule_required("standards.view_declarations")
def declaration_list(request):
    rows = selectors.declarations_visible(request.user)
    filters = DeclarationFilterSet(request.GET or None, queryset=rows)
    page, query = paginate(request, filters.qs)
    return render(request, "standards/declaration_list.html", {"page": page, "query": query, "filters": filters})


def _declaration(request, pk: int) -> Declaration:
    return get_object_or_404(selectors.declarations_visible(request.user).select_related("checked_by"), pk=pk)


@login_required
def declaration_detail(request, pk: int):
    declaration = _declaration(request, pk)
    user = request.user
    may_check = Declaration.objects.restrict(user, "check").filter(pk=pk).exists()
    may_change = Declaration.objects.restrict(user, "change").filter(pk=pk).exists()
    check_form = forms.CheckForm(request.POST if request.POST.get("action") == "check" else None, prefix="check")
    withdraw_form = forms.WithdrawForm(
        request.POST if request.POST.get("action") == "withdraw" else None, prefix="withdraw"
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "check" and may_check:
            done = submit(
                check_form,
                lambda f: services.declaration_check(
                    actor=user, declaration=declaration, outcome=f.cleaned_data["outcome"], note=f.cleaned_data["note"]
                ),
            )
        elif action == "withdraw" and may_change:
            done = submit(
                withdraw_form,
                lambda f: services.declaration_withdraw(
                    actor=user, declaration=declaration, reason=f.cleaned_data["reason"]
                ),
            )
        else:
            raise PermissionDenied
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("standards:declaration", pk=pk)
    context = {
        "declaration": declaration,
        "indicators": list(declaration.indicators.all()),
        "check_form": check_form if may_check and not declaration.check_outcome else None,
        "withdraw_form": withdraw_form if may_change and not declaration.withdrawn_on else None,
    }
    return render(request, "standards/declaration_detail.html", context)


@rule_required("standards.check_declaration")
def worklist_to_check(request):
    page, query = paginate(request, selectors.declarations_to_check().order_by("declared_on", "pk"))
    return render(request, "standards/worklist_to_check.html", {"page": page, "query": query})


# The enterprise's own page


def _own_enterprise(request):
    enterprise = enterprise_selectors.enterprises_visible_to(request.user).filter(pk=request.user.enterprise_id).first()
    if enterprise is None:
        raise PermissionDenied
    return enterprise


@rule_required("standards.view_own")
def mine(request):
    enterprise = _own_enterprise(request)
    context = {
        "enterprise": enterprise,
        "outdated": list(selectors.outdated_executions(enterprise_id=enterprise.pk)[:200]),
        "undeclared": list(selectors.undeclared_products(enterprise_id=enterprise.pk)[:200]),
        "declarations": list(selectors.declarations_visible(request.user).filter(enterprise=enterprise)[:200]),
    }
    return render(request, "standards/mine.html", context)


@rule_required("standards.declare")
def declare(request):
    enterprise = _own_enterprise(request)
    form = forms.DeclarationForm(
        request.POST or None, enterprise=enterprise, initial={"declared_on": timezone.localdate()}
    )
    indicators = forms.IndicatorFormSet(request.POST or None, prefix="indicators")
    if request.method == "POST" and form.is_valid() and indicators.is_valid():
        rows = [row for row in indicators.cleaned_data if row and row.get("name")]
        try:
            declaration = services.declaration_create(
                actor=request.user, enterprise=enterprise, indicators=rows, **form.cleaned_data
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("The self-declaration is recorded."))
            return redirect("standards:declaration", pk=declaration.pk)
    context = {"form": form, "indicators": indicators, "title": _("Self-declare a standard")}
    return render(request, "standards/declare.html", context)


@rule_required("standards.view_own")
def product_standard(request, product_pk: int, standard_pk: int):
    """The enterprise names the standard a product now executes instead of an abolished or replaced one."""
    enterprise = _own_enterprise(request)
    row = get_object_or_404(
        selectors.outdated_executions(enterprise_id=enterprise.pk), product_id=product_pk, standard_id=standard_pk
    )
    old = row.standard
    initial = {"new": old.successor.code if old.successor_id else ""}
    form = forms.ProductStandardForm(request.POST or None, initial=initial)
    form.fields["new"].queryset = selectors.standard_model().objects.filter(Q(owner__isnull=True) | Q(owner=enterprise))
    return form_page(
        request,
        form,
        title=_("%(product)s: replace %(standard)s") % {"product": row.product.name, "standard": old.code},
        save=lambda f: (
            services.product_standard_replace(
                actor=request.user, product=row.product, old=old, new=f.cleaned_data["new"]
            )
            and True
        ),  # back to the enterprise's page
        back=reverse("standards:mine"),
        done=_("The product now executes the new standard."),
        facts=[(_("Standard executed"), f"{old.code} {old.title}"), (_("Status"), old.get_status_display())],
    )


# Standards work


@rule_required("standards.view_projects")
def project_list(request):
    rows = StandardProject.objects.visible_to(request.user).select_related("enterprise", "district")
    filters = StandardProjectFilterSet(request.GET or None, queryset=rows)
    page, query = paginate(request, filters.qs)
    return render(request, "standards/project_list.html", {"page": page, "query": query, "filters": filters})


@rule_required("standards.edit_projects")
def project_edit(request, pk: int | None = None):
    project = get_object_or_404(StandardProject.objects.restrict(request.user, "change"), pk=pk) if pk else None
    form = forms.ProjectForm(request.POST or None, instance=project)
    return form_page(
        request,
        form,
        title=project.title if project else _("New standard-setting project"),
        save=lambda f: services.project_save(actor=request.user, project=f.instance) and True,
        back=reverse("standards:projects"),
        done=_("The project was saved."),
    )


@rule_required("standards.view_worklists")
def targets(request):
    year = _year(request)
    form = forms.TargetForm(request.POST or None, initial={"year": year})
    if request.method == "POST":
        if not request.user.has_perm("standards.set_targets"):
            raise PermissionDenied
        saved = submit(form, lambda f: services.target_set(actor=request.user, **f.cleaned_data))
        if saved is not None:
            messages.success(request, _("The target was saved."))
            return redirect(f"{reverse('standards:targets')}?year={saved.year}")
    context = {
        "year": year,
        "achievement": selectors.achievement(year),
        "by_industry": selectors.achievement_by_industry(year),
        "form": form if request.user.has_perm("standards.set_targets") else None,
    }
    return render(request, "standards/targets.html", context)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


# Public pages: no login


def public_search(request):
    term = (request.GET.get("q") or "").strip()[:100]
    declarations = selectors.public_declarations()
    projects = selectors.public_led_projects().order_by("-published_on", "-pk")
    if term:
        declarations = declarations.filter(
            Q(standard__code__icontains=term) | Q(standard__title__icontains=term) | Q(enterprise__name__icontains=term)
        )
        projects = projects.filter(
            Q(title__icontains=term) | Q(number__icontains=term) | Q(enterprise__name__icontains=term)
        )
    page, query = paginate(request, declarations, per_page=PUBLIC_PAGE)
    context = {"page": page, "query": query, "term": term, "projects": projects[:PUBLIC_PAGE]}
    return render(request, "standards/public_search.html", context)
