"""Who may see and do what in standardization. Rows come from the access rules in standards.models."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import is_admin
from standards.roles import is_enterprise, is_standards_staff, reads_standards

rules.add_perm("standards.view_catalogue", reads_standards | is_admin)
rules.add_perm("standards.edit_catalogue", is_standards_staff)
rules.add_perm("standards.load_catalogue", is_standards_staff)
rules.add_perm("standards.view_worklists", reads_standards)
rules.add_perm("standards.check_declaration", is_standards_staff)
rules.add_perm("standards.view_declarations", reads_standards | is_enterprise)
rules.add_perm("standards.declare", is_enterprise | is_standards_staff)
rules.add_perm("standards.view_own", is_enterprise)
rules.add_perm("standards.view_projects", reads_standards | is_enterprise)
rules.add_perm("standards.edit_projects", is_standards_staff)
rules.add_perm("standards.set_targets", is_standards_staff)

grant_model_perms("standards", ["declaration", "standardproject", "yeartarget", "catalogueload"], ["view"], is_admin)
