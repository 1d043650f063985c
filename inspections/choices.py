from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    DRAWN = "drawn", _("Drawn")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", pgettext_lazy("spot check", "Closed")


class CampaignKind(models.TextChoices):
    """What a campaign checks. A product spot check tests samples against its test items; a net-content check
    (定量包装商品净含量, metrology) weighs each sampled unit of a lot, and the metrology app holds its lab step."""

    PRODUCT = "product", _("Product quality spot check")
    NET_CONTENT = "net_content", _("Net content of prepackaged goods")


class LimitKind(models.TextChoices):
    MAXIMUM = "max", _("At most")
    MINIMUM = "min", _("At least")
    RANGE = "range", _("Between")
    QUALITATIVE = "qualitative", _("Qualitative requirement")


class ReferralSource(models.TextChoices):
    """Why a grade-A enterprise, drawn at a lowered rate, is drawn at grade B's rate in this draw."""

    COMPLAINT = "complaint", _("Complaint")
    REFERRAL = "referral", _("Referral")
    ALERT = "alert", _("Risk alert")


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", _("Commitment published")
    DRAWN = "drawn", _("Drawn")
    SUPERSEDED = "superseded", _("Superseded by a re-draw")
    FAILED = "failed", _("Failed (recorded with its reason)")


class RedrawStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a leader's decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    USED = "used", _("Re-drawn")


class TaskKind(models.TextChoices):
    ROUTINE = "routine", _("Spot check")
    RECHECK = "recheck", _("Re-check")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Awaiting sampling")
    SAMPLED = "sampled", _("Sampled, in testing")
    FINAL = "final", _("Result final")
    CANCELLED = "cancelled", _("Cancelled")


class SamplingOutcome(models.TextChoices):
    SAMPLED = "sampled", _("Sampled")
    REFUSED = "refused", _("Sampling refused")


class Verdict(models.TextChoices):
    CONFORMING = "conforming", _("Conforming")
    NONCONFORMING = "nonconforming", _("Nonconforming")
    REFUSED = "refused", _("Refused sampling")


FAILED_VERDICTS = (Verdict.NONCONFORMING, Verdict.REFUSED)


class LabTestKind(models.TextChoices):
    INITIAL = "initial", _("Test")
    RETEST = "retest", _("Re-test")


class LabTestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting results")
    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", _("Approved, to be notified")
    NOTIFIED = "notified", _("Notified")


class FollowUpStage(models.TextChoices):
    RECTIFYING = "rectifying", _("Rectification ordered")
    FIRST_RECHECK = "first_recheck", _("First re-check")
    PROVINCE = "province", _("First re-check failed: reported to the provincial bureau")
    SECOND_RECHECK = "second_recheck", _("Provincial notice published, second re-check")
    TO_SUSPEND = "to_suspend", _("Second re-check failed: suspension awaiting the leader's decision")
    SUSPENDED = "suspended", _("Ordered to suspend and rectify")
    TO_RESTORE = "to_restore", _("Re-check passed: lifting the suspension awaits the leader's decision")
    TO_REFER = "to_refer", _("Re-check after the suspension failed: to refer for revoking the business licence")
    CLOSED = "closed", pgettext_lazy("spot check", "Closed")


class FollowUpOutcome(models.TextChoices):
    RECTIFIED = "rectified", _("Rectified: re-check passed")
    OVERTURNED = "overturned", _("Overturned by the re-test")
    REFERRED = "referred", _("Referred for revoking the business licence")
    REFUSAL = "refusal", _("Refused sampling: handled by a penalty decision")


class ProposalKind(models.TextChoices):
    """What a proposal asks the leader to decide."""

    SUSPEND = "suspend", _("Order to suspend and rectify within a period (责令停业、限期整顿)")
    RESTORE = "restore", _("Lift the suspension: the re-check passed")
    REFUSAL_PENALTY = "refusal_penalty", _("Penalty for refusing sampling (Product Quality Law Art 56)")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the leader's decision")
    APPROVED = "approved", _("Decided")
    REJECTED = "rejected", _("Rejected")


class SignatureRole(models.TextChoices):
    """Who signs the sampling record on the screen: the enterprise's representative and both inspectors."""

    ENTERPRISE = "enterprise", _("Enterprise representative")
    INSPECTOR_1 = "inspector_1", _("First inspector")
    INSPECTOR_2 = "inspector_2", _("Second inspector")


class CustodyKind(models.TextChoices):
    """A hand-over of a sealed sample, each recorded by scanning the QR code on its seal label."""

    SEALED = "sealed", _("Sealed on site")
    DISPATCHED = "dispatched", _("Handed to the courier or carried")
    RECEIVED = "received", _("Received at the laboratory")
    RETAINED_STORED = "retained_stored", _("Retained sample stored")
    RETAINED_USED = "retained_used", _("Retained sample used for a re-test")
