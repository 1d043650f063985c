"""Who may see and do what in metrology. Leaders and the metrology section's staff (a supervisor or inspector whose
`section` is metrology) see and change every record; the other bureau staff read them; an owner (an enterprise
user) files and reads its own instruments; the public only checks a certificate on the status page."""

import rules

from accounts.model_perms import grant_model_perms
from accounts.predicates import is_admin, is_bureau_staff, is_enterprise_user, is_inspector, is_leader, is_supervisor
from accounts.roles import Section
from core.access import object_rule
from metrology.models import Instrument


@rules.predicate
def in_metrology_section(user) -> bool:
    return getattr(user, "section", "") == Section.METROLOGY


is_metrology_staff = is_leader | ((is_supervisor | is_inspector) & in_metrology_section)

rules.add_perm("metrology.manage", is_metrology_staff)
rules.add_perm("metrology.view_all", is_bureau_staff | is_metrology_staff)
rules.add_perm("metrology.file", is_enterprise_user | is_metrology_staff)
rules.add_perm("metrology.list", is_bureau_staff | is_metrology_staff | is_enterprise_user)
rules.add_perm("metrology.read_instrument", object_rule(Instrument, "view"))
rules.add_perm("metrology.edit_instrument", object_rule(Instrument, "change"))

grant_model_perms("metrology", ["instrumentcategory", "instrument", "verification", "reminder"], ["view"], is_admin)
