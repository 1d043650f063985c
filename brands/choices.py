from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetCategory(models.TextChoices):
    """The kinds of key cultivation target (重点培育对象)."""

    INDUSTRY_LEADER = "industry_leader", _("Industry leader (行业龙头)")
    SINGLE_CHAMPION = "single_champion", _("Single-product champion (单项冠军)")
    HIDDEN_CHAMPION = "hidden_champion", _("Hidden champion (隐形冠军)")
    EMERGING = "emerging", _("Emerging industry (新兴产业)")


class TargetStatus(models.TextChoices):
    ACTIVE = "active", _("Being cultivated")
    CLOSED = "closed", pgettext_lazy("cultivation target", "Closed")


class HelpKind(models.TextChoices):
    """The help the bureau gives a target: its technical infrastructure and training."""

    STANDARDS = "standards", pgettext_lazy("help given", "Standards")
    METROLOGY = "metrology", _("Metrology")
    CERTIFICATION = "certification", _("Certification")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other help")


class ProgrammeKind(models.TextChoices):
    FAMOUS_BRAND = "famous_brand", _("Famous-brand products (名牌产品)")
    QUALITY_AWARD = "quality_award", _("Government quality award (政府质量奖)")


class ProgrammeStatus(models.TextChoices):
    OPEN = "open", _("Open for applications")
    REVIEWING = "reviewing", _("Under review")
    NOTICE = "notice", _("In public notice")
    SUBMITTED = "submitted", _("Submitted to the conferring body")
    DECIDED = "decided", pgettext_lazy("programme status", "Decided")


class Stage(models.TextChoices):
    """The review stages, in their order. The committee decides; the others are scored by reviewers."""

    PAPER = "paper", _("Paper review")
    PRESENTATION = "presentation", _("Presentation")
    SITE = "site", _("Site review")
    COMMITTEE = "committee", _("Committee decision")


SCORED_STAGES = (Stage.PAPER, Stage.PRESENTATION, Stage.SITE)
STAGE_ORDER = tuple(Stage.values)


class ApplicationStatus(models.TextChoices):
    INELIGIBLE = "ineligible", _("Not eligible")
    IN_REVIEW = "in_review", _("Under review")
    PROPOSED = "proposed", _("Proposed for the award")
    AWARDED = "awarded", _("Awarded")
    NOT_SELECTED = "not_selected", _("Not selected")
    NOT_CONFERRED = "not_conferred", _("Not conferred by the conferring body")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_APPLICATION_STATUSES = (
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.AWARDED,
    ApplicationStatus.NOT_SELECTED,
    ApplicationStatus.NOT_CONFERRED,
    ApplicationStatus.WITHDRAWN,
)


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    RECUSED = "recused", _("Recused")
    SUBMITTED = "submitted", _("Submitted")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting resolution")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class HonourStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    REVOKED = "revoked", _("Revoked")


class RevocationCause(models.TextChoices):
    NONCONFORMING = "nonconforming", _("Nonconforming spot-check verdict")
    GRADE_C = "grade_c", _("Credit grade C")
    BLACKLISTED = "blacklisted", _("Put on the dishonesty list")
    YEARLY_REVIEW = "yearly_review", _("Failed the yearly review")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed: honour revoked")
    DISMISSED = "dismissed", _("Dismissed")
