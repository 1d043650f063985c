"""Shared permission machinery. Each app declares its own rules in its `permissions.py`; this module only helps."""

from collections.abc import Iterable

import rules
from rules.predicates import Predicate


def grant_model_perms(app_label: str, model_names: Iterable[str], actions: Iterable[str], predicate: Predicate) -> None:
    """Register Django-admin model permissions (`app.view_model`, ...) and the app's module permission."""
    if not rules.perm_exists(app_label):
        rules.add_perm(app_label, predicate)
    for model_name in model_names:
        for action in actions:
            rules.add_perm(f"{app_label}.{action}_{model_name}", predicate)


def _register_core_rules() -> None:
    from accounts.predicates import is_admin, is_signed_in

    rules.add_perm("core.view_home", is_signed_in)
    rules.add_perm("core.view_api_docs", is_signed_in)
    grant_model_perms("core", ["jobrun", "auditentry", "domainevent"], ["view"], is_admin)
    # The working-day calendar is reference data the bureau keeps current each year.
    grant_model_perms("core", ["calendaryear", "calendarday"], ["view", "add", "change", "delete"], is_admin)
