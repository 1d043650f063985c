"""Complaints and tips as the complaint rules treat them (SAMR Order 20): the two kinds and what each requires, the
working-day clocks (across the National Day and Mid-Autumn holidays), overdue records on the staff list and the
leaders' dashboard, a tip's one extension by a leader, the named tipster's notice, the refusal grounds, rewards for
tips about a major violation that led to a case, the anonymous tipster's reward code (shown once, stored as a hash,
claimed once), the migration of the records on file, and hostile input."""

import datetime
import importlib
import json
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from complaints import services
from complaints.choices import ComplaintKind, ComplaintStatus, Outcome, RefusalReason
from complaints.clocks import with_countdowns
from complaints.models import Complaint, reward_code_hash
from tests.clients import signed_in, token_api

pytestmark = pytest.mark.django_db
API = "/api/v1/complaints"
D = datetime.date


def at(day: D, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@contextmanager
def on(day: D, hour: int = 10):
    """Services (and a new record's receipt) happen at `day`, `hour` o'clock in Asia/Shanghai."""
    moment = at(day, hour)
    field = Complaint._meta.get_field("received_at")
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch.object(field, "_get_default", lambda: moment),
    ):
        yield


def complaint_values(**values) -> dict:
    return {
        "kind": ComplaintKind.COMPLAINT,
        "product_name": "电热水壶",
        "enterprise_name": "岳阳楼区某电器商店",
        "place": "岳阳楼区步行街某电器商店",
        "description": "购买一周后底座漏电，商家拒绝退换",
        "contact_name": "李四",
        "contact_phone": "13800001111",
        "contact_address": "岳阳楼区洞庭路1号",
        **values,
    }


def tip_values(**values) -> dict:
    tip = {"kind": ComplaintKind.TIP, "enterprise_name": "", "description": "某作坊用回收瓶灌装散酒冒充品牌酒"}
    return complaint_values(**{**tip, **values})


def anonymous_tip_values(**values) -> dict:
    return tip_values(**{"anonymous": True, "contact_name": "", "contact_phone": "", "contact_address": "", **values})


