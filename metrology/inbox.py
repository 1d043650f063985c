"""Metrology's to-do items (core.inbox): an owner's instruments due within the reminder period or overdue; the
metrology section's filings to accept and its overdue instruments. Two queries at most, whatever the numbers."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.inbox import InboxItem
from metrology.choices import FilingStatus
from metrology.models import Instrument
from metrology.selectors import due_counts


def metrology_inbox(user) -> list[InboxItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    url = reverse("metrology:instruments")
    items = []
    if user.has_perm("metrology.manage"):
        filed = Instrument.objects.filter(filing_status=FilingStatus.FILED).count()
        items.append(
            InboxItem(
                "metrology.filings_to_accept", _("Instrument filings to accept"), filed, f"{url}?filing_status=filed"
            )
        )
        counts = due_counts(instruments=Instrument.objects.all(), today=today)
        items.append(
            InboxItem(
                "metrology.overdue",
                _("Instruments overdue for verification"),
                counts["overdue"],
                f"{url}?due=overdue",
                urgent=True,
            )
        )
    elif user.has_perm("metrology.file") and getattr(user, "enterprise_id", None):
        counts = due_counts(instruments=Instrument.objects.filter(enterprise_id=user.enterprise_id), today=today)
        items.append(
            InboxItem(
                "metrology.own_due_soon",
                _("Your instruments due for verification soon"),
                counts["due_soon"],
                f"{url}?due=due_soon",
            )
        )
        items.append(
            InboxItem(
                "metrology.own_overdue",
                _("Your instruments overdue for verification: must not be used"),
                counts["overdue"] + counts["failed"],
                f"{url}?not_for_trade=true",
                urgent=True,
            )
        )
    return items
