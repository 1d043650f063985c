"""The domain events enterprises emits (kinds "enterprise.<what>")."""

RECORD = "enterprise.record"  # a licence, self-report or penalty recorded or changed (the credit grade may move)
