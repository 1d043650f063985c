"""Who may see and do what in special-equipment safety. Leaders and the special-equipment section's staff see and
change every unit; other bureau supervisors read; a using unit reads its own units and applies for their
registration; the public reads only the status page of a registered unit, by its registration number."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import is_admin, is_enterprise_user, is_supervisor
from core.access import object_rule
from equipment.models import Unit
from equipment.models import is_equipment_staff as _is_equipment_staff

is_equipment_staff = rules.predicate(_is_equipment_staff, name="is_equipment_staff")

rules.add_perm("equipment.list", is_equipment_staff | is_supervisor | is_enterprise_user)
rules.add_perm("equipment.manage", is_equipment_staff)  # change units, decide registrations, record inspections
rules.add_perm("equipment.import", is_equipment_staff)
rules.add_perm("equipment.add_unit", is_equipment_staff | is_enterprise_user)  # a using unit registers its own
rules.add_perm("equipment.apply", is_equipment_staff | object_rule(Unit, "apply"))
rules.add_perm("equipment.read_unit", object_rule(Unit, "view"))
rules.add_perm("equipment.keep_operators", is_equipment_staff | is_enterprise_user)  # a using unit its own

MODELS = ["category", "unit", "registration", "inspection", "reminder", "operator"]
grant_model_perms("equipment", MODELS, ["view"], is_admin)
grant_model_perms("equipment", ["category"], ["change"], is_admin)
