"""Who may see and do what with accounts."""

import rules

from accounts.predicates import is_admin, is_signed_in
from core.permissions import grant_model_perms

rules.add_perm("accounts.change_own_password", is_signed_in)
rules.add_perm("accounts.manage_users", is_admin)
# Administrators manage accounts in the Django admin; accounts are deactivated there, never deleted.
grant_model_perms("accounts", ["user"], ["view", "add", "change"], is_admin)
grant_model_perms("authtoken", ["token", "tokenproxy"], ["view", "add", "delete"], is_admin)
