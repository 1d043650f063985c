from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.api.serializers import CurrentUserSerializer, TokenRequestSerializer
from accounts.security import lockout_retry_at, retry_after_seconds


class CurrentUserView(APIView):
    """Who the caller is: username, role and, for enterprise users, their enterprise."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CurrentUserSerializer)
    def get(self, request):
        return Response(CurrentUserSerializer(request.user).data)


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (throttled against password guessing)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # the project's, which check text (DRF's own here)
    serializer_class = TokenRequestSerializer

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes marks the request when the username is locked out from this address; the answer is the
            # same whether the password given was right or not.
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                raise AccountLocked(lockout_retry_at(request._request, request.data)) from None
            raise


class AccountLocked(APIException):
    status_code = 429
    default_code = "locked"

    def __init__(self, retry_at):
        self.wait = retry_after_seconds(retry_at)
        time = timezone.localtime(retry_at).strftime("%H:%M")
        super().__init__(
            _("This account is temporarily locked after repeated failed logins. Try again after %(time)s.")
            % {"time": time}
        )