def api(user):
    client = token_api(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def anonymous_api() -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def errors(response) -> dict:
    return response.json()["error"]["fields"]


# The two kinds


def test_a_complaint_needs_name_phone_address_and_the_respondent_and_cannot_be_anonymous():
    with pytest.raises(ValidationError) as refused:
        services.complaint_file(
            values=complaint_values(contact_phone="", contact_address="", enterprise_name="", contact_name="")
        )
    assert {"contact_phone", "contact_address", "enterprise_name", "contact_name"} <= set(refused.value.error_dict)
    with pytest.raises(ValidationError) as refused:
        services.complaint_file(values=complaint_values(anonymous=True))
    assert "anonymous" in refused.value.error_dict
    assert not Complaint.objects.exists()
    complaint = services.complaint_file(values=complaint_values())
    assert (complaint.kind, complaint.contact_address, complaint.enterprise_name) == (
        ComplaintKind.COMPLAINT,
        "岳阳楼区洞庭路1号",
        "岳阳楼区某电器商店",
    )


def test_a_tip_may_be_anonymous_and_keeps_no_contact_then():
    tip = services.complaint_file(values={**anonymous_tip_values(), "contact_name": "王五", "contact_address": "x"})
    assert tip.anonymous and (tip.contact_name, tip.contact_phone, tip.contact_address) == ("", "", "")
    with pytest.raises(ValidationError) as refused:
        services.complaint_file(values=tip_values(contact_phone=""))  # named: reachable
    assert "contact_phone" in refused.value.error_dict


def test_a_complaint_missing_its_phone_is_refused_with_a_field_error_on_the_form_and_the_api(client):
    from tests.test_complaints_pages import answered

    form = client.get(reverse("complaints:new"))
    content = form.content.decode()
    assert "投诉" in content and "举报" in content  # the two kinds explained, one sentence each
    response = client.post(
        reverse("complaints:new"), {**answered(form), **complaint_values(contact_phone="", contact_address="")}
    )
    assert response.status_code == 200
    assert {"contact_phone", "contact_address"} <= set(response.context["form"].errors)
    assert 'data-testid="error-contact_phone"' in response.content.decode()
    public = anonymous_api()
    refused = public.post(f"{API}/public/", complaint_values(contact_phone=""), format="json")
    assert refused.status_code == 400 and "contact_phone" in errors(refused)
    anonymous = public.post(f"{API}/public/", complaint_values(anonymous=True), format="json")
    assert anonymous.status_code == 400 and "anonymous" in errors(anonymous)
    assert not Complaint.objects.exists()


# The clocks, on the working-day calendar


def test_a_complaint_is_accepted_within_7_working_days_and_mediated_within_45_across_national_day(actors):
    with on(D(2026, 9, 28)):  # Monday; 1-7 October are holidays, Saturday 10 October is worked
        complaint = services.complaint_file(values=complaint_values())
    assert complaint.accept_due == D(2026, 10, 13)
    [clock] = with_countdowns(complaint, today=D(2026, 9, 30))
    assert (clock.key, clock.days_left, clock.overdue) == ("accept", 5, False)  # 8, 9, 10, 12, 13 October
    assert with_countdowns(complaint, today=D(2026, 10, 14))[0].overdue
    with on(D(2026, 9, 30)):
        complaint = services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=complaint)
    assert complaint.mediation_due == D(2026, 12, 8)  # 45 working days
    assert [clock.key for clock in with_countdowns(complaint, today=D(2026, 10, 8))] == ["mediation"]
    with on(D(2026, 11, 20)):
        complaint = services.complaint_resolve(
            actor=actors[Role.SUPERVISOR], complaint=complaint, outcome=Outcome.MEDIATED, reply="双方达成调解协议"
        )
    assert with_countdowns(complaint) == [] and not Complaint.objects.overdue(D(2027, 1, 1)).exists()


def test_a_tip_is_decided_within_15_working_days_and_a_named_tipster_told_within_5(actors, enterprise):
    with on(D(2026, 9, 21)):  # Mid-Autumn (25-27 September) and National Day inside the window
        tip = services.complaint_file(values=tip_values())
        anonymous = services.complaint_file(values=anonymous_tip_values())
    assert tip.decision_due == anonymous.decision_due == D(2026, 10, 19)
    assert tip.accept_due is None and tip.mediation_due is None
    with on(D(2026, 9, 30)):
        tip = services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=tip, enterprise=enterprise)
        tip = services.complaint_resolve(
            actor=actors[Role.SUPERVISOR], complaint=tip, outcome=Outcome.UNSUBSTANTIATED, reply="经核查未发现违法"
        )
        anonymous = services.complaint_reject(actor=actors[Role.SUPERVISOR], complaint=anonymous, reply="不属本局")
    assert tip.notice_due == D(2026, 10, 13)  # 8, 9, 10, 12, 13 October
    assert anonymous.notice_due is None  # nobody to tell
    assert [clock.key for clock in with_countdowns(tip, today=D(2026, 10, 8))] == ["notice"]
    assert list(Complaint.objects.overdue(D(2026, 10, 14))) == [tip]
    with on(D(2026, 10, 9)):
        tip = services.tipster_notify(actor=actors[Role.SUPERVISOR], complaint=tip, how="电话告知")
    assert not Complaint.objects.overdue(D(2026, 10, 14)).exists()
    with pytest.raises(ValidationError):
        services.tipster_notify(actor=actors[Role.SUPERVISOR], complaint=tip, how="再次告知")
    with pytest.raises(ValidationError):
        services.tipster_notify(actor=actors[Role.SUPERVISOR], complaint=anonymous, how="电话")


