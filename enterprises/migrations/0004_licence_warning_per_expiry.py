from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_expiry_dates(apps, schema_editor):
    LicenceWarning = apps.get_model("enterprises", "LicenceWarning")
    Licence = apps.get_model("enterprises", "Licence")
    LicenceWarning.objects.update(
        expires_on=Subquery(Licence.objects.filter(pk=OuterRef("licence_id")).values("expires_on")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_quality_file")]

    operations = [
        migrations.AddField(
            model_name="licencewarning",
            name="expires_on",
            field=models.DateField(null=True, verbose_name="expires on"),
        ),
        migrations.RunPython(copy_expiry_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="licencewarning",
            name="expires_on",
            field=models.DateField(verbose_name="expires on"),
        ),
        migrations.RemoveConstraint(model_name="licencewarning", name="one_warning_per_licence_level"),
        migrations.AddConstraint(
            model_name="licencewarning",
            constraint=models.UniqueConstraint(
                fields=("licence", "level", "expires_on"), name="one_warning_per_licence_level"
            ),
        ),
    ]
