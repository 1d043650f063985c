from django.db import migrations


def load(apps, schema_editor):
    from brands.reference_data import ensure_honour_weight

    ensure_honour_weight(apps.get_model("credit", "ScoringModel"))


class Migration(migrations.Migration):
    dependencies = [("brands", "0001_initial"), ("credit", "0002_first_scoring_model")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
