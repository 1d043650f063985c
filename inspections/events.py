"""The domain events inspections emits (kinds "inspection.<what>")."""

VERDICT = "inspection.verdict"  # a task's final verdict (conforming, nonconforming, ...)
REFUSAL = "inspection.refusal"  # a task's final verdict when the enterprise refused the sampling
FOLLOW_UP = "inspection.follow_up"  # a follow-up opened, moved on or closed
CUSTODY_SEAL_BROKEN = "inspection.custody_seal_broken"  # a sample reached the laboratory with its seal broken
