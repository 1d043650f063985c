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
    """The codes of the listing grounds loaded by the migration `0005_listing_grounds` (credit.listing_grounds). The
    grounds themselves are data (`ListingGround`) that a leader edits; these are the codes the first entries carried,
    kept so that the open-data API can name them."""

    REFUSED_INSPECTION = "refused_inspection", _("Refused or obstructed supervision spot checks")
    COUNTERFEIT = "counterfeit", _("Produced counterfeit or shoddy products (制假售假)")
    SERIOUS_ACCIDENT = "serious_accident", _("Caused a serious quality or safety accident")
    FAILED_RECTIFICATION = "failed_rectification", _("Refused or failed rectification, referred for revocation")
    FRAUD = "fraud", _("Obtained a licence, certificate or honour by fraud")
    UNLICENSED = "unlicensed", _("Produced without a required licence")
    FOOD_SAFETY = "food_safety", _("Serious violation of food safety law")


class BlacklistStatus(models.TextChoices):
    """Where a listing stands on the way onto the serious-dishonesty list (严重违法失信名单) and off it: proposed →
    notified → statement received or period lapsed → (upper-level consent) → listed or not listed → removed."""

    PROPOSED = "proposed", _("Proposed")
    NOTIFIED = "notified", _("Notice served, awaiting statement")
    STATEMENT_RECEIVED = "statement", _("Statement and defence received")
    LAPSED = "lapsed", _("Statement period lapsed")
    CONSENTED = "consented", _("Upper-level consent recorded")
    LISTED = "listed", _("Listed")
    NOT_LISTED = "not_listed", _("Not listed")
    REMOVED = "removed", _("Removed")


# The states in which a leader may decide whether to list (with upper-level consent, only CONSENTED lists).
AWAITING_DECISION = (BlacklistStatus.STATEMENT_RECEIVED, BlacklistStatus.LAPSED, BlacklistStatus.CONSENTED)


class RemovalKind(models.TextChoices):
    EARLY = "early", _("Early removal on application (提前移出)")
    EXPIRED = "expired", _("Removed three years after publication")
    REPAIR = "repair", _("Removed after credit repair (earlier rules)")


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
