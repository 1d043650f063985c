"""Core's own rules. Each app declares its rules in its `permissions.py` with the helpers of `accounts`
(`accounts.predicates`, `accounts.model_perms.grant_model_perms`) and the row-level rules of `core.access`."""

import rules

from accounts.model_perms import grant_model_perms


def _register_core_rules() -> None:
    from accounts.predicates import is_admin, is_signed_in

    rules.add_perm("core.view_home", is_signed_in)
    rules.add_perm("core.view_api_docs", is_signed_in)
    grant_model_perms("core", ["jobrun", "auditentry", "domainevent"], ["view"], is_admin)
    # The working-day calendar is reference data the bureau keeps current each year.
    grant_model_perms("core", ["calendaryear", "calendarday"], ["view", "add", "change", "delete"], is_admin)