def test_every_number_is_a_setting(settings, actors):
    settings.COMPLAINT_ACCEPT_WORKING_DAYS, settings.TIP_DECISION_WORKING_DAYS = 1, 2
    with on(D(2026, 9, 30)):
        complaint = services.complaint_file(values=complaint_values())
        tip = services.complaint_file(values=tip_values())
    assert (complaint.accept_due, tip.decision_due) == (D(2026, 10, 8), D(2026, 10, 9))


def test_the_tracking_page_shows_the_countdowns(client, actors):
    complaint = services.complaint_file(values=complaint_values())
    page = client.get(reverse("complaints:track_status", args=[complaint.tracking_number])).content.decode()
    assert 'data-testid="countdown-accept"' in page and 'data-testid="days-left"' in page
    assert f'data-due="{complaint.accept_due:%Y-%m-%d}"' in page
    services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=complaint)
    page = client.get(reverse("complaints:track_status", args=[complaint.tracking_number])).content.decode()
    assert 'data-testid="countdown-mediation"' in page and 'data-testid="countdown-accept"' not in page
    staff = signed_in(client, actors[Role.SUPERVISOR])
    assert 'data-testid="countdown-mediation"' in staff.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="row-due"' in staff.get(reverse("complaints:list")).content.decode()


def test_a_tip_verified_late_is_overdue_on_the_staff_list_and_the_leaders_dashboard(client, actors):
    with on(D(2026, 9, 21)):
        late = services.complaint_file(values=anonymous_tip_values(product_name="散装白酒"))
    fresh = services.complaint_file(values=anonymous_tip_values(product_name="月饼"))
    today = timezone.localdate()
    assert late.decision_due < today and list(Complaint.objects.overdue(today)) == [late]
    staff = signed_in(client, actors[Role.SUPERVISOR])
    page = staff.get(reverse("complaints:list"))
    assert page.context["overdue_count"] == 1 and page.context["overdue"] == [late]
    content = page.content.decode()
    assert f'data-testid="overdue-row" data-number="{late.tracking_number}"' in content
    assert fresh.tracking_number not in content.split('data-testid="complaint-filters"')[0]
    only_overdue = staff.get(reverse("complaints:list"), {"overdue": "true"})
    assert [row.pk for row in only_overdue.context["page"]] == [late.pk]
    detail = staff.get(late.get_absolute_url()).content.decode()
    assert 'data-testid="countdown-decision"' in detail and 'data-testid="overdue"' in detail
    leader = signed_in(client, actors[Role.LEADER])
    dashboard = leader.get(reverse("analysis:dashboard"))
    stats = {stat.key: stat.value for section in dashboard.context["dashboard"].sections for stat in section.stats}
    assert stats["complaints_overdue"] == 1
    assert 'data-testid="stat-complaints_overdue"' in dashboard.content.decode()
    services.complaint_reject(actor=actors[Role.SUPERVISOR], complaint=late, reply="经核查无违法线索")  # decided
    assert not Complaint.objects.overdue(today).exists()


# The extension


def test_a_leader_extends_a_tips_decision_once_with_a_reason(actors):
    with on(D(2026, 9, 21)):
        tip = services.complaint_file(values=tip_values())
    with on(D(2026, 10, 12)), pytest.raises(PermissionDenied):
        services.tip_extend(actor=actors[Role.SUPERVISOR], complaint=tip, reason="需送检")
    with on(D(2026, 10, 12)), pytest.raises(ValidationError) as refused:
        services.tip_extend(actor=actors[Role.LEADER], complaint=tip, reason=" ")
    assert "reason" in refused.value.error_dict
    with on(D(2026, 10, 12)):
        tip = services.tip_extend(actor=actors[Role.LEADER], complaint=tip, reason="涉案产品需送省级机构检验")
    assert tip.decision_due == D(2026, 11, 9) and tip.extended_by == actors[Role.LEADER]
    with on(D(2026, 10, 13)), pytest.raises(ValidationError) as refused:
        services.tip_extend(actor=actors[Role.LEADER], complaint=tip, reason="再延长")
    assert refused.value.code == "twice"
    tip.refresh_from_db()
    assert tip.decision_due == D(2026, 11, 9)
    with on(D(2026, 9, 28)):
        complaint = services.complaint_file(values=complaint_values())
        with pytest.raises(ValidationError):
            services.tip_extend(actor=actors[Role.LEADER], complaint=complaint, reason="x")
    with on(D(2026, 9, 21)):
        expired = services.complaint_file(values=tip_values())
    with on(D(2026, 10, 20)), pytest.raises(ValidationError):  # the period ran out on 19 October
        services.tip_extend(actor=actors[Role.LEADER], complaint=expired, reason="来不及了")


