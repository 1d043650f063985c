from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Grade(models.TextChoices):
    A = "A", _("A · good")
    B = "B", _("B · ordinary")
    C = "C", _("C · poor")


class GradeCause(models.TextChoices):
    """Why a grade was (re)computed: the run or action that wrote a history entry."""

    SCHEDULED = "scheduled", _("Nightly recalculation")
    MONTHLY = "monthly", _("Monthly re-grade")
    EVENT = "event", _("Event in the record")
    OVERRIDE = "override", _("Override by staff")
    OVERRIDE_ENDED = "override_ended", _("Override ended")
    MANUAL = "manual", _("Recalculated by staff")


class OverrideStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a leader's approval")
    APPROVED = "approved", _("In force")
    REJECTED = "rejected", _("Rejected")
    ENDED = "ended", _("Ended")


class BlacklistGround(models.TextChoices):
    """The listed grounds for entering the dishonesty list (失信名单)."""

    REFUSED_INSPECTION = "refused_inspection", _("Refused or obstructed supervision spot checks")
    COUNTERFEIT = "counterfeit", _("Produced counterfeit or shoddy products (制假售假)")
    SERIOUS_ACCIDENT = "serious_accident", _("Caused a serious quality or safety accident")
    FAILED_RECTIFICATION = "failed_rectification", _("Refused or failed rectification, referred for revocation")
    FRAUD = "fraud", _("Obtained a licence, certificate or honour by fraud")
    UNLICENSED = "unlicensed", _("Produced without a required licence")


class BlacklistStatus(models.TextChoices):
    LISTED = "listed", _("Listed")
    REMOVED = "removed", _("Removed after credit repair")


class RepairStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a decision")
    APPROVED = "approved", pgettext_lazy("credit repair", "Approved")
    REJECTED = "rejected", pgettext_lazy("credit repair", "Rejected")


class WarningKind(models.TextChoices):
    RISK_JUMP = "risk_jump", _("Enterprise risk jumped")
    AREA_RATE = "area_rate", _("Failure rate above baseline in a district")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
