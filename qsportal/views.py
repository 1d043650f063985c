from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from core.decorators import rule_required
from core.inbox import inbox_for
from qsportal.home import HOME_PAGES


def home(request):
    """A visitor without an account lands on the public portal (its header has the staff login); a user on their
    role's home page, which starts with their to-do inbox."""
    if not request.user.is_authenticated:
        return redirect("portal:home")
    return _role_home(request)


@rule_required("core.view_home")
def _role_home(request):
    if request.user.role not in HOME_PAGES:
        raise PermissionDenied  # an account without a role sees nothing until an administrator gives it one
    template_name, build_context = HOME_PAGES[request.user.role]
    today = timezone.localdate()
    return render(
        request, template_name, {"today": today, "inbox": inbox_for(request.user), **build_context(request.user, today)}
    )
