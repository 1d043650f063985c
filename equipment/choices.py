"""The vocabulary of special-equipment safety (特种设备安全监察), public to the other apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitStatus(models.TextChoices):
    """Where a unit of equipment stands. A unit is never deleted: it is stopped, scrapped or cancelled."""

    IN_USE = "in_use", _("In use")
    STOPPED = "stopped", _("Stopped")
    SCRAPPED = "scrapped", _("Scrapped")
    CANCELLED = "cancelled", _("Registration cancelled")


class RegistrationStatus(models.TextChoices):
    """A use-registration application (使用登记): applied by the using unit, accepted or returned by staff."""

    APPLIED = "applied", pgettext_lazy("use registration", "Applied")
    ACCEPTED = "accepted", pgettext_lazy("use registration", "Registered")
    RETURNED = "returned", pgettext_lazy("use registration", "Returned")


class Conclusion(models.TextChoices):
    """A periodic inspection's conclusion (检验结论)."""

    PASS = "pass", _("Pass")
    PASS_AFTER_REINSPECTION = "pass_reinspected", _("Pass after re-inspection")
    FAIL = "fail", _("Fail")


PASSING_CONCLUSIONS = frozenset({Conclusion.PASS, Conclusion.PASS_AFTER_REINSPECTION})


class InspectionState(models.TextChoices):
    """A unit's periodic-inspection state as lists filter it."""

    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due within the reminder period")
    FAILED = "failed", _("Failed")
    CURRENT = "current", _("Current")


class RegistrationState(models.TextChoices):
    """A unit's use-registration state as lists filter it."""

    REGISTERED = "registered", _("Registered")
    APPLIED = "applied", _("Applied, awaiting acceptance")
    DUE = "due", _("Unregistered, within the 30 days")
    OVERDUE = "overdue", _("Unregistered past the 30 days")
