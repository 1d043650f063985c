"""Events the standardization app emits (core.events)."""

CATALOGUE_LOADED = "standards.catalogue_loaded"
STANDARD_CHANGED = "standards.standard_changed"
DECLARED = "standards.declared"
DECLARATION_WITHDRAWN = "standards.declaration_withdrawn"
DECLARATION_CHECKED = "standards.declaration_checked"
PRODUCT_STANDARD_CHANGED = "standards.product_standard_changed"
PROJECT_SAVED = "standards.project_saved"
