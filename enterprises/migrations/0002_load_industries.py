from django.db import migrations

from enterprises.reference_data import industry_rows, sync_industries


def load_industries(apps, schema_editor):
    sync_industries(apps.get_model("enterprises", "Industry"))


def unload_industries(apps, schema_editor):
    Industry = apps.get_model("enterprises", "Industry")
    Industry.objects.filter(code__in=[row["code"] for row in industry_rows()], enterprises__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load_industries, unload_industries)]
