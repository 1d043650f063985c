"""Check the audit log's hash chain and the daily heads on file: `manage.py verify_audit` exits 1 at the first
broken link, naming the entry."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_head_write, audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (and the daily heads in AUDIT_HEAD_DIR); exit 1 at the first break."

    def add_arguments(self, parser):
        parser.add_argument("--head-dir", type=Path, help="the folder of daily heads (default: AUDIT_HEAD_DIR)")
        parser.add_argument("--write-head", action="store_true", help="then write today's head, as the daily task")

    def handle(self, *args, **options):
        result = audit_verify(head_dir=options["head_dir"])
        if not result.ok:
            raise CommandError(f"The audit chain is broken at {result.broken} ({result.entries} entries read).")
        self.stdout.write(
            self.style.SUCCESS(
                f"The audit chain holds: {result.entries} entries, {result.heads_checked} daily heads checked; "
                f"head {result.head}."
            )
        )
        if options["write_head"]:
            path = audit_head_write(head_dir=options["head_dir"])
            self.stdout.write(f"Head written to {path}." if path else "No head written (no folder or no entries).")
