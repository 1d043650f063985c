"""The enterprise standards on file were all recorded as "filed". Since the Standardization Law of 2017 an
enterprise standard is self-declared and published (自我声明公开); only a food-safety enterprise standard is still
filed (备案). A standard numbered as a food-safety enterprise standard (Q/XXX 0001S-2026: an S after the sequence
number) stays filed, as a food-safety one; every other one becomes self-declared, published on the date it had been
recorded as filed (its filing number kept as it was)."""

import re

from django.db import migrations

FOOD_SAFETY_CODE = re.compile(r"\d+\s*S\s*-\s*\d{4}\s*$", re.IGNORECASE)


def forwards(apps, schema_editor):
    Standard = apps.get_model("enterprises", "Standard")
    for standard in Standard.objects.filter(kind="enterprise").order_by("pk"):
        if FOOD_SAFETY_CODE.search(standard.code):
            standard.kind = "food_safety"
        else:
            standard.published_on = standard.filed_on
        standard.save(update_fields=["kind", "published_on"])


def backwards(apps, schema_editor):
    Standard = apps.get_model("enterprises", "Standard")
    Standard.objects.filter(kind="food_safety").update(kind="enterprise")
    # A standard declared since has no filing: the old constraint wanted one, so its publication stands in.
    for standard in Standard.objects.filter(kind="enterprise", filed_on__isnull=True).order_by("pk"):
        standard.filed_on = standard.published_on
        standard.filing_number = standard.filing_number or "—"
        standard.save(update_fields=["filed_on", "filing_number"])


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0008_standard_self_declared")]

    operations = [migrations.RunPython(forwards, backwards)]
