from django.db import migrations

from metrology.reference_data import ensure_categories


def load(apps, schema_editor):
    ensure_categories(apps.get_model("metrology", "InstrumentCategory"))


class Migration(migrations.Migration):
    dependencies = [("metrology", "0001_instruments")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
