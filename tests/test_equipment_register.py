"""Special equipment: the register, use registration, periodic inspection, the reminders, and who may do what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.roles import Role
from core.inbox import inbox_for
from equipment import selectors, services
from equipment.choices import Conclusion, RegistrationStatus, UnitStatus
from equipment.models import Category, Reminder, Unit, add_months
from tests.factories import EnterpriseFactory, UserFactory, enterprise_user
from tests.factories_equipment import UnitFactory, category, equipment_staff

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def staff():
    return equipment_staff(username="tezhong")


def test_the_catalogue_has_eight_categories_with_intervals():
    assert Category.objects.count() == 8
    elevators = Category.objects.get(code="3000")
    assert elevators.inspection_interval_months == 12 and not elevators.needs_certified_operators
    assert Category.objects.get(code="4000").inspection_interval_months == 24


def test_add_months_keeps_the_end_of_a_short_month():
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 11, 30), 24) == datetime.date(2026, 11, 30)


def test_a_using_unit_enters_its_own_elevator_and_its_first_inspection_falls_due_a_year_later(enterprise):
    user = enterprise_user(enterprise)
    other = EnterpriseFactory()
    unit = services.unit_register(
        actor=user,
        values={
            "equipment_code": "31104306002025A001",
            "category": category("3000"),
            "using_unit": other,  # ignored: a using unit enters only its own
            "address": "岳阳楼区巴陵中路8号",
            "put_into_use_on": days(-3),
            "registration_number": "FAKE",  # only staff take over a registration
        },
    )
    assert unit.using_unit == enterprise and unit.district == enterprise.district
    assert unit.registration_number == ""
    assert unit.next_inspection_due == add_months(days(-3), 12)
    assert unit.history.count() == 1


def test_unit_registration_refuses_bad_input(staff, enterprise):
    with pytest.raises(ValidationError) as error:
        services.unit_register(
            actor=staff,
            values={
                "equipment_code": "X" * 100,
                "category": category(),
                "using_unit": enterprise,
                "address": "",
                "put_into_use_on": days(5),
            },
        )
    assert {"equipment_code", "address", "put_into_use_on"} <= set(error.value.message_dict)
    UnitFactory(equipment_code="DUP1")
    with pytest.raises(ValidationError) as error:
        services.unit_register(
            actor=staff,
            values={
                "equipment_code": "dup1",
                "category": category(),
                "using_unit": enterprise,
                "address": "a",
                "put_into_use_on": days(-1),
            },
        )
    assert "equipment_code" in error.value.message_dict


def test_a_supervisor_of_another_section_and_an_inspector_may_not_enter_units(actors, enterprise):
    for role in (Role.SUPERVISOR, Role.INSPECTOR, Role.EXPERT, Role.LAB_TECHNICIAN):
        with pytest.raises(PermissionDenied):
            services.unit_register(actor=actors[role], values={"using_unit": enterprise})


def test_registration_apply_accept_and_the_certificate_number(staff, enterprise):
    user = enterprise_user(enterprise)
    unit = UnitFactory(using_unit=enterprise, registration_number="", registered_on=None, put_into_use_on=days(-5))
    registration = services.registration_apply(actor=user, unit=unit, note="新装电梯")
    with pytest.raises(ValidationError):
        services.registration_apply(actor=user, unit=unit)  # one application waits at a time
    with pytest.raises(PermissionDenied):
        services.registration_accept(actor=user, registration=registration, certificate_number="梯11湘F00001")
    UnitFactory(registration_number="梯11湘F09999")
    with pytest.raises(ValidationError):
        services.registration_accept(actor=staff, registration=registration, certificate_number="梯11湘f09999")
    number = "梯11湘F00001"
    registration = services.registration_accept(actor=staff, registration=registration, certificate_number=number)
    unit.refresh_from_db()
    assert registration.status == RegistrationStatus.ACCEPTED
    assert unit.registration_number == "梯11湘F00001" and unit.registered_on == today()
    with pytest.raises(ValidationError):
        services.registration_apply(actor=user, unit=unit)  # already registered


def test_a_returned_application_gives_its_reason_and_may_be_made_again(staff, enterprise):
    user = enterprise_user(enterprise)
    unit = UnitFactory(using_unit=enterprise, registration_number="", registered_on=None)
    registration = services.registration_apply(actor=user, unit=unit)
    with pytest.raises(ValidationError):
        services.registration_return(actor=staff, registration=registration, reason="  ")
    services.registration_return(actor=staff, registration=registration, reason="缺少监督检验报告")
    again = services.registration_apply(actor=user, unit=unit)
    assert again.pk != registration.pk


def test_a_using_unit_cannot_apply_for_another_enterprises_unit(enterprise):
    user = enterprise_user(enterprise)
    unit = UnitFactory(registration_number="", registered_on=None)
    with pytest.raises(PermissionDenied):
        services.registration_apply(actor=user, unit=unit)


def test_the_unregistered_worklist_lists_units_past_30_days(staff):
    late = UnitFactory(registration_number="", registered_on=None, put_into_use_on=days(-31))
    UnitFactory(registration_number="", registered_on=None, put_into_use_on=days(-30))
    UnitFactory(registration_number="", registered_on=None, put_into_use_on=days(-90), status=UnitStatus.SCRAPPED)
    UnitFactory(put_into_use_on=days(-90))
    assert list(selectors.unregistered_worklist(user=staff)) == [late]


def test_an_inspection_sets_the_next_date_and_a_fail_means_must_not_be_used(staff):
    unit = UnitFactory(next_inspection_due=days(10))
    assert not unit.must_not_be_used()
    inspection = services.inspection_record(
        actor=staff, unit=unit, inspected_on=days(-1), report_number="r-1", conclusion=Conclusion.PASS
    )
    unit.refresh_from_db()
    assert inspection.report_number == "R-1"
    assert unit.next_inspection_due == add_months(days(-1), 12) and not unit.must_not_be_used()
    with pytest.raises(ValidationError) as error:
        services.inspection_record(actor=staff, unit=unit, inspected_on=today(), report_number="R-2", conclusion="fail")
    assert "defects" in error.value.message_dict
    services.inspection_record(
        actor=staff, unit=unit, inspected_on=today(), report_number="R-2", conclusion="fail", defects="曳引绳磨损"
    )
    unit.refresh_from_db()
    assert unit.must_not_be_used() and unit.last_conclusion == Conclusion.FAIL
    assert Unit.objects.must_not_be_used(today()).filter(pk=unit.pk).exists()
    services.inspection_record(
        actor=staff, unit=unit, inspected_on=today(), report_number="R-3", conclusion=Conclusion.PASS_AFTER_REINSPECTION
    )
    unit.refresh_from_db()
    assert not unit.must_not_be_used()


def test_an_overdue_unit_is_never_shown_usable():
    unit = UnitFactory(next_inspection_due=days(-1), last_conclusion=Conclusion.PASS)
    assert unit.must_not_be_used()
    assert list(Unit.objects.must_not_be_used(today())) == [unit]
    stopped = UnitFactory(next_inspection_due=days(-1), status=UnitStatus.STOPPED)
    assert not stopped.must_not_be_used()


def test_an_older_report_imported_later_does_not_undo_a_newer_one(staff):
    unit = UnitFactory(next_inspection_due=days(10))
    services.inspection_record(actor=staff, unit=unit, inspected_on=days(-2), report_number="NEW", conclusion="pass")
    services.inspection_record(
        actor=staff, unit=unit, inspected_on=days(-400), report_number="OLD", conclusion="fail", defects="旧缺陷"
    )
    unit.refresh_from_db()
    assert unit.last_conclusion == Conclusion.PASS and unit.last_inspected_on == days(-2)


def test_inspection_refusals(staff, actors):
    unit = UnitFactory()
    services.inspection_record(actor=staff, unit=unit, inspected_on=days(-2), report_number="A", conclusion="pass")
    with pytest.raises(ValidationError) as error:
        services.inspection_record(actor=staff, unit=unit, inspected_on=days(2), report_number="A", conclusion="x")
    assert {"inspected_on", "report_number", "conclusion"} <= set(error.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.inspection_record(
            actor=actors[Role.SUPERVISOR], unit=unit, inspected_on=days(-1), report_number="B", conclusion="pass"
        )


def test_status_changes_keep_the_unit_and_refuse_a_scrapped_one(staff):
    unit = UnitFactory()
    services.unit_status_set(actor=staff, unit=unit, status=UnitStatus.STOPPED, since=days(-1), reason="停用检修")
    services.unit_status_set(actor=staff, unit=unit, status=UnitStatus.SCRAPPED)
    with pytest.raises(ValidationError):
        services.unit_status_set(actor=staff, unit=unit, status=UnitStatus.IN_USE)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SCRAPPED and unit.history.count() == 3


def test_the_worklist_lists_units_due_within_30_days_and_overdue(staff):
    overdue = UnitFactory(next_inspection_due=days(-3))
    soon = UnitFactory(next_inspection_due=days(30))
    UnitFactory(next_inspection_due=days(31))
    UnitFactory(next_inspection_due=days(-3), status=UnitStatus.STOPPED)
    assert list(selectors.inspection_worklist(user=staff)) == [overdue, soon]


def test_each_reminder_is_recorded_once():
    soon = UnitFactory(next_inspection_due=days(20))
    UnitFactory(next_inspection_due=days(45))
    UnitFactory(next_inspection_due=days(-5))  # overdue: its reminder went out before; the worklist has it
    new = UnitFactory(registration_number="", registered_on=None, put_into_use_on=days(-2))
    assert services.reminders_record() == 2
    assert services.reminders_record() == 0  # a rerun adds nothing
    assert services.reminders_record(today=days(1)) == 0
    kinds = dict(Reminder.objects.values_list("unit_id", "kind"))
    assert kinds == {soon.pk: Reminder.Kind.INSPECTION, new.pk: Reminder.Kind.REGISTRATION}
    assert Reminder.objects.get(unit=soon).due_on == days(20)
    # A new due date (the inspection was done) gets its own reminder when it comes near.
    soon.next_inspection_due = days(25)
    soon.save()
    assert services.reminders_record() == 1


def test_the_reminder_task_records_a_job_run():
    from core.models import JobRun
    from equipment.tasks import record_reminders_task

    UnitFactory(next_inspection_due=days(1))
    assert record_reminders_task.delay().get() == {"reminders": 1}
    assert JobRun.objects.filter(name="equipment_reminders", status=JobRun.Status.SUCCEEDED).exists()


def test_access_each_role_sees_what_it_may(actors, enterprise, staff):
    own = UnitFactory(using_unit=enterprise)
    other = UnitFactory()
    assert set(Unit.objects.visible_to(staff)) == {own, other}
    assert set(Unit.objects.visible_to(actors[Role.LEADER])) == {own, other}
    assert set(Unit.objects.visible_to(actors[Role.SUPERVISOR])) == {own, other}  # other sections read
    assert set(Unit.objects.visible_to(actors[Role.ENTERPRISE])) == {own}
    for role in (Role.INSPECTOR, Role.LAB_TECHNICIAN, Role.EXPERT, Role.ADMIN):
        assert not Unit.objects.visible_to(actors[role]).exists()
    assert not actors[Role.SUPERVISOR].has_perm("equipment.manage")
    assert actors[Role.LEADER].has_perm("equipment.manage") and staff.has_perm("equipment.manage")
    section_inspector = UserFactory(role=Role.INSPECTOR, section="special_equipment")
    assert section_inspector.has_perm("equipment.manage")
    assert actors[Role.ENTERPRISE].has_perm("equipment.apply", own)
    assert not actors[Role.ENTERPRISE].has_perm("equipment.apply", other)


def test_the_inbox_tells_a_using_unit_and_the_section(enterprise, staff):
    user = enterprise_user(enterprise)
    UnitFactory(using_unit=enterprise, next_inspection_due=days(10))
    UnitFactory(using_unit=enterprise, next_inspection_due=days(-1))
    unit = UnitFactory(using_unit=enterprise, registration_number="", registered_on=None, put_into_use_on=days(-40))
    services.registration_apply(actor=user, unit=unit)
    with translation.override("en"):
        mine = {item.kind: item for item in inbox_for(user)}
        theirs = {item.kind: item for item in inbox_for(staff)}
    assert mine["equipment.inspections_to_request"].count == 2 and mine["equipment.inspections_to_request"].urgent
    assert mine["equipment.registrations_due"].count == 1
    assert theirs["equipment.overdue_inspections"].count == 1
    assert theirs["equipment.unregistered"].count == 1
    assert theirs["equipment.registrations_to_accept"].count == 1
    assert not [item for item in inbox_for(UserFactory(role=Role.INSPECTOR)) if item.kind.startswith("equipment.")]


def test_an_operator_certificate_runs_four_years_and_a_unit_without_one_is_flagged(enterprise, staff):
    from equipment.filtersets import UnitFilterSet

    user = enterprise_user(enterprise)
    crane = UnitFactory(using_unit=enterprise, category=category("4000"))
    elevator = UnitFactory(using_unit=enterprise, category=category("3000"))  # needs no certified operator
    assert selectors.unit_lacks_certified_operator(crane) and not selectors.unit_lacks_certified_operator(elevator)
    other = EnterpriseFactory()
    operator = services.operator_record(
        actor=user,
        values={
            "using_unit": other,  # ignored: a using unit records its own
            "name": "王强",
            "category": category("4000"),
            "certificate_number": "q4306001",
            "issued_on": datetime.date(2024, 3, 1),
        },
    )
    assert operator.using_unit == enterprise and operator.certificate_number == "Q4306001"
    assert operator.expires_on == datetime.date(2028, 2, 29)
    assert not selectors.unit_lacks_certified_operator(crane)
    with pytest.raises(ValidationError) as error:
        services.operator_record(
            actor=staff,
            values={
                "using_unit": other,
                "name": "",
                "category": category("4000"),
                "certificate_number": "Q4306001",
                "issued_on": days(3),
            },
        )
    assert {"name", "issued_on"} <= set(error.value.message_dict)
    expired = UnitFactory(using_unit=other, category=category("4000"))
    services.operator_record(
        actor=staff,
        values={
            "using_unit": other,
            "name": "李军",
            "category": category("4000"),
            "certificate_number": "Q4306002",
            "issued_on": datetime.date(2020, 1, 1),
        },
    )
    assert selectors.unit_lacks_certified_operator(expired)
    flagged = UnitFilterSet({"lacks_operator": "true"}, queryset=Unit.objects.all()).qs
    assert list(flagged) == [expired]
    assert set(selectors.operators_visible_to(user)) == {operator}
    with pytest.raises(PermissionDenied):
        services.operator_record(actor=UserFactory(role=Role.INSPECTOR), values={})
