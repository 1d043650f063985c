import datetime

import pytest

from core.bulk import bulk_insert
from enterprises.models import IDENTITY_FIELDS, Enterprise, Licence
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_bulk_insert_returns_ids_in_order_and_keeps_awkward_text(enterprise):
    awkward = ["tab\there", "new\nline", "back\\slash", r"\N literally", "引号'\"与中文"]
    rows = [
        (
            name,
            EnterpriseFactory.build().credit_code,
            "李四",
            "地址",
            enterprise.district_id,
            enterprise.area_id,
            enterprise.industry_id,
            "below",
            None,
            "active",
        )
        for name in awkward
    ]
    ids = bulk_insert(Enterprise, IDENTITY_FIELDS, rows)
    stored = Enterprise.objects.in_bulk(ids)
    assert [stored[pk].name for pk in ids] == awkward
    assert all(stored[pk].created_at and stored[pk].updated_at for pk in ids)
    # The sequence moved past the reserved ids: the next ordinary insert does not collide.
    assert EnterpriseFactory().pk > max(ids)


def test_bulk_insert_handles_dates_blanks_and_empty_input(enterprise):
    assert bulk_insert(Licence, ("enterprise",), []) == []
    fields = ("enterprise", "kind", "number", "scope", "issued_on", "expires_on")
    (pk,) = bulk_insert(
        Licence,
        fields,
        [(enterprise.pk, "ccc", "2024011234", "", datetime.date(2024, 2, 29), datetime.date(2029, 2, 28))],
    )
    licence = Licence.objects.get(pk=pk)
    assert licence.issued_on == datetime.date(2024, 2, 29) and licence.scope == ""


def test_history_baseline_gives_bulk_loaded_rows_a_created_entry(enterprise):
    from core.bulk import history_baseline
    from enterprises.timeline import change_history

    Enterprise.history.all().delete()  # as if the row had been bulk loaded
    assert history_baseline(Enterprise, reason="import") == 1
    baseline = enterprise.history.get()
    assert baseline.history_type == "+" and baseline.name == enterprise.name
    enterprise.name = "改名后的企业有限公司"
    enterprise.save()
    latest = change_history(enterprise)[0]
    assert ("名称", baseline.name, "改名后的企业有限公司") in latest.changes
