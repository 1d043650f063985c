"""Who may see and do what in spot checks. Which rows a user may see or act on is each model's access rule
(`task_access`, `lab_test_access`, ...): the object rules here come from it (`object_rule`), as does `visible_to`.
A role predicate in front (`staff_or_admin | ...`) also answers when no object is given, as the admin asks."""

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
from core.access import object_rule
from inspections.models import ConflictDeclaration, DecisionProposal, FollowUp, LabTest, PublishedResult, Task

staff = is_bureau_staff
staff_or_admin = is_bureau_staff | is_admin

# Planning and running campaigns: supervisors plan and draw, a leader approves and closes.
rules.add_perm("inspections.view_campaigns", staff_or_admin)
rules.add_perm("inspections.plan_campaign", staff)
rules.add_perm("inspections.approve_campaign", is_leader)
rules.add_perm("inspections.perform_draw", staff)
rules.add_perm("inspections.request_redraw", staff)  # a re-draw: a supervisor asks in writing,
rules.add_perm("inspections.decide_redraw", is_leader)  # and another person, a leader, approves or rejects
rules.add_perm("inspections.view_own_draws", is_enterprise_user)  # its own place in each pool, after the draw
rules.add_perm("inspections.start_campaign", staff)
rules.add_perm("inspections.close_campaign", is_leader)
# Tasks: an inspector sees and files only the tasks assigned to them.
rules.add_perm("inspections.view_all_tasks", staff_or_admin)
rules.add_perm("inspections.view_task", staff_or_admin | object_rule(Task, "view"))
rules.add_perm("inspections.view_my_tasks", is_inspector)
rules.add_perm("inspections.file_sampling", object_rule(Task, "file_sampling"))
rules.add_perm("inspections.declare_conflict", is_inspector)
rules.add_perm("inspections.withdraw_conflict", staff | object_rule(ConflictDeclaration, "withdraw"))
# Testing is blind: a technician sees the samples of their own laboratory by code, never the enterprise.
rules.add_perm("inspections.view_lab_worklist", is_lab_technician)
rules.add_perm("inspections.enter_results", object_rule(LabTest, "enter_results"))
rules.add_perm("inspections.review_results", staff)
rules.add_perm("inspections.view_result", staff_or_admin | object_rule(LabTest, "view"))
# The enterprise answers its own notified result: accept it, or object within the deadline.
rules.add_perm("inspections.view_own_results", is_enterprise_user)
rules.add_perm("inspections.respond_to_result", object_rule(LabTest, "respond"))
# Follow-up of nonconforming results.
rules.add_perm("inspections.view_follow_ups", staff_or_admin)
rules.add_perm("inspections.view_follow_up", staff_or_admin | object_rule(FollowUp, "view"))
rules.add_perm("inspections.manage_follow_up", staff)
rules.add_perm("inspections.submit_rectification", object_rule(FollowUp, "submit_rectification"))
# Decisions on an enterprise (suspension, its lifting, the refusal penalty): staff propose and record, a leader decides.
rules.add_perm("inspections.view_proposals", staff_or_admin)
rules.add_perm("inspections.view_proposal", staff_or_admin | object_rule(DecisionProposal, "view"))
rules.add_perm("inspections.decide_proposal", is_leader)
rules.add_perm("inspections.list_proposals", staff_or_admin | is_enterprise_user)
# Publication.
rules.add_perm("inspections.publish_results", staff)
rules.add_perm("inspections.reply_to_publication", object_rule(PublishedResult, "reply"))

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
# Field sampling and the chain of custody: who may scan which sample, and store or dispose of the retained half, is
# decided by inspections.custody per sample; these let the roles that take part reach the endpoints.
rules.add_perm("inspections.upload_sampling_photo", is_inspector)
rules.add_perm("inspections.scan_custody", staff | is_inspector | is_lab_technician)
rules.add_perm("inspections.view_custody", staff_or_admin | is_lab_technician | is_enterprise_user)
rules.add_perm("inspections.view_retained", staff_or_admin | is_lab_technician)
rules.add_perm("inspections.manage_retained", staff | is_lab_technician)
