import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from brands.choices import (
    ApplicationStatus,
    ObjectionStatus,
    ProgrammeKind,
    ProgrammeStatus,
    ProposalStatus,
    ReviewStatus,
    TargetCategory,
)
from brands.models import Application, CultivationTarget, Honour, Objection, Programme, ReviewAssignment
from complaints.choices import ComplaintKind, ComplaintStatus, NominationStatus, Outcome
from complaints.models import Complaint, Nomination
from core.credit_code import validate_credit_code
from core.models import AuditEntry
from credit.choices import GradeCause
from credit.models import GradeChange
from enterprises.models import Enterprise, Licence, SelfReport
from qsportal.demo.seed import DEMO_PASSWORD, seed_demo_city
from qsportal.reference_data import restore_reference_data

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 1)


def snapshot() -> list[tuple]:
    enterprises = list(
        Enterprise.objects.order_by("credit_code").values_list(
            "credit_code",
            "name",
            "legal_representative",
            "address",
            "district__code",
            "area__name",
            "industry__code",
            "scale",
            "status",
        )
    )
    licences = list(
        Licence.objects.order_by("kind", "number").values_list(
            "enterprise__credit_code", "kind", "number", "issued_on", "expires_on"
        )
    )
    users = list(
        User.objects.order_by("username").values_list("username", "full_name", "role", "enterprise__credit_code")
    )
    applications = list(
        Application.objects.order_by("programme__year", "programme__kind", "enterprise__credit_code").values_list(
            "programme__title", "enterprise__credit_code", "status", "stage", "self_total"
        )
    )
    reviews = list(
        ReviewAssignment.objects.order_by(
            "application__enterprise__credit_code", "stage", "reviewer__username"
        ).values_list("application__enterprise__credit_code", "stage", "reviewer__username", "status", "total")
    )
    targets = list(
        CultivationTarget.objects.order_by("year", "enterprise__credit_code").values_list(
            "year", "enterprise__credit_code", "category", "officer__username", "status"
        )
    )
    complaints = list(
        Complaint.objects.order_by("tracking_number").values_list(
            "tracking_number",
            "kind",
            "product_name",
            "brand",
            "place",
            "district__code",
            "anonymous",
            "contact_name",
            "contact_phone",
            "status",
            "outcome",
            "enterprise__credit_code",
            "assigned_to__username",
            "received_at",
            "triaged_at",
            "closed_at",
            "reward_amount",
        )
    )
    nominations = list(
        Nomination.objects.order_by("submitted_at", "product_name", "reason").values_list(
            "product_name", "reason", "place", "submitted_at", "status", "campaign__title"
        )
    )
    return [enterprises, licences, users, applications, reviews, targets, complaints, nominations]


def reset():
    if connection.vendor == "postgresql":
        # Inside the test's transaction, PostgreSQL refuses to TRUNCATE tables with pending deferred checks.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    restore_reference_data()


def test_the_same_seed_builds_the_same_city():
    seed_demo_city(seed=7, enterprises=120, as_of=AS_OF)
    first = snapshot()
    reset()
    seed_demo_city(seed=7, enterprises=120, as_of=AS_OF)
    assert snapshot() == first
    reset()
    seed_demo_city(seed=8, enterprises=120, as_of=AS_OF)
    assert snapshot() != first


def test_the_city_is_realistic_and_valid():
    result = seed_demo_city(seed=1, enterprises=400, as_of=AS_OF)
    assert result.enterprises == Enterprise.objects.count() == 400
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
    for enterprise in Enterprise.objects.select_related("area")[:50]:
        enterprise.full_clean()
    # Every enterprise on file is supervised: above-scale or holding one of the five licences.
    assert Enterprise.objects.supervised().count() == 400
    assert {role for role in User.objects.values_list("role", flat=True)} == set(Role.values)
    assert all(
        u.check_password(DEMO_PASSWORD) for u in User.objects.filter(username__in=["leader", "enterprise", "expert"])
    )
    assert User.objects.filter(role=Role.EXPERT).count() == 6
    assert User.objects.get(username="enterprise").enterprise is not None
    # Licence dates are spread so the worklists have something to show.
    assert Licence.objects.expired(today=AS_OF).exists()
    assert Licence.objects.expiring_within(90, today=AS_OF).exists()
    assert not Enterprise.objects.exclude(area__district=F("district")).exists()
    # The enterprises with accounts have lived-in files: products, staff and reports at every stage.
    demo = Enterprise.objects.get(users__username="enterprise")
    assert demo.products.exists() and demo.quality_staff.filter(is_chief_quality_officer=True).exists()
    assert set(SelfReport.objects.values_list("status", flat=True)) == {"submitted", "returned", "accepted"}
    reports = list(SelfReport.objects.all())
    assert sum(report.is_late for report in reports) < len(reports) / 2  # most arrive on time, as in real life
    assert_brands_are_alive()
    assert_complaints_are_alive()
    assert_dishonesty_list_is_alive(demo)


