from django.db import migrations


def load(apps, schema_editor):
    from credit.reference_data import ensure_scoring_model

    ensure_scoring_model(apps.get_model("credit", "ScoringModel"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
