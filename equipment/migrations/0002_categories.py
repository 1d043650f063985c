"""The eight categories of the national catalogue of special equipment, with their inspection intervals."""

from django.db import migrations

from equipment.reference_data import CATEGORIES, ensure_categories


def load(apps, schema_editor):
    ensure_categories(apps.get_model("equipment", "Category"))


def unload(apps, schema_editor):
    Category = apps.get_model("equipment", "Category")
    Category.objects.filter(code__in=[row[0] for row in CATEGORIES], units__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("equipment", "0001_register")]
    operations = [migrations.RunPython(load, unload)]
