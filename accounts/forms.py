from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User

USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length  # 150
PASSWORD_MAX_LENGTH = 4096  # no one types more; a longer one is refused before hashing


def bound_credentials(form: forms.Form) -> None:
    """The username and password of a login form are bounded: Django's AuthenticationForm
    only sets the username's maxlength attribute, so a longer one reached the lockout records (255 characters) and
    the database refused it with a 500. An over-long username is a field error and never reaches authentication."""
    for name, limit in (("username", USERNAME_MAX_LENGTH), ("password", PASSWORD_MAX_LENGTH)):
        field = form.fields[name]
        field.max_length = limit
        field.widget.attrs["maxlength"] = limit
        field.validators = [*field.validators, MaxLengthValidator(limit)]


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
        "inactive": _("This account has been deactivated. Ask the bureau's administrator."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        bound_credentials(self)


class AdminLoginForm(AdminAuthenticationForm):
    """The admin site's login, bounded like the portal's (accounts.admin installs it)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        bound_credentials(self)