def assert_dishonesty_list_is_alive(demo):
    """A listing in each state; the demo enterprise has a notice with its period running; one removed early and one
    three years after publication; an early-removal application awaiting staff."""
    from credit.choices import BlacklistStatus, RemovalKind, RepairStatus
    from credit.models import BlacklistEntry, CreditRepair

    statuses = set(BlacklistEntry.objects.values_list("status", flat=True))
    assert statuses == {"proposed", "notified", "statement", "listed", "not_listed", "removed"}
    assert BlacklistEntry.objects.get(enterprise=demo).status == BlacklistStatus.NOTIFIED
    removals = set(BlacklistEntry.objects.exclude(removal_kind="").values_list("removal_kind", flat=True))
    assert removals == {RemovalKind.EARLY, RemovalKind.EXPIRED}
    assert BlacklistEntry.objects.filter(status=BlacklistStatus.LISTED, penalty__is_heavier=True).count() == 2
    assert CreditRepair.objects.filter(status=RepairStatus.PENDING).count() == 1


def assert_brands_are_alive():
    """Famous-brand cultivation has a history and work in progress for every role that takes part."""
    year = AS_OF.year
    # This year's cultivation targets: every category, plans under way with a milestone reached and one overdue.
    targets = CultivationTarget.objects.filter(year=year)
    assert 6 <= targets.count() <= 10
    assert set(targets.values_list("category", flat=True)) == set(TargetCategory.values)
    assert not targets.exclude(enterprise__scale="above").exists()
    assert not targets.exclude(enterprise__credit__grade__in=["A", "B"]).exists()
    for target in targets.prefetch_related("milestones", "help", "notes"):
        milestones = list(target.milestones.all())
        assert 2 <= len(milestones) <= 3 and any(m.done_on for m in milestones)
        assert len({help.kind for help in target.help.all()}) == 2 and target.notes.exists()
    assert any(m.is_overdue(AS_OF) for target in targets for m in target.milestones.all())

    # Last year's quality award, decided: a notice with a dismissed objection, two honours valid five years, each
    # counted in its holder's grade; one holder failed a spot check since, and its revocation awaits staff.
    decided = Programme.objects.get(kind=ProgrammeKind.QUALITY_AWARD, year=year - 1)
    assert decided.status == ProgrammeStatus.DECIDED
    assert decided.notice.published_on.year == year - 1 and decided.notice.published_at.year == year - 1
    assert Objection.objects.get(notice__programme=decided).status == ObjectionStatus.DISMISSED
    assert decided.applications.filter(status=ApplicationStatus.NOT_SELECTED).exists()
    honours = list(Honour.objects.current().select_related("enterprise__credit"))
    assert len(honours) == 2
    for honour in honours:
        assert honour.awarded_on.year == year - 1 and honour.valid_until.year == year + 4
        assert honour.enterprise.credit.indicator_values["brand_honour"] == 1
    [proposal] = [p for honour in honours for p in honour.revocation_proposals.all()]
    assert proposal.status == ProposalStatus.OPEN and proposal.cause == "nonconforming"
    assert not decided.applications.filter(submitted_at__year=year).exists()  # backdated with the call
    # Conferred by the city government's decision, recorded with its document number; valid from its date.
    assert decided.conferral.conferred and decided.conferral.conferring_body == "岳阳市人民政府"
    assert {h.decision_number for h in honours} == {decided.conferral.document_number} != {""}
    assert {h.awarded_on for h in honours} == {decided.conferral.decided_on}

    # Last year's famous-brand evaluation, submitted to the promotion committee: its decision is awaited.
    awaiting = Programme.objects.get(kind=ProgrammeKind.FAMOUS_BRAND, year=year - 1)
    assert awaiting.status == ProgrammeStatus.SUBMITTED and awaiting.conferral.awaiting
    assert awaiting.conferral.conferring_body == "岳阳市名牌战略推进委员会" and not awaiting.honours.exists()
    assert awaiting.applications.filter(status=ApplicationStatus.PROPOSED).count() >= 1

    # This year's famous-brand call is open: two applications in paper review, one not eligible, explained.
    call = Programme.objects.get(kind=ProgrammeKind.FAMOUS_BRAND, year=year)
    assert call.status == ProgrammeStatus.OPEN and call.closes_on > AS_OF
    statuses = sorted(call.applications.values_list("status", "stage"))
    assert statuses == [("in_review", "paper"), ("in_review", "paper"), ("ineligible", "")]
    assert call.applications.get(status=ApplicationStatus.INELIGIBLE).failed_checks
    demo = Enterprise.objects.get(users__username="enterprise")
    if demo.status == "active" and demo.products.exists():  # its account then has an application to follow
        assert call.applications.filter(enterprise=demo).exists()

    # This year's quality award is in review: scores in, a recusal on file, and work waiting for the expert.
    review = Programme.objects.get(kind=ProgrammeKind.QUALITY_AWARD, year=year)
    assert review.status == ProgrammeStatus.REVIEWING
    assignments = ReviewAssignment.objects.filter(application__programme=review)
    assert assignments.filter(status=ReviewStatus.SUBMITTED).exists()
    assert assignments.filter(status=ReviewStatus.RECUSED).exclude(recusal_reason="").count() == 1
    expert = User.objects.get(username="expert")
    mine = ReviewAssignment.objects.visible_to(expert)
    assert mine.filter(status=ReviewStatus.ASSIGNED).count() >= 2
    assert mine.filter(status=ReviewStatus.SUBMITTED, application__programme=review).exists()


