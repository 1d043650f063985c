"""`/api/v1/inbox/`: the caller's to-do inbox (core.inbox), the list each home page starts with."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.inbox import inbox_for


class InboxItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Stable code of the item, e.g. inspections.results_to_review.")
    label = serializers.CharField()
    count = serializers.IntegerField(min_value=1)
    url = serializers.CharField(help_text="The page where the caller acts on it.")
    due = serializers.DateField(allow_null=True, help_text="The earliest deadline among the counted items.")
    urgent = serializers.BooleanField(help_text="Overdue, or due today.")


class InboxView(APIView):
    """What waits for the caller, the urgent first, then by deadline: counts, the earliest deadline and the page
    to act on, for the caller's role. An item leaves once nothing of it waits."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InboxItemSerializer(many=True))
    def get(self, request):
        return Response(InboxItemSerializer(inbox_for(request.user), many=True).data)