def test_the_extension_api_refuses_the_wrong_roles_and_a_second_time(actors):
    tip = services.complaint_file(values=tip_values())
    url = f"{API}/{tip.pk}/extend/"
    for role in (Role.SUPERVISOR, Role.INSPECTOR):
        assert api(actors[role]).post(url, {"reason": "需送检"}, format="json").status_code in (403, 404)
    assert api(actors[Role.ENTERPRISE]).post(url, {"reason": "需送检"}, format="json").status_code in (403, 404)
    leader = api(actors[Role.LEADER])
    first = leader.post(url, {"reason": "涉案产品需送检"}, format="json")
    assert first.status_code == 200 and first.json()["extended"] is True
    assert first.json()["extension_reason"] == "涉案产品需送检"
    assert leader.post(url, {"reason": "再延长"}, format="json").status_code == 400
    public = anonymous_api().get(f"{API}/track/{tip.tracking_number}/").json()
    assert public["extended"] is True and [d["step"] for d in public["deadlines"]] == ["decision"]


def test_the_extension_on_the_page_is_for_leaders(client, actors):
    tip = services.complaint_file(values=tip_values())
    supervisor = signed_in(client, actors[Role.SUPERVISOR])
    assert not supervisor.get(tip.get_absolute_url()).context["can"]["extend"]
    assert supervisor.post(tip.get_absolute_url(), {"action": "extend", "extend-reason": "x"}).status_code == 403
    leader = signed_in(client, actors[Role.LEADER])
    assert 'data-testid="extend-form"' in leader.get(tip.get_absolute_url()).content.decode()
    done = leader.post(tip.get_absolute_url(), {"action": "extend", "extend-reason": "需送检"})
    assert done.status_code == 302
    page = leader.get(tip.get_absolute_url())
    assert not page.context["can"]["extend"] and 'data-testid="extended"' in page.content.decode()


# Refusal and mediation


def test_a_consumer_dispute_is_accepted_and_mediated_and_refused_only_on_an_order_20_ground(actors, enterprise):
    assert "dispute" not in RefusalReason.values and "not_quality" not in RefusalReason.values
    complaint = services.complaint_file(values=complaint_values())
    with pytest.raises(ValidationError) as refused:
        services.complaint_reject(actor=actors[Role.SUPERVISOR], complaint=complaint, reply="属于消费纠纷")
    assert "reason" in refused.value.error_dict
    complaint = services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=complaint, enterprise=enterprise)
    for outcome, led_to_case in ((Outcome.SUBSTANTIATED, False), (Outcome.MEDIATED, True)):
        with pytest.raises(ValidationError):  # a complaint ends in mediation, never in a case
            services.complaint_resolve(
                actor=actors[Role.SUPERVISOR], complaint=complaint, outcome=outcome, reply="x", led_to_case=led_to_case
            )
    complaint = services.complaint_resolve(
        actor=actors[Role.SUPERVISOR], complaint=complaint, outcome=Outcome.NOT_MEDIATED, reply="调解不成，可诉讼"
    )
    assert complaint.status == ComplaintStatus.RESOLVED
    other = services.complaint_file(values=complaint_values())
    other = services.complaint_reject(
        actor=actors[Role.SUPERVISOR], complaint=other, reply="消协已受理", reason=RefusalReason.HANDLED_ELSEWHERE
    )
    assert other.refusal_reason == RefusalReason.HANDLED_ELSEWHERE


