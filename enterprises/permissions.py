"""Who may see and do what with enterprise files. Reads are also scoped by `Enterprise.objects.visible_to`."""

import rules

from accounts.predicates import is_admin, is_bureau_staff, is_enterprise_user, is_inspector, is_signed_in
from core.permissions import grant_model_perms


@rules.predicate
def is_own_enterprise(user, enterprise) -> bool:
    return enterprise is not None and user.enterprise_id is not None and enterprise.pk == user.enterprise_id


# The whole register: bureau staff and administrators; inspectors read it until spot-check tasks narrow them to
# the enterprises of their own tasks. Lab technicians never see enterprises: samples reach them under blind codes.
reads_register = is_bureau_staff | is_admin | is_inspector

rules.add_perm("enterprises.view_register", reads_register)
rules.add_perm("enterprises.view_enterprise", reads_register | (is_enterprise_user & is_own_enterprise))
rules.add_perm("enterprises.view_own_file", is_enterprise_user)
# API list access; `Enterprise.objects.visible_to` narrows the rows to what the user may see.
rules.add_perm("enterprises.list_enterprises", reads_register | is_enterprise_user)
rules.add_perm("enterprises.view_reference_data", is_signed_in)
# Keeping the register: bureau staff create and edit files, import them in bulk and export the list.
keeps_register = is_bureau_staff | is_admin
rules.add_perm("enterprises.import_register", keeps_register)
rules.add_perm("enterprises.export_register", keeps_register)

grant_model_perms("enterprises", ["district", "responsibilityarea", "industry"], ["view", "add", "change"], is_admin)
# `enterprises.view_enterprise` above also opens the read-only admin list to administrators.
grant_model_perms("enterprises", ["licence"], ["view"], is_admin)
