"""Honours awarded before the conferring body's decision was recorded: each names the body that conferred it (the
setting for its programme kind) with no document number, and keeps its award date and validity. A decided call gets
its conferral on file (conferred on the award date, no document number) so its page says who conferred it."""

from django.conf import settings
from django.db import migrations

LEGACY_NOTE = "（系统记录前授予：无决定文号）"


def _body(kind: str) -> str:
    if kind == "quality_award":
        return settings.BRANDS_CONFERRING_BODY_AWARD
    return settings.BRANDS_CONFERRING_BODY_BRAND


def forwards(apps, schema_editor):
    Programme = apps.get_model("brands", "Programme")
    Honour = apps.get_model("brands", "Honour")
    Conferral = apps.get_model("brands", "Conferral")
    for kind in ("quality_award", "famous_brand"):
        Honour.objects.filter(programme__kind=kind, conferring_body="").update(conferring_body=_body(kind))
    for programme in Programme.objects.filter(status="decided", conferral__isnull=True).order_by("pk"):
        awarded = (
            Honour.objects.filter(programme=programme).order_by("awarded_on").values_list("awarded_on", flat=True)
        )
        first = awarded.first()
        if first is None:
            continue
        Conferral.objects.create(
            programme=programme,
            conferring_body=_body(programme.kind),
            submitted_on=first,
            submission_note=LEGACY_NOTE,
            submitted_by_id=programme.created_by_id,
            conferred=True,
            decided_on=first,
            decided_by_id=programme.created_by_id,
        )


def backwards(apps, schema_editor):
    apps.get_model("brands", "Conferral").objects.filter(submission_note=LEGACY_NOTE).delete()
    apps.get_model("brands", "Honour").objects.update(conferring_body="")


class Migration(migrations.Migration):
    dependencies = [("brands", "0003_conferral")]

    operations = [migrations.RunPython(forwards, backwards)]