# Rewards


def _case(actors, enterprise, tip, *, major: bool = True) -> Complaint:
    tip = services.complaint_accept(actor=actors[Role.SUPERVISOR], complaint=tip, enterprise=enterprise)
    return services.complaint_resolve(
        actor=actors[Role.SUPERVISOR],
        complaint=tip,
        outcome=Outcome.SUBSTANTIATED,
        reply="已立案查处",
        led_to_case=True,
        major_violation=major,
    )


def test_rewards_are_for_tips_about_any_major_violation_that_led_to_a_case_with_a_reachable_tipster(actors, enterprise):
    leader = actors[Role.LEADER]
    minor = _case(actors, enterprise, services.complaint_file(values=tip_values()), major=False)
    with pytest.raises(ValidationError):
        services.reward_record(actor=leader, complaint=minor, amount=Decimal("500"), note="奖励决定")
    unclaimed = _case(actors, enterprise, services.complaint_file(values=anonymous_tip_values()))
    with pytest.raises(ValidationError):  # nobody to pay
        services.reward_record(actor=leader, complaint=unclaimed, amount=Decimal("500"), note="奖励决定")
    unlicensed = _case(actors, enterprise, services.complaint_file(values=tip_values(description="无证生产")))
    unlicensed = services.reward_record(actor=leader, complaint=unlicensed, amount=Decimal("800"), note="岳市监奖1号")
    assert unlicensed.reward_amount == Decimal("800")
    with pytest.raises(ValidationError):  # a case is opened on a tip only
        services.complaint_resolve(
            actor=actors[Role.SUPERVISOR],
            complaint=services.complaint_accept(
                actor=actors[Role.SUPERVISOR],
                complaint=services.complaint_file(values=complaint_values()),
                enterprise=enterprise,
            ),
            outcome=Outcome.MEDIATED,
            reply="x",
            major_violation=True,
        )


def test_an_anonymous_tips_reward_code_is_shown_once_stored_as_a_hash_and_claimable(client, actors, enterprise):
    from tests.test_complaints_pages import answered

    form = client.get(reverse("complaints:new"))
    data = {**answered(form), **anonymous_tip_values(anonymous="on", reward_code="on")}
    assert client.post(reverse("complaints:new"), data).status_code == 302
    filed = client.get(reverse("complaints:filed"))
    code = filed.context["reward_code"]
    assert len(code) == 16 and f'data-testid="reward-code">{code}<' in filed.content.decode()
    assert client.get(reverse("complaints:filed")).context["reward_code"] == ""  # once
    tip = Complaint.objects.get()
    assert tip.reward_code_hash == reward_code_hash(code) and code not in json.dumps(
        list(Complaint.objects.values())[0], default=str
    )
    assert code not in str(list(Complaint.history.values()))
    tip = _case(actors, enterprise, tip)
    claim = reverse("complaints:reward_claim")
    page = client.get(claim)
    wrong = client.post(
        claim,
        {**answered(page), "number": tip.tracking_number, "code": "A" * 16, "name": "赵六", "phone": "13900001111"},
    )
    assert "code" in wrong.context["form"].errors
    right = client.post(
        claim,
        {
            **answered(wrong),
            "number": tip.tracking_number.lower(),
            "code": code.lower(),
            "name": "赵六",
            "phone": "13900001111",
        },
    )
    assert right.status_code == 302
    tip.refresh_from_db()
    assert (tip.claimant_name, tip.claimant_phone, tip.anonymous) == ("赵六", "13900001111", True)
    again = client.post(
        claim,
        {
            **answered(client.get(claim)),
            "number": tip.tracking_number,
            "code": code,
            "name": "x",
            "phone": "13900001111",
        },
    )
    assert "code" in again.context["form"].errors
    tip = services.reward_record(actor=actors[Role.LEADER], complaint=tip, amount=Decimal("300"), note="岳市监奖2号")
    assert tip.reward_amount == Decimal("300")


