"""The constraints of an enterprise's own standards, once 0009 has classified the existing ones (a separate
migration: PostgreSQL does not alter a table whose rows the same transaction updated)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0009_standards_declared_or_filed")]

    operations = [
        migrations.AddConstraint(
            model_name='standard',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'enterprise'), _negated=True), models.Q(('owner__isnull', False), ('published_on__isnull', False)), _connector='OR'), name='standard_enterprise_kind_is_declared', violation_error_message='An enterprise standard needs its enterprise and the date it was published.'),
        ),
        migrations.AddConstraint(
            model_name='standard',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'food_safety'), _negated=True), models.Q(('owner__isnull', False), models.Q(('filing_number', ''), _negated=True), ('filed_on__isnull', False)), _connector='OR'), name='standard_food_safety_kind_is_filed', violation_error_message='A food-safety enterprise standard needs its enterprise, filing number and date.'),
        ),
    ]
