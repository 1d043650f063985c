"""What waits in the to-do inbox (core.inbox): an enterprise's own standards warnings, and the standards staff's
worklists. Each source answers with a bounded number of queries."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.inbox import InboxItem
from standards import selectors
from standards.roles import is_enterprise, is_standards_staff


def standards_inbox(user) -> list[InboxItem]:
    if is_enterprise.test(user) and user.enterprise_id:
        counts = selectors.enterprise_warning_counts(user.enterprise_id)
        url = reverse("standards:mine")
        return [
            InboxItem(
                "standards.outdated_own",
                _("Products executing an abolished or replaced standard"),
                counts["outdated"],
                url,
                urgent=True,
            ),
            InboxItem("standards.undeclared_own", _("Products without a declared standard"), counts["undeclared"], url),
            InboxItem(
                "standards.below_own",
                _("Your standards found below the national standard: revise them"),
                counts["below"],
                url,
                urgent=True,
            ),
        ]
    if is_standards_staff.test(user):
        return [
            InboxItem(
                "standards.outdated",
                _("Products executing an abolished or replaced standard"),
                selectors.outdated_executions().count(),
                reverse("standards:outdated"),
            ),
            InboxItem(
                "standards.to_check",
                _("Self-declarations to check against the national standard"),
                selectors.declarations_to_check().count(),
                reverse("standards:to_check"),
            ),
        ]
    return []
