"""The domain events complaints emits (kinds "complaints.<what>"). The kind is also the detail the credit
grade's history records for it, as before events carried the recalculation."""

RESOLVED = "complaints.resolve"  # a complaint linked to an enterprise resolved, with its outcome
