"""Who works on standardization: the leaders, and bureau staff of the standardization section."""

import rules

from accounts.predicates import has_role, is_bureau_staff, is_enterprise_user, is_leader
from accounts.roles import Role, Section


@rules.predicate
def in_standardization_section(user) -> bool:
    return getattr(user, "section", "") == Section.STANDARDIZATION


# Leaders and the section's supervisors and inspectors see and change every standards record; other bureau
# supervisors read them.
is_standards_staff = is_leader | (has_role(Role.SUPERVISOR, Role.INSPECTOR) & in_standardization_section)
reads_standards = is_standards_staff | is_bureau_staff
is_enterprise = is_enterprise_user
