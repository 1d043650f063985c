"""A complaint from the public to its effect on the enterprise's credit, and a tip's reward, through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from complaints import services
from complaints.choices import ComplaintKind, ComplaintStatus, NominationStatus, Outcome
from complaints.events import RESOLVED
from complaints.models import Nomination
from core.events import event_dispatch
from core.models import DomainEvent
from credit.models import CreditGrade
from credit.services import recalculate_enterprises
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def filed(**values):
    return services.complaint_file(
        values={
            "kind": ComplaintKind.TIP,  # a tip is verified and may lead to a case; a complaint is mediated
            "product_name": "电热水壶",
            "place": "岳阳楼区步行街某商店",
            "description": "使用一周后底座漏电",
            "contact_name": "李四",
            "contact_phone": "13800001111",
            **values,
        }
    )


def test_the_grade_follows_a_resolution_through_the_resolved_event_only(actors, enterprise, reference_data):
    recalculate_enterprises([enterprise.pk], cause="manual")
    complaint = services.complaint_accept(
        actor=actors[Role.SUPERVISOR], complaint=filed(), enterprise=enterprise, assigned_to=actors[Role.INSPECTOR]
    )
    services.complaint_resolve(  # not committed yet: nothing follows
        actor=actors[Role.INSPECTOR], complaint=complaint, outcome=Outcome.SUBSTANTIATED, reply="经查属实"
    )
    assert CreditGrade.objects.get(pk=enterprise.pk).indicator_values["complaint_substantiated"] == 0
    event = DomainEvent.objects.get(kind=RESOLVED, enterprise=enterprise)
    assert event.payload == {"complaint": complaint.pk, "outcome": Outcome.SUBSTANTIATED}
    assert event.kind == "complaints.resolve" and event.dispatched_at is None  # the kind is the history's detail
    assert event_dispatch(event.pk)  # as after the commit
    assert CreditGrade.objects.get(pk=enterprise.pk).indicator_values["complaint_substantiated"] == 1


def test_a_substantiated_complaint_lowers_the_grade_and_raises_the_risk(
    actors, enterprise, reference_data, django_capture_on_commit_callbacks
):
    recalculate_enterprises([enterprise.pk], cause="manual")
    before = CreditGrade.objects.get(pk=enterprise.pk)
    complaint = filed()
    assert complaint.tracking_number.startswith("TS") and len(complaint.tracking_number) == 20
    supervisor = actors[Role.SUPERVISOR]
    complaint = services.complaint_accept(
        actor=supervisor, complaint=complaint, enterprise=enterprise, assigned_to=actors[Role.INSPECTOR]
    )
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.complaint_resolve(actor=actors[Role.INSPECTOR], complaint=complaint, outcome="substantiated", reply="")
    with django_capture_on_commit_callbacks(execute=True):  # the grade follows the resolution's commit
        complaint = services.complaint_resolve(
            actor=actors[Role.INSPECTOR],
            complaint=complaint,
            outcome=Outcome.SUBSTANTIATED,
            reply="经查属实，已责令整改",
        )
    after = CreditGrade.objects.get(pk=enterprise.pk)
    assert after.indicator_values["complaint_substantiated"] == 1
    assert after.score == before.score - 5 and after.risk_score == before.risk_score + 10


def test_anonymous_tips_need_no_contact_and_a_tip_that_led_to_a_case_is_rewarded(actors, enterprise, reference_data):
    with pytest.raises(ValidationError) as refused:
        filed(contact_phone="")
    assert "contact_phone" in refused.value.error_dict
    anonymous = filed(kind=ComplaintKind.TIP, anonymous=True, contact_phone="", contact_name="王五")
    assert anonymous.contact_name == "" and anonymous.anonymous
    tip = services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=filed(), enterprise=enterprise)
    tip = services.complaint_resolve(
        actor=actors[Role.SUPERVISOR],
        complaint=tip,
        outcome=Outcome.SUBSTANTIATED,
        reply="已立案查处",
        led_to_case=True,
        major_violation=True,
    )
    with pytest.raises(PermissionDenied):  # a leader decides rewards
        services.reward_record(actor=actors[Role.SUPERVISOR], complaint=tip, amount=Decimal("500"), note="奖励决定")
    tip = services.reward_record(
        actor=actors[Role.LEADER], complaint=tip, amount=Decimal("500"), note="岳市监奖〔2026〕3号"
    )
    assert tip.reward_amount == Decimal("500")


def test_popular_nominations_become_a_draft_campaigns_products(actors):
    for _n in range(3):
        services.nomination_submit(values={"product_name": "儿童玩具", "reason": "担心塑化剂"})
    services.nomination_submit(values={"product_name": "电动自行车头盔"})
    campaign = CampaignFactory(product_categories="电热水壶")
    adopted = services.nominations_adopt(actor=actors[Role.SUPERVISOR], campaign=campaign, product_names=["儿童玩具"])
    campaign.refresh_from_db()
    assert adopted == 3 and campaign.categories() == ["电热水壶", "儿童玩具"]
    assert Nomination.objects.filter(status=NominationStatus.OPEN).count() == 1


def test_a_case_follows_only_from_a_substantiated_complaint(actors, enterprise, reference_data):
    complaint = services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=filed(), enterprise=enterprise)
    with pytest.raises(ValidationError) as refused:
        services.complaint_resolve(
            actor=actors[Role.SUPERVISOR],
            complaint=complaint,
            outcome=Outcome.UNSUBSTANTIATED,
            reply="经查不属实",
            led_to_case=True,
        )
    assert "led_to_case" in refused.value.error_dict


def test_only_nominated_products_are_taken_into_a_campaign(actors):
    services.nomination_submit(values={"product_name": "儿童玩具"})
    campaign = CampaignFactory(product_categories="电热水壶")
    with pytest.raises(ValidationError):
        services.nominations_adopt(actor=actors[Role.SUPERVISOR], campaign=campaign, product_names=["任意产品"])
    services.nominations_adopt(actor=actors[Role.SUPERVISOR], campaign=campaign, product_names=["儿童玩具", "任意产品"])
    campaign.refresh_from_db()
    assert campaign.categories() == ["电热水壶", "儿童玩具"]
