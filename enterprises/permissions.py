"""Who may see and do what with enterprise files. Reads are also scoped by `Enterprise.objects.visible_to`."""

import rules

from accounts.predicates import is_admin, is_enterprise_user, is_internal
from core.permissions import grant_model_perms


@rules.predicate
def is_own_enterprise(user, enterprise) -> bool:
    return enterprise is not None and user.enterprise_id is not None and enterprise.pk == user.enterprise_id


rules.add_perm("enterprises.view_register", is_internal)
rules.add_perm("enterprises.view_enterprise", is_internal | (is_enterprise_user & is_own_enterprise))
rules.add_perm("enterprises.view_own_file", is_enterprise_user)
# API list access; the queryset itself is narrowed to what the user may see.
rules.add_perm("enterprises.list_enterprises", is_internal | is_enterprise_user)
rules.add_perm("enterprises.view_reference_data", is_internal | is_enterprise_user)

grant_model_perms("enterprises", ["district", "responsibilityarea", "industry"], ["view", "add", "change"], is_admin)
# `enterprises.view_enterprise` above also opens the read-only admin list to administrators.
grant_model_perms("enterprises", ["licence"], ["view"], is_admin)
