"""Who may see and do what with enterprise files. Which files a user may read or keep is `enterprise_access`
(enterprises.models): the object rules here come from it (`object_rule`), as does `Enterprise.objects.visible_to`."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import is_admin, is_bureau_staff, is_enterprise_user, is_inspector, is_signed_in
from core.access import object_rule
from enterprises.models import Enterprise

# The whole register: bureau staff and administrators. An inspector reads the files of the enterprises of their
# own spot-check tasks (`Enterprise.objects.visible_to` narrows them); lab technicians never see enterprises:
# samples reach them under blind codes.
reads_register = is_bureau_staff | is_admin

rules.add_perm("enterprises.view_register", reads_register)
rules.add_perm("enterprises.view_enterprise", reads_register | object_rule(Enterprise, "view"))
rules.add_perm("enterprises.view_own_file", is_enterprise_user)
# API list access; `Enterprise.objects.visible_to` narrows the rows to what the user may see.
rules.add_perm("enterprises.list_enterprises", reads_register | is_inspector | is_enterprise_user)
rules.add_perm("enterprises.view_reference_data", is_signed_in)
# Keeping the register: bureau staff create and edit files, import them in bulk and export the list.
keeps_register = is_bureau_staff | is_admin
rules.add_perm("enterprises.import_register", keeps_register)
rules.add_perm("enterprises.export_register", keeps_register)
rules.add_perm("enterprises.create_enterprise", keeps_register)
rules.add_perm("enterprises.edit_identity", keeps_register)
rules.add_perm("enterprises.record_licence", keeps_register)
rules.add_perm("enterprises.record_sanction", keeps_register)  # penalties and administrative interviews
rules.add_perm("enterprises.review_self_report", keeps_register)
rules.add_perm("enterprises.view_worklist", keeps_register)
rules.add_perm("enterprises.view_history", reads_register)
# The enterprise keeps its own contact data and products current; identity fields stay with the bureau.
own_or_keeper = keeps_register | object_rule(Enterprise, "change")
rules.add_perm("enterprises.edit_contact", own_or_keeper)
rules.add_perm("enterprises.manage_products", own_or_keeper)
rules.add_perm("enterprises.manage_quality_staff", own_or_keeper)
rules.add_perm("enterprises.file_standard", own_or_keeper)  # 企业标准备案: the enterprise's own standards
rules.add_perm("enterprises.submit_self_report", object_rule(Enterprise, "submit_self_report"))

grant_model_perms("enterprises", ["district", "responsibilityarea", "industry"], ["view", "add", "change"], is_admin)
# `enterprises.view_enterprise` above also opens the read-only admin list to administrators.
grant_model_perms("enterprises", ["licence"], ["view"], is_admin)
