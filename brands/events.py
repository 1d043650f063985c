"""The domain events brands emits (kinds "brands.<what>"). Each kind is also the detail the credit grade's
history records for it, as before events carried the recalculation."""

HONOUR_AWARDED = "brands.award"  # a programme's honours awarded (one event per honour, to its holder)
HONOUR_REVOKED = "brands.revocation"  # an honour revoked on a confirmed proposal
