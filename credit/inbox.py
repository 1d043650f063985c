"""What waits in the to-do inbox (core.inbox) from credit: the leader's approvals (grade overrides, listings on the
serious-dishonesty list, early removals) and, for an enterprise, a listing notice to answer."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.inbox import InboxItem, inbox_count
from credit.choices import AWAITING_DECISION, BlacklistStatus, OverrideStatus, RepairStatus
from credit.models import BlacklistEntry, CreditRepair, GradeOverride


def _entry_url(pk: int) -> str:
    return reverse("credit:blacklist_entry", args=[pk])


def credit_inbox(user, *, today: datetime.date | None = None) -> list[InboxItem]:
    today = today or timezone.localdate()
    if user.role == Role.LEADER:
        blacklist = reverse("credit:blacklist")
        return [
            inbox_count(
                GradeOverride.objects.filter(status=OverrideStatus.PENDING),
                kind="credit.overrides_to_approve",
                label=_("Grade overrides to approve"),
                url=reverse("credit:overrides"),
                today=today,
                one_url=lambda pk: reverse("credit:override", args=[pk]),
            ),
            inbox_count(
                BlacklistEntry.objects.filter(status__in=AWAITING_DECISION),
                kind="credit.listings_to_decide",
                label=_("Serious-dishonesty listings to decide"),
                url=blacklist,
                today=today,
                one_url=_entry_url,
            ),
            inbox_count(
                CreditRepair.objects.filter(status=RepairStatus.PENDING),
                kind="credit.removals_to_decide",
                label=_("Early removals from the list to decide"),
                url=blacklist,
                today=today,
                one_url=_entry_url,
                one_field="entry_id",
            ),
        ]
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return [
            inbox_count(
                BlacklistEntry.objects.filter(enterprise_id=user.enterprise_id, status=BlacklistStatus.NOTIFIED),
                kind="credit.listing_notices",
                label=_("Listing notices to answer"),
                url=reverse("credit:blacklist_mine"),
                today=today,
                due_field="statement_due",
                one_url=_entry_url,
            )
        ]
    return []
