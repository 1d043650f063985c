"""A new scoring model version giving metrology's indicators (registered by metrology from its AppConfig.ready)
their points. The weights are written here, not imported: credit sits below metrology
(metrology.reference_data.METROLOGY_WEIGHTS holds the same, for the restore after a flush)."""

from django.db import migrations

WEIGHTS = {
    "metrology_overdue_verification": {"points": -3, "cap": 15},
    "metrology_used_after_failure": {"points": -10, "cap": 20},
    "metrology_net_content_failed": {"points": -5, "cap": 15},
}
NOTE = (
    "Metrology counts: -3 points per instrument overdue for compulsory verification (at most -15), -10 per "
    "instrument found in use after failing verification (at most -20), -5 per failed net-content lot in the "
    "look-back window (at most -15) (QS Portal issue 19)."
)


def load(apps, schema_editor):
    from credit.reference_data import ensure_weights

    ensure_weights(apps.get_model("credit", "ScoringModel"), weights=WEIGHTS, note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("credit", "0010_deferred_recalculation"), ("complaints", "0002_scoring_model_complaints")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