def test_the_api_gives_the_reward_code_once_and_claims_it(actors):
    public = anonymous_api()
    named = public.post(f"{API}/public/", tip_values(reward_code=True), format="json")
    assert named.status_code == 400 and "reward_code" in errors(named)
    filed = public.post(f"{API}/public/", anonymous_tip_values(reward_code=True), format="json")
    assert filed.status_code == 201
    code, number = filed.json()["reward_code"], filed.json()["tracking_number"]
    assert code and Complaint.objects.get().reward_code_hash == reward_code_hash(code)
    tracked = public.get(f"{API}/track/{number}/").json()
    assert "reward_code" not in tracked and code not in json.dumps(tracked)
    claim = {"number": number, "code": code, "name": "赵六", "phone": "13900001111"}
    assert "code" in errors(public.post(f"{API}/reward-claims/", {**claim, "code": "B" * 16}, format="json"))
    assert public.post(f"{API}/reward-claims/", claim, format="json").status_code == 201
    assert public.post(f"{API}/reward-claims/", claim, format="json").status_code == 400


# The records on file


def test_the_migration_moves_counterfeit_and_anonymous_complaints_to_tips():
    migration = importlib.import_module("complaints.migrations.0004_kinds_and_clocks")
    named = services.complaint_file(values=complaint_values())
    counterfeit = services.complaint_file(values=tip_values())
    anonymous = services.complaint_file(values=anonymous_tip_values())
    Complaint.objects.filter(pk=counterfeit.pk).update(kind="counterfeit", decision_due=None)
    Complaint.objects.filter(pk=anonymous.pk).update(kind="complaint", decision_due=None)
    migration.forwards(apps, None)
    kinds = dict(Complaint.objects.values_list("pk", "kind"))
    assert kinds == {named.pk: "complaint", counterfeit.pk: "tip", anonymous.pk: "tip"}
    assert Complaint.objects.get(pk=anonymous.pk).decision_due is not None
    assert not Complaint.history.filter(kind="counterfeit").exists()
    migration.backwards(apps, None)
    assert set(Complaint.objects.values_list("kind", flat=True)) == {"complaint", "counterfeit"}


# Hostile input


@pytest.mark.parametrize("hostile", ["\ud800", "长" * 100_000])
def test_hostile_input_is_a_field_error_never_a_500(actors, hostile):
    public = anonymous_api()
    body = json.dumps({**complaint_values(), "description": hostile, "contact_address": hostile})
    filed = public.post(f"{API}/public/", body, content_type="application/json")
    assert filed.status_code == 400 and {"description", "contact_address"} <= set(errors(filed))
    wrong_district = public.post(f"{API}/public/", {**complaint_values(), "district": 999_999}, format="json")
    assert wrong_district.status_code == 400 and "district" in errors(wrong_district)
    tip = services.complaint_file(values=tip_values())
    leader, staff = api(actors[Role.LEADER]), api(actors[Role.SUPERVISOR])
    for client, url, field in (
        (leader, f"{API}/{tip.pk}/extend/", "reason"),
        (staff, f"{API}/{tip.pk}/reject/", "reply"),
    ):
        response = client.post(url, json.dumps({field: hostile}), content_type="application/json")
        assert response.status_code == 400 and field in errors(response), url
    claim = {"number": tip.tracking_number, "code": hostile, "name": hostile, "phone": hostile}
    response = public.post(f"{API}/reward-claims/", json.dumps(claim), content_type="application/json")
    assert response.status_code == 400
    assert Complaint.objects.count() == 1
