import json

from django.core.management.base import BaseCommand, CommandError

from inspections import draw as algorithm
from inspections.models import Draw


class Command(BaseCommand):
    help = (
        "Re-run a published double-random draw and check it: the seed against the commitment, the inputs against "
        "their digest, and the result. Give a draw number on file, or --file with a bundle downloaded from the "
        "draw's public page."
    )

    def add_arguments(self, parser):
        parser.add_argument("draw", nargs="?", type=int, help="the draw's id (as in /public/draws/<id>/)")
        parser.add_argument("--file", help="a bundle (JSON) downloaded from a draw's public page")

    def handle(self, *args, draw=None, file=None, **options):
        if (draw is None) == (file is None):
            raise CommandError("Give either a draw id or --file.")
        if file:
            with open(file, encoding="utf-8") as handle:
                bundle = json.load(handle)
        else:
            record = Draw.objects.filter(pk=draw).first()
            if record is None:
                raise CommandError(f"No draw {draw}.")
            bundle = record.verification_bundle(reveal=True)  # the bureau checks its own draws before they are public
            if record.status == "failed":
                raise CommandError(f"Draw {draw} failed ({record.failure}): there is nothing to verify.")
            if "seed" not in bundle:
                raise CommandError(f"Draw {draw} is committed but not drawn yet: there is nothing to verify.")
        outcome = algorithm.verify(bundle)
        self.stdout.write(f"commitment matches the seed: {outcome.commitment_matches}")
        self.stdout.write(f"inputs match their digest:   {outcome.inputs_match}")
        self.stdout.write(f"re-run gives the result:     {outcome.result_matches}")
        self.stdout.write(f"drawn names match the re-run: {outcome.drawn_matches}")
        if not outcome.ok:
            raise CommandError("NOT VERIFIED" + (f": {outcome.problem}" if outcome.problem else ""))
        result = bundle["result"]
        count = len(result["enterprises"]) if "enterprises" in result else sum(map(len, result["strata"].values()))
        self.stdout.write(self.style.SUCCESS(f"VERIFIED ({count} enterprises)"))
