"""Seal the entries written before the audit log became a hash chain, oldest first, in batches."""

from django.db import migrations


def seal(apps, schema_editor):
    from core.audit import audit_chain_reseal

    audit_chain_reseal(model=apps.get_model("core", "AuditEntry"))


class Migration(migrations.Migration):
    dependencies = [("core", "0008_audit_hash_chain")]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=False)]
