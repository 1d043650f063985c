"""API pieces for notices served on receipt (core.notices) and deadlines that may be provisional (core.workdays).

Convention: next to each deadline field `X` the API gives `X_provisional`, true when the deadline was read from a
calendar year that is not the official arrangement yet."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import ServedNotice
from core.workdays import provisional_on

SERVED_FIELDS = ["served_on", "served_how"]


class ProvisionalField(serializers.BooleanField):
    """`X_provisional`: whether the deadline in field `X` comes from a calendar year not yet official."""

    def __init__(self, date_field: str, **kwargs):
        self.date_field = date_field
        kwargs.setdefault("help_text", _("True when %s comes from a calendar year not yet official.") % date_field)
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance) -> bool:
        memo = self.context.setdefault("_calendar_memo", {}) if isinstance(self.context, dict) else None
        return provisional_on(getattr(instance, self.date_field, None), memo)


class ServedHowField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=ServedNotice.ServedHow.choices,
            read_only=True,
            allow_null=True,
            help_text=_("How the notice reached the enterprise; null until it is served."),
            **kwargs,
        )

    def to_representation(self, value):
        return value or None


class PaperServiceSerializer(serializers.Serializer):
    """Staff record a paper or in-person delivery: the day the enterprise signed the receipt, and its scan."""

    received_on = serializers.DateField(help_text=_("The day the enterprise signed the receipt."))
    proof = serializers.FileField(max_length=255, help_text=_("The scan of the signed receipt (PDF, JPEG or PNG)."))
