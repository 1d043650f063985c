"""Data step of the move to the serious-dishonesty list, in a migration of its own: on PostgreSQL a table whose
rows were just updated cannot be altered in the same transaction ("pending trigger events")."""

from django.db import migrations


def link_grounds(apps, schema_editor):
    """Each entry's ground code becomes the ground of that code (0003 loaded one for every code the list used);
    an entry removed under the earlier rules was removed after credit repair."""
    ground_model = apps.get_model("credit", "ListingGround")
    grounds = {ground.code: ground for ground in ground_model.objects.all()}
    for name in ("BlacklistEntry", "HistoricalBlacklistEntry"):
        model = apps.get_model("credit", name)
        for code, ground in grounds.items():
            model.objects.filter(ground=code).update(ground_ref=ground)
        model.objects.filter(status="removed").update(removal_kind="repair")


def unlink_grounds(apps, schema_editor):
    for name in ("BlacklistEntry", "HistoricalBlacklistEntry"):
        model = apps.get_model("credit", name)
        for entry in model.objects.exclude(ground_ref=None).select_related("ground_ref"):
            model.objects.filter(pk=entry.pk).update(ground=entry.ground_ref.code)


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0006_serious_dishonesty_list'),
    ]

    operations = [
        migrations.RunPython(link_grounds, unlink_grounds),
    ]
