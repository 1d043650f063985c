from django.db import migrations


def load(apps, schema_editor):
    from complaints.reference_data import ensure_complaint_weights

    ensure_complaint_weights(apps.get_model("credit", "ScoringModel"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("brands", "0002_scoring_model_honours")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
