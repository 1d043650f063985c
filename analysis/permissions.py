"""Who may see the leaders' dashboard: the bureau's leaders and supervisors."""

import rules

from accounts.predicates import is_bureau_staff

rules.add_perm("analysis.view_dashboard", is_bureau_staff)
# Rebuilding the result summary now rather than at its next scheduled run.
rules.add_perm("analysis.refresh_dashboard", is_bureau_staff)
