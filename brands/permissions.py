"""Who may see and do what in brand cultivation and the quality award. Which rows a user may see or act on is
each model's access rule (brands.models): an enterprise sees its own plans and applications, a reviewer the
applications assigned to them, the public only published notices and current honours. The object rules here
come from those rules (`object_rule`), as does `visible_to`."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import is_admin, is_bureau_staff, is_enterprise_user, is_leader
from brands.models import Application, CultivationTarget, ReviewAssignment, is_expert
from core.access import object_rule

staff = is_bureau_staff
staff_or_admin = is_bureau_staff | is_admin

rules.add_perm("brands.view_all", staff_or_admin)
rules.add_perm("brands.manage_targets", staff)
rules.add_perm("brands.view_target", staff_or_admin | object_rule(CultivationTarget, "view"))
rules.add_perm("brands.view_own", is_enterprise_user)
# Pages and lists that several roles read, each only its own rows (`visible_to` decides which).
rules.add_perm("brands.list_targets", staff_or_admin | is_enterprise_user)
rules.add_perm("brands.list_applications", staff_or_admin | is_enterprise_user | is_expert)
rules.add_perm("brands.list_reviews", staff_or_admin | is_expert)
rules.add_perm("brands.list_honours", staff_or_admin | is_enterprise_user)
rules.add_perm("brands.manage_programmes", staff)
rules.add_perm("brands.apply", is_enterprise_user)
rules.add_perm("brands.withdraw_application", object_rule(Application, "withdraw"))
# Admitting an application that failed an eligibility check is a staff decision with a recorded reason.
rules.add_perm("brands.bypass_eligibility", staff)
rules.add_perm("brands.assign_reviewers", staff)
rules.add_perm("brands.view_own_reviews", is_expert)
rules.add_perm("brands.review", object_rule(ReviewAssignment, "review"))
rules.add_perm("brands.decide_stage", staff)
rules.add_perm("brands.committee_decide", is_leader)
rules.add_perm("brands.publish_notice", staff)
rules.add_perm("brands.resolve_objection", staff)
# The bureau submits the proposed winners to the conferring body and records its decision: a leader, each time.
rules.add_perm("brands.submit_for_conferral", is_leader)
rules.add_perm("brands.record_conferral", is_leader)
rules.add_perm("brands.review_honour", staff)
rules.add_perm("brands.decide_revocation", staff)

grant_model_perms(
    "brands",
    [
        "cultivationtarget",
        "programme",
        "application",
        "reviewassignment",
        "notice",
        "objection",
        "conferral",
        "honour",
        "revocationproposal",
    ],
    ["view"],
    is_admin,
)
