"""The public result search at a city's scale: each published result carries its enterprise and its campaign's year
(copied from the task and the campaign, which no longer change once a campaign has results), so the search filters
and sorts the one table; partial indexes newest first for the standing results alone and within each filter; and on
PostgreSQL GIN indexes of the characters and character pairs of the enterprise name and the product
(core.search.ContainsText; the functions come with enterprises' perf_name_grams)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

GRAMS_INDEXES = [
    "CREATE INDEX IF NOT EXISTS published_enterprise_name_grams ON inspections_publishedresult"
    " USING gin (qs_name_grams(enterprise_name))",
    "CREATE INDEX IF NOT EXISTS published_product_name_grams ON inspections_publishedresult"
    " USING gin (qs_name_grams(product_name))",
]
DROP_GRAMS_INDEXES = [
    "DROP INDEX IF EXISTS published_enterprise_name_grams",
    "DROP INDEX IF EXISTS published_product_name_grams",
]


def copy_enterprise_and_year(apps, schema_editor):
    PublishedResult = apps.get_model("inspections", "PublishedResult")
    Task = apps.get_model("inspections", "Task")
    Campaign = apps.get_model("inspections", "Campaign")
    PublishedResult.objects.update(
        enterprise_id=Subquery(Task.objects.filter(pk=OuterRef("task_id")).values("enterprise_id")[:1]),
        year=Subquery(Campaign.objects.filter(pk=OuterRef("campaign_id")).values("year")[:1]),
    )


def grams_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in GRAMS_INDEXES:
            schema_editor.execute(statement)


def drop_grams_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_GRAMS_INDEXES:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0012_perf_name_grams"),
        ("inspections", "0007_offline_sampling_custody"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedresult",
            name="enterprise",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="enterprises.enterprise",
            ),
        ),
        migrations.AddField(
            model_name="publishedresult",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="year"),
        ),
        migrations.RunPython(copy_enterprise_and_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="publishedresult",
            name="enterprise",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="enterprises.enterprise",
            ),
        ),
        migrations.AlterField(
            model_name="publishedresult",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="year"),
        ),
        migrations.AddIndex(
            model_name="publishedresult",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=["-published_at", "-id"],
                name="published_standing_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="publishedresult",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=["campaign", "-published_at", "-id"],
                name="published_campaign_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="publishedresult",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=["year", "-published_at", "-id"],
                name="published_year_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="publishedresult",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=["verdict", "-published_at", "-id"],
                name="published_verdict_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="publishedresult",
            index=models.Index(fields=["enterprise", "-published_at", "-id"], name="published_enterprise_newest"),
        ),
        migrations.AddIndex(
            model_name="publishedresult",
            index=models.Index(fields=["credit_code"], name="published_credit_code"),
        ),
        migrations.RunPython(grams_indexes, drop_grams_indexes, elidable=False),
    ]
