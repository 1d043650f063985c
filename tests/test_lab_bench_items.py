"""Test items per product category within a campaign: an item applies to the categories it names (none named: all
of them, as every item of a campaign made before this rule does); an item is marked not applicable only with a
reason and never a mandatory one; the verdict counts only applicable items."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.roles import Role
from inspections.choices import LimitKind
from inspections.models import LabTest, TestItem
from inspections.services import campaigns, testing
from tests.factories import StandardFactory
from tests.spotcheck import SpotCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench(actors):
    spot_check = SpotCheck(actors, enterprises=1, batches=1)  # categories 大米 and 小麦粉
    standard = StandardFactory()
    spot_check.gluten = campaigns.test_item_save(
        actor=spot_check.supervisor,
        item=TestItem(
            campaign=spot_check.campaign,
            name="湿面筋",
            standard=standard,
            limit_kind=LimitKind.MINIMUM,
            lower=Decimal("26"),
            unit="%",
            product_categories="小麦粉",
            position=2,
        ),
    )
    spot_check.additive = campaigns.test_item_save(
        actor=spot_check.supervisor,
        item=TestItem(
            campaign=spot_check.campaign,
            name="过氧化苯甲酰",
            standard=standard,
            limit_kind=LimitKind.QUALITATIVE,
            requirement="不得使用",
            mandatory=False,
            position=3,
        ),
    )
    spot_check.start()
    task = spot_check.task_at()
    spot_check.sample(task)
    lab_test = LabTest.objects.get(task=task, kind="initial")
    spot_check.receive(lab_test)  # the seal scanned on receipt: findings wait for it
    return spot_check, lab_test


def save(spot_check, lab_test, findings, *, submit=True, category=None):
    return testing.lab_test_save_results(
        actor=spot_check.technician, lab_test=lab_test, findings=findings, submit=submit, category=category
    )


def test_an_item_of_another_category_does_not_apply_and_is_not_required(bench):
    spot_check, lab_test = bench
    lab_test = save(
        spot_check,
        lab_test,
        {
            spot_check.cadmium.pk: {"value": Decimal("0.1")},
            spot_check.labelling.pk: {"conforms": True},
            spot_check.additive.pk: {"conforms": True},
        },
        category="大米",
    )
    assert (lab_test.status, lab_test.verdict, lab_test.category) == ("submitted", "conforming", "大米")
    assert set(testing.applicable_items(lab_test)) == {
        spot_check.cadmium.pk,
        spot_check.labelling.pk,
        spot_check.additive.pk,
    }


def test_the_categorys_own_item_is_required_and_counts(bench):
    spot_check, lab_test = bench
    findings = {
        spot_check.cadmium.pk: {"value": Decimal("0.1")},
        spot_check.labelling.pk: {"conforms": True},
        spot_check.additive.pk: {"conforms": True},
    }
    with translation.override("en"), pytest.raises(ValidationError, match="missing for: 湿面筋"):
        save(spot_check, lab_test, findings, category="小麦粉")
    lab_test = save(spot_check, lab_test, {**findings, spot_check.gluten.pk: {"value": Decimal("20")}})
    assert lab_test.verdict == "nonconforming"  # the wheat flour's gluten is below its minimum


def test_an_unknown_category_is_refused(bench):
    spot_check, lab_test = bench
    with pytest.raises(ValidationError) as error:
        save(spot_check, lab_test, {}, submit=False, category="电线电缆")
    assert "category" in error.value.message_dict


def test_existing_items_apply_to_every_category(bench):
    """Items that name no category (every item of a campaign planned before this rule) apply to all."""
    spot_check, _lab_test = bench
    assert spot_check.cadmium.product_categories == "" and spot_check.cadmium.mandatory
    assert spot_check.cadmium.applies_to("大米") and spot_check.cadmium.applies_to("小麦粉")
    assert spot_check.gluten.applies_to("") and not spot_check.gluten.applies_to("大米")


def test_not_applicable_needs_a_reason_and_leaves_the_verdict(bench):
    spot_check, lab_test = bench
    base = {spot_check.cadmium.pk: {"value": Decimal("0.1")}, spot_check.labelling.pk: {"conforms": True}}
    with translation.override("en"), pytest.raises(ValidationError, match="give the reason"):
        save(spot_check, lab_test, {**base, spot_check.additive.pk: {"not_applicable": True, "note": " "}})
    lab_test = save(
        spot_check,
        lab_test,
        {**base, spot_check.additive.pk: {"not_applicable": True, "note": "样品为大米，不使用该添加剂"}},
        category="大米",
    )
    assert lab_test.verdict == "conforming"
    result = lab_test.item_results.get(item=spot_check.additive)
    assert result.not_applicable and result.note == "样品为大米，不使用该添加剂"


def test_a_mandatory_item_is_never_not_applicable(bench):
    spot_check, lab_test = bench
    with translation.override("en"), pytest.raises(ValidationError, match="mandatory"):
        save(
            spot_check,
            lab_test,
            {spot_check.cadmium.pk: {"not_applicable": True, "note": "不适用"}},
            submit=False,
        )


def test_a_failed_not_applicable_item_cannot_hide_a_failure(bench):
    spot_check, lab_test = bench
    lab_test = save(
        spot_check,
        lab_test,
        {
            spot_check.cadmium.pk: {"value": Decimal("0.5")},  # above 0.2: fails
            spot_check.labelling.pk: {"conforms": True},
            spot_check.additive.pk: {"not_applicable": True, "note": "不适用"},
        },
        category="大米",
    )
    assert lab_test.verdict == "nonconforming"


def test_an_item_names_only_the_campaigns_categories(bench):
    spot_check, _lab_test = bench
    item = TestItem(
        campaign=spot_check.campaign,
        name="绝缘电阻",
        standard=spot_check.cadmium.standard,
        limit_kind=LimitKind.QUALITATIVE,
        requirement="合格",
        product_categories="电线电缆",
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "product_categories" in error.value.message_dict


def test_the_bench_form_offers_the_category_and_not_applicable(client, actors, bench):
    spot_check, lab_test = bench
    client.force_login(actors[Role.LAB_TECHNICIAN])
    page = client.get(lab_test.get_absolute_url()).content.decode()
    assert 'name="category"' in page and f'name="na_{spot_check.additive.pk}"' in page
    assert f'name="na_{spot_check.cadmium.pk}"' not in page  # mandatory
    response = client.post(
        lab_test.get_absolute_url(),
        {
            "category": "大米",
            f"item_{spot_check.cadmium.pk}": "0.1",
            f"item_{spot_check.labelling.pk}": "yes",
            f"na_{spot_check.additive.pk}": "on",
            f"note_{spot_check.additive.pk}": "大米不涉及",
            "submit": "",
        },
    )
    assert response.status_code == 302
    lab_test.refresh_from_db()
    assert (lab_test.status, lab_test.verdict, lab_test.category) == ("submitted", "conforming", "大米")
    page = client.get(lab_test.get_absolute_url()).content.decode()
    assert 'data-testid="sample-category"' in page


@pytest.mark.parametrize("category", ["\ud800", "x" * 100_000, "电线电缆"])
def test_the_api_refuses_a_bad_category(client, actors, bench, category):
    spot_check, lab_test = bench
    client.force_login(actors[Role.LAB_TECHNICIAN])
    response = client.post(
        f"/api/v1/results/{lab_test.pk}/findings/",
        data=json.dumps({"findings": [], "category": category}),
        content_type="application/json",
    )
    assert response.status_code == 400
    lab_test.refresh_from_db()
    assert lab_test.category == ""