def assert_complaints_are_alive():
    """Complaints and tips of the last year at every stage, hot spots for the dashboard, a grade they lowered, a
    rewarded tip, and nominations, some taken into the draft plan; every date where the story puts it."""
    complaints = list(Complaint.objects.select_related("enterprise__credit", "assigned_to"))
    assert 50 <= len(complaints) <= 70
    end = timezone.make_aware(datetime.datetime.combine(AS_OF, datetime.time()))
    for complaint in complaints:
        assert end - datetime.timedelta(days=365) < complaint.received_at < end
        assert complaint.tracking_number[2:10] == f"{timezone.localdate(complaint.received_at):%Y%m%d}"
        assert complaint.anonymous == (complaint.contact_phone == "")
        stamps = [complaint.received_at, complaint.triaged_at, complaint.closed_at]
        assert [stamp is not None for stamp in stamps] == {
            ComplaintStatus.RECEIVED: [True, False, False],
            ComplaintStatus.IN_PROGRESS: [True, True, False],
            ComplaintStatus.RESOLVED: [True, True, True],
            ComplaintStatus.REJECTED: [True, False, True],
        }[complaint.status]
        present = [stamp for stamp in stamps if stamp]
        assert present == sorted(present) and present[-1] < end
        assert bool(complaint.public_reply) == (
            complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)
        )
    # The change history and the audit trail read the same dates (and numbers) as the complaints.
    by_pk = {complaint.pk: complaint for complaint in complaints}
    for version in Complaint.history.all():
        complaint = by_pk[version.id]
        assert version.tracking_number == complaint.tracking_number
        assert version.received_at == complaint.received_at <= version.history_date < end
        if version.history_type == "+":  # filed (a reward claim later changes a tip still received)
            assert version.history_date == complaint.received_at
    for entry in AuditEntry.objects.filter(action="complaints.file"):
        assert (
            entry.at == by_pk[entry.object_id].received_at and entry.summary == by_pk[entry.object_id].tracking_number
        )

    statuses = {status: [c for c in complaints if c.status == status] for status in ComplaintStatus.values}
    assert len(statuses[ComplaintStatus.RECEIVED]) >= 3 and len(statuses[ComplaintStatus.REJECTED]) >= 2
    assert len(statuses[ComplaintStatus.RESOLVED]) > len(complaints) / 2
    assert {c.outcome for c in statuses[ComplaintStatus.RESOLVED]} == set(Outcome.values)
    handled = [
        c for c in statuses[ComplaintStatus.IN_PROGRESS] if c.assigned_to and c.assigned_to.username == "inspector"
    ]
    assert len(handled) >= 3 and sum(c.enterprise is not None for c in handled) >= 2
    assert {c.kind for c in complaints} == set(ComplaintKind.values)
    assert 0.1 <= sum(c.anonymous for c in complaints) / len(complaints) <= 0.3
    # Hot spots: a few products named again and again, complaints from most districts.
    products = Complaint.objects.values("product_name").annotate(n=Count("pk")).order_by("-n")
    assert products[0]["n"] >= 5 and products[2]["n"] >= 4
    assert len({c.district_id for c in complaints if c.district_id}) >= 6

    # Substantiated complaints took an enterprise from B to C, the complaints named in its grade history.
    drops = GradeChange.objects.filter(
        cause=GradeCause.EVENT, detail="complaints.resolve", previous_grade="B", grade="C"
    ).select_related("enterprise__credit")
    assert any(
        drop.enterprise.credit.grade == "C" and drop.enterprise.credit.indicator_values["complaint_substantiated"] >= 2
        for drop in drops
    )
    # A counterfeit tip led to a case and the leader recorded its reward.
    [rewarded] = [c for c in complaints if c.reward_amount]
    assert rewarded.kind == ComplaintKind.TIP and rewarded.led_to_case and not rewarded.anonymous
    assert rewarded.major_violation and rewarded.reward_recorded_by.username == "leader"
    # The complaint rules' states: named complaints mediated, a tip extended once by the leader, one overdue, an
    # anonymous tip's reward code claimed; refusals only on grounds of Order 20.
    assert all(not c.anonymous and c.contact_address and c.enterprise_name for c in complaints if c.kind == "complaint")
    assert any(c.outcome == Outcome.MEDIATED for c in complaints if c.kind == ComplaintKind.COMPLAINT)
    [extended] = [c for c in complaints if c.extended_at]
    assert extended.extended_by.username == "leader" and extended.decision_due >= AS_OF
    overdue = list(Complaint.objects.overdue(AS_OF))  # as the city stands on its day
    assert [c.product_name for c in overdue] == ["液化石油气钢瓶"] and overdue[0].kind == ComplaintKind.TIP
    [claimed] = [c for c in complaints if c.reward_claimed_at]
    assert claimed.anonymous and claimed.reward_code_hash and claimed.claimant_phone
    assert all(c.refusal_reason for c in statuses[ComplaintStatus.REJECTED] if c.kind == ComplaintKind.COMPLAINT)
    named_decided = [c for c in complaints if c.notice_due and c not in overdue]
    assert named_decided and all(c.tipster_notified_at for c in named_decided)

    # 你点我检: uneven popularity; the most wanted rice products are in the draft plan.
    counts = sorted(Nomination.objects.values("product_name").annotate(n=Count("pk")).values_list("n", flat=True))
    assert 35 <= sum(counts) <= 45 and len(counts) >= 8 and counts[-1] >= 4 * counts[0]
    adopted = Nomination.objects.filter(status=NominationStatus.ADOPTED).select_related("campaign")
    assert adopted.count() >= 5
    assert {n.campaign.status for n in adopted} == {"draft"}
    assert {n.product_name for n in adopted} <= set(adopted[0].campaign.categories())
    assert not Nomination.objects.filter(submitted_at__gte=end).exists()


def test_the_command_refuses_a_production_database(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", "--enterprises", "5", stdout=StringIO())
    assert not Enterprise.objects.exists()


def test_the_command_prints_an_account_per_role_and_does_not_seed_twice(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--enterprises", "30", "--seed", "3", stdout=out)
    text = out.getvalue()
    for username in ("leader", "supervisor", "inspector", "lab", "enterprise", "expert", "admin"):
        assert f" {username} " in text
    assert DEMO_PASSWORD in text
    assert "--seed 3 --enterprises 30 --as-of " in text  # how to rebuild exactly this city
    again = StringIO()
    call_command("seed_demo", "--enterprises", "30", stdout=again)
    assert "nothing was added" in again.getvalue()
    assert Enterprise.objects.count() == 30
    assert Programme.objects.count() == len(set(Programme.objects.values_list("kind", "year")))  # no call twice


@pytest.mark.postgres
def test_bulk_seed_on_postgresql():
    result = seed_demo_city(seed=2026, enterprises=5000, as_of=AS_OF)
    assert Enterprise.objects.count() == result.enterprises == 5000
    assert Licence.objects.count() == result.licences > 5000
