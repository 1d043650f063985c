from django.db import migrations

from core.calendar_data import BUNDLED_YEARS, load_bundled_calendars


def load(apps, schema_editor):
    load_bundled_calendars(apps.get_model("core", "CalendarYear"), apps.get_model("core", "CalendarDay"))


def unload(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(date__year__in=BUNDLED_YEARS).delete()
    apps.get_model("core", "CalendarYear").objects.filter(year__in=BUNDLED_YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_working_day_calendar")]

    operations = [migrations.RunPython(load, unload)]
