"""Who may see and do what in brand cultivation and the quality award. Reads are also scoped by each model's
`visible_to`: an enterprise sees its own plans and applications, a reviewer the applications assigned to them,
the public only published notices and current honours."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import has_role, is_admin, is_bureau_staff, is_enterprise_user, is_leader
from accounts.roles import Role

is_expert = has_role(Role.EXPERT)
staff = is_bureau_staff
staff_or_admin = is_bureau_staff | is_admin


@rules.predicate
def owns_application(user, application) -> bool:
    return application is not None and application.enterprise_id == user.enterprise_id


@rules.predicate
def owns_target(user, target) -> bool:
    return target is not None and target.enterprise_id == user.enterprise_id


@rules.predicate
def assigned_to_them(user, assignment) -> bool:
    return assignment is not None and assignment.reviewer_id == user.pk


rules.add_perm("brands.view_all", staff_or_admin)
rules.add_perm("brands.manage_targets", staff)
rules.add_perm("brands.view_target", staff_or_admin | (is_enterprise_user & owns_target))
rules.add_perm("brands.view_own", is_enterprise_user)
# Pages and lists that several roles read, each only its own rows (`visible_to` decides which).
rules.add_perm("brands.list_targets", staff_or_admin | is_enterprise_user)
rules.add_perm("brands.list_applications", staff_or_admin | is_enterprise_user | is_expert)
rules.add_perm("brands.list_reviews", staff_or_admin | is_expert)
rules.add_perm("brands.list_honours", staff_or_admin | is_enterprise_user)
rules.add_perm("brands.manage_programmes", staff)
rules.add_perm("brands.apply", is_enterprise_user)
rules.add_perm("brands.withdraw_application", is_enterprise_user & owns_application)
# Admitting an application that failed an eligibility check is a staff decision with a recorded reason.
rules.add_perm("brands.bypass_eligibility", staff)
rules.add_perm("brands.assign_reviewers", staff)
rules.add_perm("brands.view_own_reviews", is_expert)
rules.add_perm("brands.review", is_expert & assigned_to_them)
rules.add_perm("brands.decide_stage", staff)
rules.add_perm("brands.committee_decide", is_leader)
rules.add_perm("brands.publish_notice", staff)
rules.add_perm("brands.resolve_objection", staff)
rules.add_perm("brands.award", is_leader)
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
        "honour",
        "revocationproposal",
    ],
    ["view"],
    is_admin,
)
