from django.db import migrations, models


def load(apps, schema_editor):
    from credit.reference_data import ensure_a_needs_conforming_check

    ensure_a_needs_conforming_check(apps.get_model("credit", "ScoringModel"))


class Migration(migrations.Migration):
    """Grade A needs a conforming spot check: versions issued before keep their rules (False), new versions have it
    by default (True), and a new version is issued with it, effective from the day the migration runs."""

    dependencies = [("credit", "0002_first_scoring_model")]

    operations = [
        migrations.AddField(
            model_name="scoringmodel",
            name="a_needs_conforming_check",
            field=models.BooleanField(default=False, verbose_name="grade A needs a conforming spot check"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="scoringmodel",
            name="a_needs_conforming_check",
            field=models.BooleanField(
                db_default=True,
                default=True,
                help_text=(
                    "Without a conforming spot check in the look-back window the grade is B at most: honours alone "
                    "never make an enterprise A."
                ),
                verbose_name="grade A needs a conforming spot check",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
