from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.api.serializers import CurrentUserSerializer, TokenRequestSerializer


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
