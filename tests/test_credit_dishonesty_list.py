"""The serious-dishonesty list (严重违法失信名单) as SAMR Order 44 prescribes it: listing only on an enumerated ground
and a heavier penalty, after the notice and the period for a statement and defence, decided by a leader (with the
upper level's consent where the province keeps that rule); early removal on application after a year when its
conditions hold; removal three years after publication by the daily task, once; the public page; the grade."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.models import DomainEvent
from core.workdays import add_working_days
from credit import services
from credit.choices import BlacklistStatus, Grade, GradeCause, RemovalKind, RepairStatus
from credit.models import BlacklistEntry, CreditGrade, CreditRepair, ListingGround
from credit.recalculation import recalculate
from credit.selectors import early_removal_conditions
from credit.tasks import dishonesty_list_daily_task
from tests.clients import signed_in
from tests.dishonesty import heavier_penalty, list_enterprise, propose
from tests.factories import (
    BlacklistEntryFactory,
    EnterpriseFactory,
    PenaltyFactory,
    UserFactory,
    enterprise_user,
    listing_ground,
)
from tests.test_credit_api import API, api, error_fields, error_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def notified(enterprise, actors, *, today=None, served: bool = True) -> BlacklistEntry:
    """Proposed and notified; with `served`, the enterprise opens the notice the same day (its period starts)."""
    entry = propose(enterprise, supervisor=actors[Role.SUPERVISOR])
    entry = services.listing_notify(
        actor=actors[Role.SUPERVISOR], entry=entry, notice_number="岳市监信告〔2026〕1号", today=today
    )
    if served:
        user = enterprise.users.first() or UserFactory(role=Role.ENTERPRISE, enterprise=enterprise)
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10))) if today else None
        entry = services.listing_notice_open(actor=user, entry=entry, now=now)
    return entry


def events(kind: str, enterprise) -> int:
    return DomainEvent.objects.filter(kind=kind, enterprise=enterprise).count()


# Grounds: enumerated, data a leader edits


def test_the_migration_loads_the_grounds_with_their_legal_basis():
    codes = set(ListingGround.objects.values_list("code", flat=True))
    assert {"counterfeit", "refused_inspection", "unlicensed", "food_safety"} <= codes
    assert all("第44号" in ground.legal_basis for ground in ListingGround.objects.all())


def test_only_a_leader_edits_the_grounds_and_an_inactive_ground_cannot_be_proposed(actors, enterprise):
    ground = listing_ground("fraud")
    with pytest.raises(PermissionDenied):
        services.listing_ground_save(actor=actors[Role.SUPERVISOR], ground=ground, values={"active": False})
    services.listing_ground_save(actor=actors[Role.LEADER], ground=ground, values={"active": False})
    assert ground.history.latest().active is False and ground.history.latest().history_user == actors[Role.LEADER]
    with pytest.raises(ValidationError) as refused:
        services.listing_propose(
            actor=actors[Role.SUPERVISOR],
            enterprise=enterprise,
            values={"ground": ground, "penalty": heavier_penalty(enterprise), "facts": "事实"},
        )
    assert "ground" in refused.value.message_dict


def test_the_grounds_api_reads_for_staff_and_writes_for_a_leader(actors):
    body = {"code": "province_rule", "title": "省定情形", "legal_basis": "某省规定", "order": 90, "active": True}
    assert api(actors[Role.SUPERVISOR]).post(f"{API}/listing-grounds/", body, format="json").status_code == 403
    assert api(actors[Role.ENTERPRISE]).get(f"{API}/listing-grounds/").status_code == 403
    created = api(actors[Role.LEADER]).post(f"{API}/listing-grounds/", body, format="json")
    assert created.status_code == 201, created.json()
    assert api(actors[Role.LEADER]).post(f"{API}/listing-grounds/", body, format="json").status_code == 400
    assert api(actors[Role.LEADER]).delete(f"{API}/listing-grounds/{created.json()['id']}/").status_code == 405


# The proposal rests on a heavier penalty


def test_a_listing_without_a_heavier_penalty_of_the_enterprise_is_refused(actors, enterprise, other_enterprise):
    supervisor, ground = actors[Role.SUPERVISOR], listing_ground("counterfeit")
    for penalty in (None, PenaltyFactory(enterprise=enterprise, is_heavier=False), heavier_penalty(other_enterprise)):
        with pytest.raises(ValidationError) as refused:
            services.listing_propose(
                actor=supervisor, enterprise=enterprise, values={"ground": ground, "penalty": penalty, "facts": "事实"}
            )
        assert "penalty" in refused.value.message_dict
    assert not BlacklistEntry.objects.exists()


def test_only_staff_propose_and_one_procedure_at_a_time(actors, enterprise):
    for role in (Role.INSPECTOR, Role.ENTERPRISE, Role.LAB_TECHNICIAN):
        with pytest.raises(PermissionDenied):
            propose(enterprise, supervisor=actors[role])
    entry = propose(enterprise, supervisor=actors[Role.SUPERVISOR])
    assert entry.status == BlacklistStatus.PROPOSED and entry.published_on is None
    with pytest.raises(ValidationError):
        propose(enterprise, supervisor=actors[Role.SUPERVISOR])


# The notice and the period for a statement and defence


def test_the_notice_gives_five_working_days_on_the_calendar(actors, enterprise):
    friday = datetime.date(2026, 12, 4)
    entry = notified(enterprise, actors, today=friday)
    assert entry.status == BlacklistStatus.NOTIFIED
    assert entry.statement_due == add_working_days(friday, 5) == datetime.date(2026, 12, 11)
    # Across the National Day holiday the period runs on working days, not calendar days.
    other = notified(EnterpriseFactory(), actors, today=datetime.date(2026, 9, 30))
    assert other.statement_due > datetime.date(2026, 10, 7)


def test_the_period_is_a_setting(actors, enterprise, settings):
    settings.DISHONESTY_LIST_STATEMENT_WORKING_DAYS = 3
    assert notified(enterprise, actors, today=datetime.date(2026, 12, 4)).statement_due == datetime.date(2026, 12, 9)


def test_the_enterprise_files_its_statement_within_the_period(actors, enterprise, other_enterprise):
    entry = notified(enterprise, actors)
    outsider = enterprise_user(other_enterprise, username="outsider")
    with pytest.raises(PermissionDenied):
        services.listing_statement(actor=outsider, entry=entry, statement="不是我的")
    with pytest.raises(ValidationError):
        services.listing_statement(actor=actors[Role.ENTERPRISE], entry=entry, statement="  ")
    entry = services.listing_statement(actor=actors[Role.ENTERPRISE], entry=entry, statement="产品已召回，请求从轻。")
    assert entry.status == BlacklistStatus.STATEMENT_RECEIVED and not entry.statement_on_paper
    assert entry.statement_by == actors[Role.ENTERPRISE]


def test_a_late_statement_is_refused_with_the_date_but_staff_record_a_paper_answer(actors, enterprise):
    entry = notified(enterprise, actors)
    late = entry.statement_due + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.listing_statement(actor=actors[Role.ENTERPRISE], entry=entry, statement="迟到", today=late)
    assert entry.statement_due.isoformat() in str(refused.value)
    assert services.dishonesty_list_daily(today=late) == {"lapsed": 1, "removed": 0}
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.LAPSED
    entry = services.listing_statement(actor=actors[Role.SUPERVISOR], entry=entry, statement="邮寄的书面陈述")
    assert entry.status == BlacklistStatus.STATEMENT_RECEIVED and entry.statement_on_paper
    with pytest.raises(PermissionDenied):
        services.listing_statement(actor=actors[Role.INSPECTOR], entry=entry, statement="x")


# The leader's decision


def test_a_leader_decides_only_after_the_statement_or_the_period(
    actors, enterprise, django_capture_on_commit_callbacks
):
    entry = notified(enterprise, actors)
    leader = actors[Role.LEADER]
    with pytest.raises(ValidationError):  # the period is still running
        services.listing_decide(actor=leader, entry=entry, list_it=True, reasons="r", decision_number="1号")
    entry = services.listing_statement(actor=actors[Role.ENTERPRISE], entry=entry, statement="陈述")
    for role in (Role.SUPERVISOR, Role.INSPECTOR, Role.ENTERPRISE):
        with pytest.raises(PermissionDenied):
            services.listing_decide(actor=actors[role], entry=entry, list_it=True, reasons="r", decision_number="1号")
    with pytest.raises(ValidationError) as refused:
        services.listing_decide(actor=leader, entry=entry, list_it=True, reasons=" ", decision_number="")
    assert {"reasons", "decision_number"} <= set(refused.value.message_dict)
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.listing_decide(
            actor=leader, entry=entry, list_it=True, reasons="事实清楚", decision_number="岳市监信〔2026〕5号"
        )
    assert entry.status == BlacklistStatus.LISTED and entry.published_on == TODAY()
    assert entry.early_removal_from == TODAY() + relativedelta(years=1)
    assert entry.expires_on == TODAY() + relativedelta(years=3)
    assert events("credit.listed", enterprise) == 1
    grade = CreditGrade.objects.get(enterprise=enterprise)
    assert grade.grade == Grade.C and grade.indicator_values["blacklisted"] == 1
    statuses = [row.status for row in entry.history.order_by("history_date", "history_id")]
    assert statuses == ["proposed", "notified", "notified", "statement", "listed"]  # the second: its receipt


def test_a_lapsed_period_lets_the_leader_decide_and_not_listing_emits_nothing(actors, enterprise):
    entry = notified(enterprise, actors)
    after = entry.statement_due + datetime.timedelta(days=1)
    entry = services.listing_decide(
        actor=actors[Role.LEADER], entry=entry, list_it=False, reasons="情节轻微，不予列入", today=after
    )
    assert entry.status == BlacklistStatus.NOT_LISTED and entry.decision_number is None
    assert events("credit.listed", enterprise) == 0
    assert [row.status for row in entry.history.order_by("history_date", "history_id")][-2:] == ["lapsed", "not_listed"]


def test_upper_level_consent_is_a_step_where_the_setting_asks_for_it(actors, enterprise, settings):
    entry = services.listing_statement(actor=actors[Role.ENTERPRISE], entry=notified(enterprise, actors), statement="s")
    with pytest.raises(ValidationError):  # off by default: no consent step
        services.listing_consent(
            actor=actors[Role.SUPERVISOR], entry=entry, reference="湘市监函1号", consent_on=TODAY()
        )
    settings.DISHONESTY_LIST_UPPER_CONSENT = True
    leader = actors[Role.LEADER]
    with pytest.raises(ValidationError):
        services.listing_decide(actor=leader, entry=entry, list_it=True, reasons="r", decision_number="7号")
    with pytest.raises(ValidationError):
        services.listing_consent(actor=actors[Role.SUPERVISOR], entry=entry, reference=" ", consent_on=TODAY())
    entry = services.listing_consent(
        actor=actors[Role.SUPERVISOR], entry=entry, reference="湘市监函〔2026〕1号", consent_on=TODAY()
    )
    assert entry.status == BlacklistStatus.CONSENTED
    entry = services.listing_decide(actor=leader, entry=entry, list_it=True, reasons="r", decision_number="7号")
    assert entry.status == BlacklistStatus.LISTED and entry.consent_reference == "湘市监函〔2026〕1号"


# Early removal (提前移出)


def test_early_removal_before_one_year_is_refused_with_the_date_it_becomes_possible(actors, enterprise):
    published = TODAY() - relativedelta(months=11)
    entry = list_enterprise(enterprise, published_on=published)
    with pytest.raises(ValidationError) as refused:
        services.repair_apply(actor=actors[Role.ENTERPRISE], entry=entry, statement="已整改", files=[])
    assert refused.value.code == "too_early"
    assert (published + relativedelta(years=1)).isoformat() in str(refused.value)
    repair = services.repair_apply(
        actor=actors[Role.ENTERPRISE],
        entry=entry,
        statement="已整改",
        files=[],
        today=published + relativedelta(years=1),
    )
    assert repair.status == RepairStatus.PENDING


@pytest.fixture
def application(actors, enterprise):
    published = TODAY() - relativedelta(years=1, days=5)
    entry = list_enterprise(
        enterprise, published_on=published, penalty=heavier_penalty(enterprise, decided_on=published)
    )
    return services.repair_apply(actor=actors[Role.ENTERPRISE], entry=entry, statement="已缴罚款，已召回", files=[])


def test_the_application_shows_each_condition_and_where_it_was_read(application, actors, enterprise):
    conditions = {c.code: c for c in early_removal_conditions(application)}
    assert conditions["penalty_fulfilled"].holds is None and conditions["harm_removed"].holds is None
    assert conditions["no_new_heavier_penalty"].holds is True
    leader = actors[Role.LEADER]
    with pytest.raises(ValidationError):  # not attested yet
        services.repair_decide(actor=leader, repair=application, approve=True, note="同意")
    with pytest.raises(PermissionDenied):
        services.repair_attest(
            actor=actors[Role.ENTERPRISE],
            repair=application,
            penalty_fulfilled=True,
            penalty_note="n",
            harm_removed=True,
            harm_note="n",
        )
    services.repair_attest(
        actor=actors[Role.SUPERVISOR],
        repair=application,
        penalty_fulfilled=True,
        penalty_note="缴款凭证已核验",
        harm_removed=False,
        harm_note="仍有产品在售",
    )
    with pytest.raises(ValidationError):  # the harm is not removed
        services.repair_decide(actor=leader, repair=application, approve=True, note="同意")


def test_a_new_heavier_penalty_since_the_listing_blocks_early_removal(application, actors, enterprise):
    services.repair_attest(
        actor=actors[Role.SUPERVISOR],
        repair=application,
        penalty_fulfilled=True,
        penalty_note="已核验",
        harm_removed=True,
        harm_note="已核查",
    )
    new = heavier_penalty(enterprise, decided_on=TODAY() - datetime.timedelta(days=3), number="岳市监罚〔2026〕77号")
    assert {c.code: c.holds for c in early_removal_conditions(application)}["no_new_heavier_penalty"] is False
    with pytest.raises(ValidationError) as refused:
        services.repair_decide(actor=actors[Role.LEADER], repair=application, approve=True, note="同意")
    assert new.decision_number in str(refused.value)
    repair = services.repair_decide(actor=actors[Role.LEADER], repair=application, approve=False, note="有新的处罚")
    assert repair.status == RepairStatus.REJECTED and repair.new_heavier_penalties == [new.decision_number]
    assert repair.entry.status == BlacklistStatus.LISTED


def test_a_leader_approves_early_removal_when_every_condition_holds(
    application, actors, enterprise, django_capture_on_commit_callbacks
):
    services.repair_attest(
        actor=actors[Role.SUPERVISOR],
        repair=application,
        penalty_fulfilled=True,
        penalty_note="已核验",
        harm_removed=True,
        harm_note="已核查",
    )
    with pytest.raises(PermissionDenied):  # a supervisor does not decide
        services.repair_decide(actor=actors[Role.SUPERVISOR], repair=application, approve=True, note="同意")
    with django_capture_on_commit_callbacks(execute=True):
        services.repair_decide(actor=actors[Role.LEADER], repair=application, approve=True, note="条件满足")
    entry = BlacklistEntry.objects.get(pk=application.entry_id)
    assert entry.status == BlacklistStatus.REMOVED and entry.removal_kind == RemovalKind.EARLY
    assert entry.removed_on == TODAY()
    assert events("credit.delisted", enterprise) == 1
    assert CreditGrade.objects.get(enterprise=enterprise).indicator_values.get("blacklisted", 0) == 0


def test_an_application_under_the_earlier_rules_stays_readable(client, actors, enterprise):
    entry = BlacklistEntryFactory(
        enterprise=enterprise, status=BlacklistStatus.REMOVED, removed_on=TODAY(), removal_kind=RemovalKind.REPAIR
    )
    old = CreditRepair.objects.create(entry=entry, statement="旧规申请", applied_by=actors[Role.ENTERPRISE])
    old.record_decision(actor=actors[Role.SUPERVISOR], status=RepairStatus.APPROVED, note="旧规批准")
    old.new_heavier_penalties = None
    conditions = early_removal_conditions(old)
    assert [c.holds for c in conditions] == [None, None, None]
    page = signed_in(client, actors[Role.SUPERVISOR]).get(entry.get_absolute_url())
    assert page.status_code == 200 and "旧规申请" in page.content.decode()


# Removal three years after publication, by the daily task


def test_the_daily_task_removes_a_listing_three_years_after_publication_once(
    actors, enterprise, django_capture_on_commit_callbacks
):
    published = TODAY() - relativedelta(days=20)
    entry = list_enterprise(enterprise, published_on=published)
    due = published + relativedelta(years=3)
    assert dishonesty_list_daily_task.delay(as_of=(due - datetime.timedelta(days=1)).isoformat()).get() == {
        "lapsed": 0,
        "removed": 0,
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = dishonesty_list_daily_task.delay(as_of=(due + datetime.timedelta(days=2)).isoformat()).get()
        second = dishonesty_list_daily_task.delay(as_of=(due + datetime.timedelta(days=2)).isoformat()).get()
    assert first == {"lapsed": 0, "removed": 1} and second == {"lapsed": 0, "removed": 0}
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.REMOVED and entry.removal_kind == RemovalKind.EXPIRED
    assert entry.removed_on == due  # the date the listing ended, not the day the task ran
    assert events("credit.delisted", enterprise) == 1
    assert entry.history.filter(status=BlacklistStatus.REMOVED).count() == 1


# The public page


def test_the_public_page_shows_listings_in_force_and_recent_removals_with_their_date(client, actors, settings):
    in_force = list_enterprise(EnterpriseFactory(name="岳阳在列甲有限公司"), number="岳市监信〔2026〕11号")
    recent = BlacklistEntryFactory(
        enterprise=EnterpriseFactory(name="岳阳已移出乙有限公司"),
        status=BlacklistStatus.REMOVED,
        published_on=TODAY() - relativedelta(years=3),
        removed_on=TODAY() - datetime.timedelta(days=3),
        removal_kind=RemovalKind.EXPIRED,
    )
    BlacklistEntryFactory(
        enterprise=EnterpriseFactory(name="岳阳早已移出丙有限公司"),
        status=BlacklistStatus.REMOVED,
        published_on=TODAY() - relativedelta(years=4),
        removed_on=TODAY() - datetime.timedelta(days=90),
    )
    propose(EnterpriseFactory(name="岳阳拟列入丁有限公司"))
    page = client.get(reverse("portal:blacklist"))
    html = page.content.decode()
    assert [row.pk for row in page.context["page"]] == [in_force.pk]
    assert [row.pk for row in page.context["removed"]] == [recent.pk]
    assert "岳阳在列甲有限公司" in html and "岳阳已移出乙有限公司" in html and recent.removed_on.isoformat() in html
    assert "岳阳早已移出丙有限公司" not in html and "岳阳拟列入丁有限公司" not in html
    assert in_force.ground.title in html and in_force.facts not in html
    settings.DISHONESTY_LIST_REMOVED_SHOWN_DAYS = 0
    assert not client.get(reverse("portal:blacklist")).context["removed"]


# The API, step by step, and its refusals


def test_the_api_takes_a_listing_through_every_step(actors, enterprise, other_enterprise):
    supervisor, leader, company = api(actors[Role.SUPERVISOR]), api(actors[Role.LEADER]), api(actors[Role.ENTERPRISE])
    penalty = heavier_penalty(enterprise, number="岳市监罚〔2026〕9号")
    body = {
        "enterprise": enterprise.pk,
        "ground": "counterfeit",
        "penalty_decision_number": "没有这个号",
        "facts": "掺假",
    }
    missing = supervisor.post(f"{API}/blacklist/", body, format="json")
    assert missing.status_code == 400 and "penalty" in error_fields(missing)
    assert supervisor.post(f"{API}/blacklist/", {**body, "ground": "nonsense"}, format="json").status_code == 400
    body["penalty_decision_number"] = penalty.decision_number
    assert company.post(f"{API}/blacklist/", body, format="json").status_code == 403
    assert api(actors[Role.INSPECTOR]).post(f"{API}/blacklist/", body, format="json").status_code == 403
    created = supervisor.post(f"{API}/blacklist/", body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["penalty_decision_number"] == penalty.decision_number
    assert company.get(f"{API}/blacklist/{pk}/").status_code == 404  # a proposal is internal
    assert company.post(f"{API}/blacklist/{pk}/notify/", {"notice_number": "x"}, format="json").status_code == 404
    blank = supervisor.post(f"{API}/blacklist/{pk}/notify/", {"notice_number": " "}, format="json")
    assert blank.status_code == 400 and "notice_number" in error_fields(blank)
    notice = supervisor.post(f"{API}/blacklist/{pk}/notify/", {"notice_number": "告1号"}, format="json")
    assert notice.status_code == 200 and notice.json()["statement_due"] is None  # runs from receipt
    mine = company.get(f"{API}/blacklist/{pk}/").json()  # the enterprise's first read serves the notice
    assert mine["status"] == "notified" and mine["notice_number"] == "告1号"
    assert mine["served_how"] == "portal" and mine["statement_due"] and mine["statement_due_provisional"] is not None
    outsider = api(enterprise_user(other_enterprise, username="outsider"))
    assert outsider.post(f"{API}/blacklist/{pk}/statement/", {"statement": "x"}, format="json").status_code == 404
    too_long = company.post(f"{API}/blacklist/{pk}/statement/", {"statement": "陈" * 10_001}, format="json")
    assert too_long.status_code == 400 and "statement" in error_fields(too_long)
    assert company.post(f"{API}/blacklist/{pk}/statement/", {"statement": "陈述"}, format="json").status_code == 200
    decision = {"list": True, "reasons": "事实清楚", "decision_number": "岳市监信〔2026〕3号"}
    assert supervisor.post(f"{API}/blacklist/{pk}/decide/", decision, format="json").status_code == 403
    assert company.post(f"{API}/blacklist/{pk}/decide/", decision, format="json").status_code == 403
    listed = leader.post(f"{API}/blacklist/{pk}/decide/", decision, format="json")
    assert listed.status_code == 200 and listed.json()["status"] == "listed"
    # The listing is public to signed-in users, without the procedure's private parts.
    public_row = outsider.get(f"{API}/blacklist/{pk}/").json()
    assert public_row["decision_number"] == "岳市监信〔2026〕3号" and public_row["statement"] is None
    early = company.post(f"{API}/blacklist/{pk}/repairs/", {"statement": "已整改"}, format="multipart")
    too_early = (TODAY() + relativedelta(years=1)).isoformat()
    assert early.status_code == 400 and too_early in error_text(early)


def test_the_api_decides_an_early_removal(application, actors, enterprise):
    supervisor, leader = api(actors[Role.SUPERVISOR]), api(actors[Role.LEADER])
    url = f"{API}/repairs/{application.pk}"
    assert api(actors[Role.ENTERPRISE]).post(f"{url}/attest/", {}, format="json").status_code == 403
    bad = supervisor.post(f"{url}/attest/", {"penalty_fulfilled": True}, format="json")
    assert bad.status_code == 400
    body = {"penalty_fulfilled": True, "penalty_note": "核验", "harm_removed": True, "harm_note": "核查"}
    attested = supervisor.post(f"{url}/attest/", body, format="json")
    assert attested.status_code == 200
    assert [c["holds"] for c in attested.json()["conditions"]] == [True, True, True]
    assert supervisor.post(f"{url}/approve/", {"note": "同意"}, format="json").status_code == 403
    approved = leader.post(f"{url}/approve/", {"note": "同意"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert api(actors[Role.ENTERPRISE]).get(f"{url}/").json()["conditions"][2]["code"] == "no_new_heavier_penalty"


# The pages: the enterprise sees its notice and countdown and files its statement; a leader decides


def test_the_enterprise_sees_its_notice_with_the_countdown_and_files_its_statement(client, actors, enterprise):
    entry = notified(enterprise, actors)
    page = signed_in(client, actors[Role.ENTERPRISE])
    mine = page.get(reverse("credit:blacklist_mine"))
    assert mine.status_code == 200 and entry.notice_number in mine.content.decode()
    detail = page.get(entry.get_absolute_url())
    assert detail.context["days_left"] is not None and "statement" in detail.context["forms"]
    assert "decide_listing" not in detail.context["forms"]
    filed = page.post(entry.get_absolute_url(), {"action": "statement", "statement-statement": "产品已全部召回"})
    assert filed.status_code == 302
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.STATEMENT_RECEIVED and entry.statement == "产品已全部召回"
    # Not its decision to take.
    assert page.post(entry.get_absolute_url(), {"action": "decide_listing"}).status_code == 403


def test_pages_refuse_another_enterprise_an_inspector_and_a_supervisor_deciding(
    client, actors, enterprise, other_enterprise
):
    entry = services.listing_statement(actor=actors[Role.ENTERPRISE], entry=notified(enterprise, actors), statement="s")
    outsider = enterprise_user(other_enterprise, username="outsider")
    assert signed_in(client, outsider).get(entry.get_absolute_url()).status_code == 404
    client.logout()
    assert signed_in(client, actors[Role.INSPECTOR]).get(entry.get_absolute_url()).status_code == 404
    client.logout()
    supervisor = signed_in(client, actors[Role.SUPERVISOR])
    decision = {
        "action": "decide_listing",
        "decide_listing-decision": "list",
        "decide_listing-reasons": "r",
        "decide_listing-decision_number": "8号",
    }
    assert supervisor.post(entry.get_absolute_url(), decision).status_code == 403
    client.logout()
    leader = signed_in(client, actors[Role.LEADER])
    assert leader.post(entry.get_absolute_url(), decision).status_code == 302
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.LISTED and entry.decided_by == actors[Role.LEADER]


def test_staff_propose_from_the_page_naming_the_penalty(client, actors, enterprise):
    penalty = heavier_penalty(enterprise, number="岳市监罚〔2026〕21号")
    page = signed_in(client, actors[Role.SUPERVISOR])
    form = {"credit_code": enterprise.credit_code, "ground": listing_ground("counterfeit").pk, "facts": "掺假"}
    wrong = page.post(reverse("credit:blacklist_create"), {**form, "penalty_number": "无此号"})
    assert wrong.status_code == 200 and wrong.context["form"].errors.get("penalty_number")
    done = page.post(reverse("credit:blacklist_create"), {**form, "penalty_number": penalty.decision_number})
    assert done.status_code == 302
    assert BlacklistEntry.objects.get(enterprise=enterprise).penalty == penalty


def test_the_grade_follows_listing_and_removal(actors, enterprise, django_capture_on_commit_callbacks):
    recalculate(cause=GradeCause.MANUAL)
    with django_capture_on_commit_callbacks(execute=True):
        entry = list_enterprise(enterprise, published_on=TODAY() - datetime.timedelta(days=20))
    assert CreditGrade.objects.get(enterprise=enterprise).grade == Grade.C
    with django_capture_on_commit_callbacks(execute=True):
        services.dishonesty_list_daily(today=entry.expires_on)
    entry.refresh_from_db()
    assert entry.status == BlacklistStatus.REMOVED
    assert CreditGrade.objects.get(enterprise=enterprise).indicator_values.get("blacklisted", 0) == 0
