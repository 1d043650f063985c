"""What the brand pages share: who may read them at all, and forms whose service errors land on them."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from core.pages import add_model_errors

# Everyone with a part in brand cultivation: staff, enterprises (their own records) and expert reviewers (their
# assignments). Which records each sees is then up to the models' `visible_to`.
READER_RULES = ("brands.view_all", "brands.view_own", "brands.view_reviews")


def any_rule_required(*permissions: str):
    """Let the view run for users any of the rules allows: anonymous users log in first, others get 403."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(request.user.has_perm(permission) for permission in permissions):
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorator


# Staff, enterprise users and reviewers; which records each then sees is up to the models' `visible_to`.
brands_reader = any_rule_required(*READER_RULES)


def on_form(form, error: ValidationError) -> None:
    """Put a service's validation errors on the form, on the field that holds the value when the service names it
    differently (the form's ERROR_FIELDS, e.g. the call's "eligibility" rules on its "grades" field)."""
    aliases = getattr(form, "ERROR_FIELDS", {})
    if hasattr(error, "error_dict") and aliases:
        error = ValidationError({aliases.get(name, name): errors for name, errors in error.error_dict.items()})
    add_model_errors(form, error)


def submit(form, call: Callable):
    """Validate `form` and call the service with it: what the service returned, or None when the form or the
    service refused (its validation errors are then on the form)."""
    if not form.is_valid():
        return None
    try:
        return call(form)
    except ValidationError as error:
        on_form(form, error)
        return None


def form_page(request, form, *, title: str, save: Callable, back: str, done: str, **extra):
    """core.pages.form_page, with the service's errors put on the fields through the form's ERROR_FIELDS."""
    if request.method == "POST":
        saved = submit(form, save)
        if saved is not None:
            messages.success(request, done)
            return redirect(saved)
    return render(request, "form.html", {"form": form, "title": title, "back": back, **extra})


def allow(user, permission: str, obj=None) -> None:
    """Refuse a posted action the user may not take (the service would refuse it too, less kindly)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied
