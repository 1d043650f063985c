"""Role predicates: the vocabulary every app's permission rules are written in."""

import rules

from accounts.roles import BUREAU_STAFF_ROLES, Role


def has_role(*roles: str) -> rules.Predicate:
    allowed = frozenset(roles)

    @rules.predicate(name=f"has_role({', '.join(sorted(allowed))})")
    def predicate(user) -> bool:
        return getattr(user, "is_active", False) and getattr(user, "role", None) in allowed

    return predicate


is_leader = has_role(Role.LEADER)
is_supervisor = has_role(Role.SUPERVISOR)
is_inspector = has_role(Role.INSPECTOR)
is_lab_technician = has_role(Role.LAB_TECHNICIAN)
is_enterprise_user = has_role(Role.ENTERPRISE)
is_admin = has_role(Role.ADMIN)
is_bureau_staff = has_role(*BUREAU_STAFF_ROLES)
is_signed_in = rules.is_authenticated & rules.is_active
