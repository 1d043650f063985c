"""Who may see and do what with accounts."""

import rules

from accounts.predicates import is_admin
from accounts.roles import Role


@rules.predicate
def is_ordinary_account(user, target) -> bool:
    """Administrators manage ordinary accounts; other administrators and superusers are managed by a superuser."""
    return target is None or not (target.is_superuser or target.role == Role.ADMIN)


rules.add_perm("accounts.manage_users", is_admin)
# Accounts are deactivated, never deleted. API tokens are not exposed in the admin: their keys are credentials.
# Written out rather than with core.permissions.grant_model_perms: accounts sits below core.
rules.add_perm("accounts", is_admin)  # the admin's module permission
rules.add_perm("accounts.view_user", is_admin)
rules.add_perm("accounts.add_user", is_admin)
rules.add_perm("accounts.change_user", is_admin & is_ordinary_account)
