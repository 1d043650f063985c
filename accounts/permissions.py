"""Who may see and do what with accounts."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import is_admin
from accounts.roles import Role


@rules.predicate
def is_ordinary_account(user, target) -> bool:
    """Administrators manage ordinary accounts; other administrators and superusers are managed by a superuser."""
    return target is None or not (target.is_superuser or target.role == Role.ADMIN)


rules.add_perm("accounts.manage_users", is_admin)
# Accounts are deactivated, never deleted. API tokens are not exposed in the admin: their keys are credentials.
grant_model_perms("accounts", ["user"], ["view", "add"], is_admin)
rules.add_perm("accounts.change_user", is_admin & is_ordinary_account)
