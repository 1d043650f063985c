"""The domain events credit emits (kinds "credit.<what>"): each moves the enterprise's grade, which follows when
the event is dispatched (credit.handlers); others may react too (brands reviews an honour when its holder is
listed)."""

LISTED = "credit.listed"  # put on the serious-dishonesty list (a leader decided to list)
DELISTED = "credit.delisted"  # taken off the list (early removal approved, or three years after publication)
OVERRIDE_APPROVED = "credit.override_approved"  # a grade set by hand takes effect
OVERRIDE_ENDED = "credit.override_ended"  # ended by staff or expired: the computed grade applies again
