"""The domain events complaints emits (see core.events). Credit's grade and risk follow them once the write has
committed."""

RESOLVED = "complaints.resolved"  # a complaint about an enterprise resolved: its outcome counts in grade and risk
