from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


class PortalPasswordChangeView(SuccessMessageMixin, PasswordChangeView):
    """Change one's own password; Django keeps this session and logs out every other one."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")
    success_message = _(
        "Your password has been changed. Other sessions signed in with the old password have been logged out."
    )
