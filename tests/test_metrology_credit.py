"""Metrology's credit indicators: overdue compulsory verification, use after a failed verification and failed
net-content lots count in the grade through a new scoring model version, and the grade follows metrology's events."""

import datetime
import importlib

import pytest
from django.utils import timezone

from core.events import event_dispatch
from core.models import DomainEvent
from credit.models import CreditGrade, ScoringModel
from credit.services import recalculate_enterprises
from metrology import services
from metrology.events import USED_AFTER_FAILURE, VERIFIED
from metrology.reference_data import METROLOGY_WEIGHTS
from tests.factories_metrology import InstrumentFactory, metrology_staff

pytestmark = pytest.mark.django_db


def test_the_migration_and_the_restore_give_the_same_weights(reference_data):
    migration = importlib.import_module("credit.migrations.0011_metrology_indicators")
    assert migration.WEIGHTS == METROLOGY_WEIGHTS
    latest = ScoringModel.objects.order_by("-version").first()
    for code, weight in METROLOGY_WEIGHTS.items():
        assert latest.weights[code] == weight


def test_overdue_and_use_after_failure_lower_the_grade_and_follow_the_events(enterprise, reference_data):
    today = timezone.localdate()
    staff = metrology_staff()
    overdue = InstrumentFactory(enterprise=enterprise, next_due_on=today - datetime.timedelta(days=3))
    InstrumentFactory(enterprise=enterprise, next_due_on=today - datetime.timedelta(days=9))
    InstrumentFactory(enterprise=enterprise)  # valid
    recalculate_enterprises([enterprise.pk], cause="manual")
    grade = CreditGrade.objects.get(pk=enterprise.pk)
    assert grade.indicator_values["metrology_overdue_verification"] == 2
    assert grade.indicator_values["metrology_used_after_failure"] == 0
    score = grade.score
    services.verification_record(
        actor=staff, instrument=overdue, verified_on=today, result="failed", certificate_number="BHG-1",
        institution="所",
    )  # fmt: skip
    services.instrument_record_used_after_failure(actor=staff, instrument=overdue, note="仍在加油")
    for event in DomainEvent.objects.filter(kind__in=[VERIFIED, USED_AFTER_FAILURE], enterprise=enterprise):
        event_dispatch(event.pk)
    grade = CreditGrade.objects.get(pk=enterprise.pk)
    assert grade.indicator_values["metrology_overdue_verification"] == 1  # failed is not "overdue"
    assert grade.indicator_values["metrology_used_after_failure"] == 1
    assert grade.score < score
