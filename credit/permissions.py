"""Who may see and do what in credit grading. Which rows a user may see or act on is each model's access rule
(`credit_grade_access`, ...): the object rules here come from it (`object_rule`), as does `visible_to`."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import is_admin, is_bureau_staff, is_enterprise_user, is_leader
from core.access import object_rule
from credit.models import BlacklistEntry, CreditGrade, GradeOverride

staff = is_bureau_staff
staff_or_admin = is_bureau_staff | is_admin

rules.add_perm("credit.view_grades", staff_or_admin)
# Checked on the enterprise (a grade, an override, a repair are read by their enterprise).
rules.add_perm("credit.view_grade", staff_or_admin | object_rule(CreditGrade, "view", via="enterprise"))
rules.add_perm("credit.view_own_grade", is_enterprise_user)
rules.add_perm("credit.list_grades", staff_or_admin | is_enterprise_user)  # API: rows scoped by visible_to
rules.add_perm("credit.recalculate", staff)
# The scoring model is open to staff and to the enterprises it grades (the explanation cites it); a leader
# issues a new version.
rules.add_perm("credit.view_model", staff_or_admin | is_enterprise_user)
rules.add_perm("credit.change_model", is_leader)
# Overrides: a supervisor or leader requests, another leader approves (never the requester).
rules.add_perm("credit.request_override", staff)
rules.add_perm("credit.approve_override", object_rule(GradeOverride, "approve"))
rules.add_perm("credit.end_override", staff)
# The serious-dishonesty list: staff propose a listing, serve the notice, record a paper statement, the upper
# level's consent and the conditions of an early removal; the enterprise files its statement on its own notice and
# applies for early removal of its own listing; a leader decides the listing and the early removal, and edits the
# grounds.
rules.add_perm("credit.propose_listing", staff)
rules.add_perm("credit.manage_blacklist", staff)
rules.add_perm("credit.decide_listing", is_leader)
rules.add_perm("credit.state_on_listing", object_rule(BlacklistEntry, "state"))
# The API's one route for a statement: staff recording a paper answer, an enterprise (the service then checks the
# notice is its own: credit.state_on_listing).
rules.add_perm("credit.file_statement", staff | is_enterprise_user)
rules.add_perm("credit.apply_repair", object_rule(BlacklistEntry, "apply_repair"))
rules.add_perm("credit.decide_repair", is_leader)
rules.add_perm("credit.change_grounds", is_leader)
# Early warnings and the runs that raise them.
rules.add_perm("credit.view_warnings", staff_or_admin)
rules.add_perm("credit.acknowledge_warning", staff)
rules.add_perm("credit.view_runs", staff_or_admin)

grant_model_perms(
    "credit",
    [
        "scoringmodel",
        "creditgrade",
        "gradechange",
        "gradeoverride",
        "listingground",
        "blacklistentry",
        "creditrepair",
        "riskwarning",
    ],
    ["view"],
    is_admin,
)
