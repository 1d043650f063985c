"""The domain events equipment emits (kinds "equipment.<what>"), each about the using unit's enterprise."""

UNIT_REGISTERED = "equipment.unit_register"  # a unit entered on the register (by staff, the using unit or import)
REGISTRATION_DECIDED = "equipment.registration_decide"  # a use registration accepted or returned
INSPECTION_RECORDED = "equipment.inspection_record"  # a periodic inspection's result recorded or imported
UNIT_STATUS_CHANGED = "equipment.unit_status"  # stopped, back in use, scrapped, registration cancelled
