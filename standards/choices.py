"""Choices of the standardization app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeclarationPlatform(models.TextChoices):
    """Where an enterprise published its self-declaration (自我声明公开)."""

    NATIONAL = "national", _("Enterprise Standard Information Public Service Platform (企业标准信息公共服务平台)")
    PROVINCIAL = "provincial", _("Provincial platform")
    OWN_WEBSITE = "own_website", _("The enterprise's own website")
    OTHER = "other", _("Elsewhere")


class CheckOutcome(models.TextChoices):
    """Staff's check of a declaration whose key indicators look below the national standard it claims."""

    CONFORMS = "conforms", _("Conforms: no indicator below the national standard")
    BELOW = "below", _("Below the national standard: the enterprise must revise its standard")


class ProjectLevel(models.TextChoices):
    INTERNATIONAL = "international", _("International")
    NATIONAL = "national", _("National")
    INDUSTRY = "industry", _("Industry")
    LOCAL = "local", _("Local")
    GROUP = "group", _("Group")


class ProjectRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTICIPANT = "participant", _("Participant")


class ProjectStage(models.TextChoices):
    """A standard-setting project's stage, from proposal to publication (GB/T 1.1's stages, simplified)."""

    PROPOSAL = "proposal", _("Proposal")
    DRAFTING = "drafting", _("Drafting")
    COMMENTS = "comments", _("Soliciting comments")
    REVIEW = "review", _("Technical review")
    APPROVAL = "approval", _("Approval")
    PUBLISHED = "published", _("Published")


class PilotStage(models.TextChoices):
    APPROVED = "approved", _("Approved")
    BUILDING = "building", _("Under construction")
    ACCEPTANCE = "acceptance", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    FAILED = "failed", _("Not accepted")


class WorkKind(models.TextChoices):
    """Standards work the bureau counts besides standard-setting projects."""

    SECRETARIAT = "secretariat", _("Technical-committee secretariat")
    ADOPTION = "adoption", _("Adoption of an international standard (采标)")
    BENCHMARKING = "benchmarking", _("Benchmarking (对标达标)")
    FRONT_RUNNER = "front_runner", _("Enterprise-standard front-runner (领跑者)")


class TargetMeasure(models.TextChoices):
    """What a yearly target counts."""

    LED = "led", _("Standards led (published)")
    JOINED = "joined", _("Standards joined (published)")
    DECLARATIONS = "declarations", _("Enterprise standards self-declared")
    PILOTS = "pilots", _("Pilot projects accepted")
