"""Who may see and do what with complaints and tips. Filing and following one by its number need no account."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import is_admin, is_bureau_staff, is_inspector, is_leader
from complaints.models import Complaint
from core.access import object_rule

rules.add_perm("complaints.view_all", is_bureau_staff)
rules.add_perm("complaints.view_assigned", is_inspector)
rules.add_perm("complaints.list", is_bureau_staff | is_inspector)
rules.add_perm("complaints.handle", is_bureau_staff | is_inspector)  # may be assigned complaints
rules.add_perm("complaints.triage", is_bureau_staff)
rules.add_perm("complaints.resolve", is_bureau_staff | object_rule(Complaint, "resolve"))  # or its handler
rules.add_perm("complaints.reward", is_leader)
rules.add_perm("complaints.extend", is_leader)  # a tip's decision period, once
rules.add_perm("complaints.view_nominations", is_bureau_staff)
rules.add_perm("complaints.adopt_nominations", is_bureau_staff)

grant_model_perms("complaints", ["complaint", "nomination"], ["view"], is_admin)
