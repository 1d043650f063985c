from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from accounts.forms import PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH
from accounts.models import User


class CurrentUserSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "enterprise", "enterprise_name"]
        read_only_fields = fields


class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's username and password, bounded like the login page's (a longer username is a field error, never a
    database error from the lockout records)."""

    username = serializers.CharField(label=_("Username"), write_only=True, max_length=USERNAME_MAX_LENGTH)
    password = serializers.CharField(
        label=_("Password"),
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
        max_length=PASSWORD_MAX_LENGTH,
    )
