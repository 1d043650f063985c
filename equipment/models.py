"""Special-equipment safety (特种设备安全监察): the city's register of units of special equipment in the eight
categories of the national catalogue, their use registration (使用登记, Special Equipment Safety Law Art 33), their
periodic inspections (定期检验, Art 40) and the reminders sent to the using unit (使用单位) before one is due.

Nothing here is deleted: a unit is stopped, scrapped or its registration cancelled; a registration is returned
with a reason; an inspection stays on file. Units, registrations and inspections keep their change history.

A unit carries what its last inspection and registration decided (`next_inspection_due`, `last_conclusion`,
`registration_number`), written by the services in the same transaction as the record, so the worklists and the
rates read one indexed table rather than the latest of each unit's inspections."""

import calendar
import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import Role, Section
from core.access import RestrictedQuerySet, access_rule
from equipment.choices import Conclusion, RegistrationStatus, UnitStatus


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, on the last day of a shorter month (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_equipment_staff(user) -> bool:
    """A bureau leader, or a supervisor or inspector of the special-equipment section: they see and change all."""
    if not getattr(user, "is_active", False):
        return False
    if user.role == Role.LEADER:
        return True
    return user.role in (Role.SUPERVISOR, Role.INSPECTOR) and user.section == Section.SPECIAL_EQUIPMENT


def own_enterprise_id(user) -> int | None:
    return user.enterprise_id if getattr(user, "is_active", False) and user.role == Role.ENTERPRISE else None


class Category(models.Model):
    """One of the eight categories of the national catalogue of special equipment (特种设备目录), with the periodic
    inspection interval of its safety technical specification (TSG) and whether its operators must hold a
    certificate. Data the bureau edits (in the admin): a new interval applies to the next inspection recorded."""

    code = models.CharField(_("catalogue code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=64)
    inspection_interval_months = models.PositiveSmallIntegerField(
        _("periodic inspection interval (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    needs_certified_operators = models.BooleanField(_("operators must be certified"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("equipment category")
        verbose_name_plural = _("equipment categories")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(RestrictedQuerySet):
    def in_use(self) -> "UnitQuerySet":
        return self.filter(status=UnitStatus.IN_USE)

    def must_not_be_used(self, today: datetime.date) -> "UnitQuerySet":
        return self.filter(must_not_be_used_condition(today))

    def inspection_due_within(self, today: datetime.date, days: int) -> "UnitQuerySet":
        """In use and due for periodic inspection by `today + days`, overdue ones included."""
        return self.in_use().filter(next_inspection_due__lte=today + datetime.timedelta(days=days))

    def unregistered_overdue(self, today: datetime.date) -> "UnitQuerySet":
        return self.filter(unregistered_overdue_condition(today))


def must_not_be_used_condition(today: datetime.date) -> Q:
    """Units in use that must not be used (Art 40): their periodic inspection is overdue or their last failed."""
    return Q(status=UnitStatus.IN_USE) & (Q(next_inspection_due__lt=today) | Q(last_conclusion=Conclusion.FAIL))


def registration_deadline_start(today: datetime.date) -> datetime.date:
    """Units put into use before this day are past the registration period (Art 33) when still unregistered."""
    return today - datetime.timedelta(days=settings.EQUIPMENT_REGISTRATION_DAYS)


def unregistered_overdue_condition(today: datetime.date) -> Q:
    """Units in use, unregistered, put into use more than the registration period ago."""
    return Q(status=UnitStatus.IN_USE, registration_number="", put_into_use_on__lt=registration_deadline_start(today))


class Unit(models.Model):
    """One unit of special equipment (a boiler, a pressure vessel or a batch of gas cylinders, a stretch of
    pressure piping, an elevator, a crane, a ropeway, a ride, an in-plant vehicle) and its using unit: an enterprise
    file (for an elevator often a property-management company's)."""

    equipment_code = models.CharField(_("equipment code"), max_length=32, unique=True)
    registration_number = models.CharField(
        _("use-registration certificate number"), max_length=32, blank=True, db_index=True
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="units", verbose_name=_("category"))
    using_unit = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="equipment_units",
        verbose_name=_("using unit"),
    )
    district = models.ForeignKey(
        "enterprises.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    address = models.CharField(_("address"), max_length=255)
    building = models.CharField(_("building or place"), max_length=128, blank=True)
    maker = models.CharField(_("maker"), max_length=128, blank=True)
    model_name = models.CharField(_("model"), max_length=64, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True)
    made_on = models.DateField(_("date made"), null=True, blank=True)
    installed_on = models.DateField(_("date installed"), null=True, blank=True)
    put_into_use_on = models.DateField(_("date put into use"))
    status = models.CharField(_("status"), max_length=16, choices=UnitStatus.choices, default=UnitStatus.IN_USE)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    last_inspected_on = models.DateField(_("last inspected on"), null=True, blank=True)
    last_conclusion = models.CharField(
        _("last inspection conclusion"), max_length=16, choices=Conclusion.choices, blank=True
    )
    next_inspection_due = models.DateField(_("next inspection due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["equipment_code"]
        verbose_name = _("equipment unit")
        verbose_name_plural = _("equipment units")
        indexes = [
            models.Index(fields=["status", "next_inspection_due"], name="equipment_unit_due"),
            models.Index(fields=["using_unit", "status"], name="equipment_unit_owner"),
            models.Index(fields=["district", "category", "status"], name="equipment_unit_rates"),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_code} {self.category}"

    def get_absolute_url(self) -> str:
        return reverse("equipment:unit", args=[self.pk])

    def must_not_be_used(self, today: datetime.date | None = None) -> bool:
        """Overdue for periodic inspection or failed at the last one, while in use (Art 40)."""
        today = today or timezone.localdate()
        if self.status != UnitStatus.IN_USE:
            return False
        overdue = self.next_inspection_due is not None and self.next_inspection_due < today
        return overdue or self.last_conclusion == Conclusion.FAIL

    def registration_due_on(self) -> datetime.date:
        """The last day to register a unit put into use (Art 33)."""
        return self.put_into_use_on + datetime.timedelta(days=settings.EQUIPMENT_REGISTRATION_DAYS)

    def request_inspection_by(self) -> datetime.date | None:
        """The day by which the using unit must request the periodic inspection: a month before it is due."""
        if self.next_inspection_due is None:
            return None
        return self.next_inspection_due - datetime.timedelta(days=settings.EQUIPMENT_INSPECTION_REMINDER_DAYS)


@access_rule(Unit, actions=("view", "change", "apply"))
def unit_access(user, action: str) -> Q | bool:
    """Leaders and the special-equipment section read and change every unit; other bureau supervisors read them; a
    using unit reads its own and applies for their registration; nobody else anything (the public reads only the
    published status page, by registration number, which is not a queryset of this rule)."""
    if is_equipment_staff(user):
        return True
    own = own_enterprise_id(user)
    if action == "view" and getattr(user, "is_active", False) and user.role == Role.SUPERVISOR:
        return True
    if action in ("view", "apply") and own:
        return Q(using_unit_id=own)
    return False


class Registration(models.Model):
    """A use-registration application (使用登记) for a unit: the using unit applies (or staff record it), staff
    accept it, giving the certificate number, or return it with a reason; a returned unit is applied for again."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("unit"))
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.APPLIED
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("applied by")
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=32, blank=True)
    reason = models.TextField(_("reason for returning"), blank=True, max_length=2000)
    history = HistoricalRecords()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_at", "-pk"]
        verbose_name = _("use registration")
        verbose_name_plural = _("use registrations")
        constraints = [
            # One application waits at a time: a second is refused until the first is decided.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status=RegistrationStatus.APPLIED),
                name="equipment_registration_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.equipment_code} {self.get_status_display()}"


@access_rule(Registration, actions=("view",))
def registration_access(user, action: str) -> Q | bool:
    """As the unit's: staff and supervisors all, a using unit those of its own units."""
    allowed = unit_access(user, "view")
    if isinstance(allowed, bool):
        return allowed
    return Q(unit__using_unit_id=own_enterprise_id(user))


class Inspection(models.Model):
    """A periodic inspection (定期检验) of a unit by an inspection institution: its date, report number,
    conclusion, the defects found and the next date; recorded by staff or imported from the institution's file."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("unit"))
    inspected_on = models.DateField(_("inspected on"))
    institution = models.CharField(_("inspection institution"), max_length=128, blank=True)
    report_number = models.CharField(_("report number"), max_length=64)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices)
    defects = models.TextField(_("defects"), blank=True, max_length=5000)
    next_due_on = models.DateField(_("next inspection due"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    imported = models.BooleanField(_("imported"), default=False)
    history = HistoricalRecords()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("periodic inspection")
        verbose_name_plural = _("periodic inspections")
        constraints = [
            models.UniqueConstraint(fields=["unit", "report_number"], name="equipment_inspection_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit.equipment_code} {self.inspected_on} {self.get_conclusion_display()}"


@access_rule(Inspection, actions=("view",))
def inspection_access(user, action: str) -> Q | bool:
    """As the unit's."""
    allowed = unit_access(user, "view")
    if isinstance(allowed, bool):
        return allowed
    return Q(unit__using_unit_id=own_enterprise_id(user))


class Reminder(models.Model):
    """A reminder recorded for the using unit: a periodic inspection to request (a month before it is due) or a
    registration to apply for. The daily task records each once (the unique constraint), whatever its reruns."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Request the periodic inspection")
        REGISTRATION = "registration", _("Apply for use registration")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("equipment reminder")
        verbose_name_plural = _("equipment reminders")
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "due_on"], name="equipment_reminder_once")]

    def __str__(self) -> str:
        return f"{self.unit.equipment_code} {self.get_kind_display()} {self.due_on}"


@access_rule(Reminder, actions=("view",))
def reminder_access(user, action: str) -> Q | bool:
    """As the unit's."""
    allowed = unit_access(user, "view")
    if isinstance(allowed, bool):
        return allowed
    return Q(unit__using_unit_id=own_enterprise_id(user))


class Operator(models.Model):
    """An operator (作业人员) of a using unit with their certificate (特种设备作业人员证, Art 14) for a category of
    equipment: number, issue date and expiry (four years by default). A unit whose category needs certified
    operators and whose using unit holds no current certificate for it is flagged. Never deleted: a certificate
    that ends is simply past its expiry, or revoked with the date."""

    using_unit = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="equipment_operators",
        verbose_name=_("using unit"),
    )
    name = models.CharField(_("name"), max_length=64)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="operators", verbose_name=_("certificate for")
    )
    certificate_number = models.CharField(_("certificate number"), max_length=32)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("equipment operator")
        verbose_name_plural = _("equipment operators")
        constraints = [
            models.UniqueConstraint(fields=["category", "certificate_number"], name="equipment_operator_certificate")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.certificate_number}"

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_on is None and self.issued_on <= today <= self.expires_on


def current_operator_condition(today: datetime.date) -> Q:
    """Operator certificates valid on `today`."""
    return Q(issued_on__lte=today, expires_on__gte=today, revoked_on__isnull=True)


def lacks_certified_operator_condition(today: datetime.date) -> Q:
    """Units in use of a category that needs certified operators whose using unit holds no current certificate for
    that category."""
    current = Operator.objects.filter(
        current_operator_condition(today),
        using_unit_id=models.OuterRef("using_unit_id"),
        category_id=models.OuterRef("category_id"),
    )
    return Q(status=UnitStatus.IN_USE, category__needs_certified_operators=True) & ~models.Exists(current)


@access_rule(Operator, actions=("view", "change"))
def operator_access(user, action: str) -> Q | bool:
    """As the units': staff all, other supervisors read, a using unit its own operators (it keeps them)."""
    if is_equipment_staff(user):
        return True
    if action == "view" and getattr(user, "is_active", False) and user.role == Role.SUPERVISOR:
        return True
    own = own_enterprise_id(user)
    return Q(using_unit_id=own) if own else False
