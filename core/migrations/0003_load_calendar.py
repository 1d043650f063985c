from django.db import migrations

from core.calendar_data import DATA_DIR, load_calendar_year

OFFICIAL = {2026: True, 2027: False}  # 2027 holds only the statutory holidays until the State Council's notice


def load(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    for year, official in OFFICIAL.items():
        load_calendar_year(CalendarYear, CalendarDay, DATA_DIR / f"{year}.csv", official=official)


def unload(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(date__year__in=OFFICIAL).delete()
    apps.get_model("core", "CalendarYear").objects.filter(year__in=OFFICIAL).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_working_day_calendar")]

    operations = [migrations.RunPython(load, unload)]
