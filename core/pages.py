"""Helpers every app's server-rendered views share: pagination, form pages, and service errors on forms."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render

PAGE_SIZE = 50


class KeysFirstPaginator(Paginator):
    """Reads a page in two steps: the keys of its rows first (the filters, the order and the offset over narrow
    index entries, nothing else computed), then those rows alone with all the list shows (joins, correlated
    subqueries, prefetches). A deep page (OFFSET 100 000) would otherwise compute what the list shows for every row
    it skips. One query more than Paginator, the same whatever the page's depth or size."""

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys).order_by()} if keys else {}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def paginate(request, rows, *, per_page: int = PAGE_SIZE, paginator: type[Paginator] = Paginator) -> tuple[Page, str]:
    """The requested page of `rows`, and the query string without page and sort for the page links."""
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    return paginator(rows, per_page).get_page(request.GET.get("page")), query.urlencode()


def form_page(
    request,
    form,
    *,
    title: str,
    save: Callable,
    back: str,
    done: str,
    multipart: bool = False,
    template: str = "form.html",
    **extra,
):
    """Show `form`; on a valid POST call `save(form)`, whose validation errors land back on the form, and go to
    the saved record (or `back`)."""
    if request.method == "POST":
        saved = submit(form, save)
        if saved is not None:
            messages.success(request, done)
            return redirect(saved.get_absolute_url() if hasattr(saved, "get_absolute_url") else back)
    context = {"form": form, "title": title, "back": back, "multipart": multipart, **extra}
    return render(request, template, context)


def submit(form, call: Callable):
    """Validate `form` and call the service with it: what the service returned, or None when the form or the
    service refused (the service's validation errors are then on the form)."""
    if not form.is_valid():
        return None
    try:
        return call(form)
    except ValidationError as error:
        add_model_errors(form, error)
        return None


def add_model_errors(form, error: ValidationError) -> None:
    """Put a service's validation errors on the form: on their field when the form has it (or on the field the
    form's ERROR_FIELDS names for it, e.g. a call's "eligibility" rules on its "grades" boxes), else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    aliases = getattr(form, "ERROR_FIELDS", {})
    for field, messages_ in error.message_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields else None, messages_)


def run_action(request, action: Callable, *, done: str) -> bool:
    """Run a one-click service call (approve, notify, ...): its message on success, its refusal as an error."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, done)
    return True
