from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("Quality complaint (质量投诉)")
    COUNTERFEIT = "counterfeit", _("Counterfeit tip (打假举报)")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("complaint status", "Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Not accepted")


OPEN_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS)


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")
    REFERRED = "referred", _("Referred to another authority")


SUBSTANTIATED_OUTCOMES = (Outcome.SUBSTANTIATED, Outcome.PARTLY)


class NominationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADOPTED = "adopted", _("Taken into a campaign")
    DECLINED = "declined", _("Declined")
