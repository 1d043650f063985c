"""The domain events metrology emits (kinds "metrology.<what>"); the credit grade follows them."""

VERIFIED = "metrology.verified"  # a verification recorded or imported for an instrument with an enterprise owner
USED_AFTER_FAILURE = "metrology.used_after_failure"  # staff found an instrument in use after failing verification
INSTRUMENT_FILED = "metrology.instrument_filed"  # an instrument filed, accepted, returned or retired
NET_CONTENT_TESTED = "metrology.net_content_tested"  # a lot's net content judged (JJF 1070), passed or failed
