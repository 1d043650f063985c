"""The eight categories of the national catalogue of special equipment (特种设备目录, 2014), with the periodic
inspection intervals of their safety technical specifications (TSG) as the bureau starts from: data it edits."""

from django.db import migrations

CATEGORIES = [
    # code, name, interval in months, operators must be certified
    ("1000", "锅炉", 12, True),  # TSG 11: external inspection yearly (internal every two years)
    ("2000", "压力容器", 36, True),  # TSG 21: by safety grade, 3 to 6 years
    ("3000", "电梯", 12, False),  # TSG T7001: yearly; no operator certificate since 2019
    ("4000", "起重机械", 24, True),  # TSG Q7015: mostly every two years
    ("5000", "场（厂）内专用机动车辆", 12, True),  # TSG N0001: yearly
    ("6000", "大型游乐设施", 12, True),  # TSG 71: yearly
    ("8000", "压力管道", 36, False),  # TSG D7005: by safety grade, 3 to 6 years
    ("9000", "客运索道", 12, True),  # TSG S7001: yearly
]


def load(apps, schema_editor):
    Category = apps.get_model("equipment", "Category")
    for code, name, months, certified in CATEGORIES:
        Category.objects.update_or_create(
            code=code,
            defaults={"name": name, "inspection_interval_months": months, "needs_certified_operators": certified},
        )


def unload(apps, schema_editor):
    Category = apps.get_model("equipment", "Category")
    Category.objects.filter(code__in=[row[0] for row in CATEGORIES], units__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("equipment", "0001_register")]
    operations = [migrations.RunPython(load, unload)]
