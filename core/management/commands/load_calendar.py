from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.calendar_data import load_calendar_year
from core.models import CalendarDay, CalendarYear


class Command(BaseCommand):
    help = "Load (or replace) one year of holidays and adjusted working days from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="CSV with the columns date,kind,name (see core/data/calendar)")
        parser.add_argument("--official", action="store_true", help="the file is the State Council's notice")

    def handle(self, *args, path: Path, official: bool, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            count = load_calendar_year(CalendarYear, CalendarDay, path, official=official)
        except (ValueError, KeyError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} days from {path.name}."))
