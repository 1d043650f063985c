import datetime
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qsportal.demo.seed import DEMO_PASSWORD, demo_accounts, demo_is_seeded, seed_demo_city
from qsportal.reference_data import restore_reference_data


class Command(BaseCommand):
    help = "Build a realistic demo city (deterministic for a given --seed and --as-of date)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--enterprises", type=int, default=300, help="how many enterprises (default 300)")
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=None,
            help="the date licence validity is drawn around, YYYY-MM-DD (default: today)",
        )
        parser.add_argument("--reset", action="store_true", help="empty the whole database first")
        parser.add_argument(
            "--force", action="store_true", help="seed even with DEBUG off (demo accounts share a published password)"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like a production database. The demo accounts have a published password; "
                "pass --force if you really want a demo city here."
            )
        if options["enterprises"] < 1:
            raise CommandError("--enterprises must be at least 1.")
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            restore_reference_data()  # what the data migrations loaded and flush removed
        if demo_is_seeded():
            self.stdout.write("The database already holds a city; nothing was added (use --reset to rebuild it).")
            self._print_accounts(demo_accounts())
            return
        as_of = options["as_of"] or timezone.localdate()
        started = time.perf_counter()
        result = seed_demo_city(seed=options["seed"], enterprises=options["enterprises"], as_of=as_of)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city built in {elapsed:.1f} s: {result.districts} districts, {result.areas} responsibility "
                f"areas, {result.enterprises} enterprises, {result.licences} licences, {result.users} users."
            )
        )
        self.stdout.write(
            f"The same city again: seed_demo --reset --seed {options['seed']} --enterprises {options['enterprises']} "
            f"--as-of {as_of.isoformat()}"
        )
        self._print_accounts(result.accounts)

    def _print_accounts(self, accounts):
        if not accounts:
            return
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for label, username, full_name in accounts:
            self.stdout.write(f"  {username:<12} {full_name}  ({label})")
