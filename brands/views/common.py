"""What the brand pages share: who may read them at all, and the refusal of an action a user may not take."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

# Everyone with a part in brand cultivation: staff, enterprises (their own records) and expert reviewers (their
# assignments). Which records each sees is then up to the models' `visible_to`.
READER_RULES = ("brands.view_all", "brands.view_own", "brands.view_own_reviews")


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


brands_reader = any_rule_required(*READER_RULES)


def allow(user, permission: str, obj=None) -> None:
    """Refuse a posted action the user may not take (the service would refuse it too, less kindly)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied
