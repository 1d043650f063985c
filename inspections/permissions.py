"""Who may see and do what in spot checks. Reads are also scoped by each model's `visible_to`."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import (
    is_admin,
    is_bureau_staff,
    is_enterprise_user,
    is_inspector,
    is_lab_technician,
    is_leader,
    is_signed_in,
)
from inspections.choices import LabTestStatus


@rules.predicate
def is_assigned_inspector(user, task) -> bool:
    return task is not None and task.inspectors.filter(pk=user.pk).exists()


@rules.predicate
def works_at_the_lab(user, lab_test) -> bool:
    return lab_test is not None and lab_test.lab.technicians.filter(pk=user.pk).exists()


@rules.predicate
def result_notified_to_own_enterprise(user, lab_test) -> bool:
    return (
        lab_test is not None
        and lab_test.status == LabTestStatus.NOTIFIED
        and lab_test.task.enterprise_id == user.enterprise_id
    )


@rules.predicate
def owns_follow_up(user, follow_up) -> bool:
    return follow_up is not None and follow_up.enterprise_id == user.enterprise_id


@rules.predicate
def owns_publication(user, publication) -> bool:
    return publication is not None and publication.task.enterprise_id == user.enterprise_id


@rules.predicate
def declared_it(user, declaration) -> bool:
    return declaration is not None and declaration.inspector_id == user.pk


staff = is_bureau_staff
staff_or_admin = is_bureau_staff | is_admin

# Planning and running campaigns: supervisors plan and draw, a leader approves and closes.
rules.add_perm("inspections.view_campaigns", staff_or_admin)
rules.add_perm("inspections.plan_campaign", staff)
rules.add_perm("inspections.approve_campaign", is_leader)
rules.add_perm("inspections.perform_draw", staff)
rules.add_perm("inspections.start_campaign", staff)
rules.add_perm("inspections.close_campaign", is_leader)
# Tasks: an inspector sees and files only the tasks assigned to them.
rules.add_perm("inspections.view_all_tasks", staff_or_admin)
rules.add_perm("inspections.view_task", staff_or_admin | (is_inspector & is_assigned_inspector))
rules.add_perm("inspections.view_my_tasks", is_inspector)
rules.add_perm("inspections.file_sampling", is_inspector & is_assigned_inspector)
rules.add_perm("inspections.declare_conflict", is_inspector)
rules.add_perm("inspections.withdraw_conflict", (is_inspector & declared_it) | staff)
# Testing is blind: a technician sees the samples of their own laboratory by code, never the enterprise.
rules.add_perm("inspections.view_lab_worklist", is_lab_technician)
rules.add_perm("inspections.enter_results", is_lab_technician & works_at_the_lab)
rules.add_perm("inspections.review_results", staff)
rules.add_perm(
    "inspections.view_result",
    staff_or_admin | (is_lab_technician & works_at_the_lab) | (is_enterprise_user & result_notified_to_own_enterprise),
)
# The enterprise answers its own notified result: accept it, or object within the deadline.
rules.add_perm("inspections.view_own_results", is_enterprise_user)
rules.add_perm("inspections.respond_to_result", is_enterprise_user & result_notified_to_own_enterprise)
# Follow-up of nonconforming results.
rules.add_perm("inspections.view_follow_ups", staff_or_admin)
rules.add_perm("inspections.view_follow_up", staff_or_admin | (is_enterprise_user & owns_follow_up))
rules.add_perm("inspections.manage_follow_up", staff)
rules.add_perm("inspections.submit_rectification", is_enterprise_user & owns_follow_up)
# Publication.
rules.add_perm("inspections.publish_results", staff)
rules.add_perm("inspections.reply_to_publication", is_enterprise_user & owns_publication)

# API lists several roles read in part: the rule says who may ask, `visible_to` decides the rows they get.
rules.add_perm("inspections.view_draws", is_signed_in)  # draw records are public by design
rules.add_perm("inspections.list_tasks", staff_or_admin | is_inspector)
rules.add_perm("inspections.list_results", staff_or_admin | is_lab_technician | is_enterprise_user)
rules.add_perm("inspections.list_objections", staff_or_admin | is_enterprise_user)
rules.add_perm("inspections.list_follow_ups", staff_or_admin | is_enterprise_user)
rules.add_perm("inspections.list_publications", staff_or_admin | is_enterprise_user)
rules.add_perm("inspections.list_conflicts", staff_or_admin | is_inspector)

grant_model_perms("inspections", ["laboratory"], ["view", "add", "change"], is_admin)
grant_model_perms("inspections", ["conflictdeclaration", "campaign", "draw"], ["view"], is_admin)
# `inspections.view_task` above also opens the read-only admin list of tasks to administrators.
