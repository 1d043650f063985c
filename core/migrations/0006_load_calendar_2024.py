from django.db import migrations

from core.calendar_data import DATA_DIR, load_calendar_year


def load(apps, schema_editor):
    """Add 2024 where it is missing; a year already on file (perhaps edited by the bureau) is left as it is."""
    calendar_year, calendar_day = apps.get_model("core", "CalendarYear"), apps.get_model("core", "CalendarDay")
    if not calendar_year.objects.filter(year=2024).exists():
        load_calendar_year(calendar_year, calendar_day, DATA_DIR / "2024.csv", official=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_load_calendar_2025")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
