"""Credit is a consumer: the producers register their indicator sources (with the event kinds that change them),
credit's recalculation reacts to every one of those kinds after commit, and credit's modules import no producer."""

import ast
import pathlib

import pytest
from django.conf import settings
from django.utils import timezone

from brands import events as brands_events
from brands.handlers import propose_revocations
from complaints import events as complaints_events
from core.events import event_emit, handlers_for
from core.indicators import INDICATORS, SOURCES, Indicator, Source, register_source, source_events
from credit import events as credit_events
from credit.choices import Grade, GradeCause
from credit.handlers import grade_event_kinds, recalculate_on_event
from credit.models import CreditGrade, GradeChange
from enterprises import events as enterprise_events
from inspections import events as inspection_events
from inspections.choices import TaskKind, TaskStatus, Verdict
from inspections.models import Task
from inspections.services.verdicts import task_finalise
from metrology import events as metrology_events
from tests.factories import CampaignFactory, EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

CREDIT = pathlib.Path(settings.BASE_DIR) / "credit"


def test_each_producer_registers_its_sources_with_the_events_that_change_them():
    declared = {name: set(source.events) for name, source in SOURCES.items()}
    assert declared == {
        "tasks": {inspection_events.VERDICT, inspection_events.REFUSAL},
        "follow_ups": {inspection_events.FOLLOW_UP},
        "licences": {enterprise_events.RECORD},
        "self_reports": {enterprise_events.RECORD},
        "penalties": {enterprise_events.RECORD},
        "blacklist": {credit_events.LISTED, credit_events.DELISTED},
        "industry_rate": set(),  # rebuilt by the nightly run
        "district_trend": set(),
        "honours": {brands_events.HONOUR_AWARDED, brands_events.HONOUR_REVOKED},
        "complaints": {complaints_events.RESOLVED},
        "metrology_instruments": {
            metrology_events.VERIFIED,
            metrology_events.USED_AFTER_FAILURE,
            metrology_events.INSTRUMENT_FILED,
        },
        "metrology_net_content": {metrology_events.NET_CONTENT_TESTED},
    }
    assert {source.rows.__module__ for source in SOURCES.values()} == {
        "inspections.indicators",
        "enterprises.indicators",
        "credit.indicators",
        "brands.indicators",
        "complaints.indicators",
        "metrology.indicators",
    }


def test_the_registry_keeps_the_indicators_order_whatever_order_the_apps_start_in():
    """The model form, the explanation and the score's sum follow this order (enterprises starts before
    inspections, yet the spot checks come first)."""
    assert list(SOURCES) == [
        "tasks",
        "follow_ups",
        "licences",
        "self_reports",
        "penalties",
        "blacklist",
        "industry_rate",
        "district_trend",
        "honours",
        "complaints",
        "metrology_instruments",
        "metrology_net_content",
    ]
    assert list(INDICATORS)[:4] == ["conforming", "nonconforming", "refused", "failed_recheck"]
    assert list(INDICATORS)[-6:] == [
        "brand_honour",
        "complaint_substantiated",
        "recent_complaints",
        "metrology_overdue_verification",
        "metrology_used_after_failure",
        "metrology_net_content_failed",
    ]


def test_every_source_event_and_credits_own_reach_the_recalculation_before_other_handlers():
    kinds = source_events() | {credit_events.OVERRIDE_APPROVED, credit_events.OVERRIDE_ENDED}
    assert grade_event_kinds() == kinds
    for kind in kinds:
        assert handlers_for(kind)[0] is recalculate_on_event, kind
    # Brands reads the new grade when it reviews an honour: credit's handler runs first.
    assert handlers_for(credit_events.LISTED) == [recalculate_on_event, propose_revocations]


def test_a_source_registered_after_credit_started_is_subscribed_too(monkeypatch):
    monkeypatch.setattr("core.indicators.SOURCES", dict(SOURCES))
    monkeypatch.setattr("core.indicators.INDICATORS", dict(INDICATORS))
    register_source(
        Source("late", lambda w: None, events=("late.happened",)),
        Indicator("late", "late", "per late", "late"),
    )
    assert recalculate_on_event in handlers_for("late.happened")


def test_each_event_kind_recalculates_its_enterprise_after_commit_only(django_capture_on_commit_callbacks):
    for kind in sorted(grade_event_kinds()):
        enterprise = EnterpriseFactory()
        with django_capture_on_commit_callbacks(execute=True):
            event_emit(kind, enterprise_id=enterprise.pk)
            assert not CreditGrade.objects.filter(enterprise=enterprise).exists(), kind  # not before commit
        change = GradeChange.objects.get(enterprise=enterprise)
        assert (change.grade, change.cause, change.detail) == (Grade.B, GradeCause.EVENT, kind)


def test_the_event_names_the_cause_and_detail_of_the_history(django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(
            credit_events.OVERRIDE_ENDED, enterprise_id=enterprise.pk, cause=GradeCause.OVERRIDE_ENDED, detail="expired"
        )
    change = GradeChange.objects.get(enterprise=enterprise)
    assert (change.cause, change.detail) == (GradeCause.OVERRIDE_ENDED, "expired")


def test_a_refusal_grades_the_enterprise_c_once_the_verdict_commits(django_capture_on_commit_callbacks):
    enterprise = EnterpriseFactory()
    task = Task.objects.create(
        campaign=CampaignFactory(),
        enterprise=enterprise,
        kind=TaskKind.ROUTINE,
        status=TaskStatus.ASSIGNED,
        due_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        task_finalise(task=task, verdict=Verdict.REFUSED, actor=UserFactory(), source="test")
        assert not CreditGrade.objects.filter(enterprise=enterprise).exists()
    assert callbacks
    grade = CreditGrade.objects.get(enterprise=enterprise)
    assert grade.grade == Grade.C and grade.indicator_values["refused"] == 1
    assert GradeChange.objects.get(enterprise=enterprise).detail == inspection_events.REFUSAL


def _imported_modules(path: pathlib.Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_credit_imports_nothing_from_the_apps_above_it():
    for path in CREDIT.rglob("*.py"):
        for module in _imported_modules(path):
            assert module.split(".")[0] not in {"inspections", "brands", "complaints", "portal", "analysis"}, (
                path,
                module,
            )
    for name in ("indicators", "recalculation", "areas", "handlers", "services"):
        assert not any(m.startswith("enterprises") for m in _imported_modules(CREDIT / f"{name}.py")), name
