"""Metrology's vocabulary (public: other apps and the pages may use it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UsePurpose(models.TextChoices):
    """The four uses for which an instrument in the national catalogue is under compulsory verification
    (Metrology Law Art 9)."""

    TRADE = "trade", _("Trade settlement")
    SAFETY = "safety", _("Safety protection")
    HEALTH = "health", _("Health care")
    ENVIRONMENT = "environment", _("Environmental monitoring")


class FilingStatus(models.TextChoices):
    """An instrument's compulsory-verification filing (强检备案): filed by its owner, accepted or returned by staff."""

    FILED = "filed", pgettext_lazy("filing", "Filed, awaiting acceptance")
    ACCEPTED = "accepted", pgettext_lazy("filing", "Accepted")
    RETURNED = "returned", pgettext_lazy("filing", "Returned for correction")


class InstrumentStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    RETIRED = "retired", _("Retired")


class VerificationResult(models.TextChoices):
    PASSED = "passed", pgettext_lazy("verification", "Passed")
    FAILED = "failed", pgettext_lazy("verification", "Failed")


class VerificationSource(models.TextChoices):
    ENTERED = "entered", _("Entered by staff")
    IMPORTED = "imported", _("Imported from the institution's records")


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Verification due soon")
    OVERDUE = "overdue", _("Verification overdue")


class DueState(models.TextChoices):
    """Where an instrument stands against its verification, as the lists filter it."""

    VALID = "valid", _("Verified, valid")
    DUE_SOON = "due_soon", _("Due within the reminder period")
    OVERDUE = "overdue", _("Overdue")
    FAILED = "failed", _("Failed verification")
    NEVER = "never", _("Never verified")
