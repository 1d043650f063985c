from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintKind(models.TextChoices):
    """The two kinds of the complaint rules (SAMR Order 20): a complaint is a consumer's dispute with a business,
    named, which the bureau mediates; a tip reports a suspected violation, may be anonymous, and leads to a
    decision whether to open a case."""

    COMPLAINT = "complaint", _("Complaint (投诉)")
    TIP = "tip", _("Tip (举报)")


KIND_EXPLANATIONS = {
    ComplaintKind.COMPLAINT: _(
        "A complaint (投诉) is your own dispute with a business over something you bought or used: the bureau "
        "mediates between you, so your name, phone and address and the business are required."
    ),
    ComplaintKind.TIP: _(
        "A tip (举报) reports a suspected violation of the law (a counterfeit, a substandard or unsafe product, "
        "an unlicensed maker): the bureau checks it and decides whether to open a case; you may stay anonymous."
    ),
}


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
    MEDIATED = "mediated", _("Mediation agreement reached (调解成立)")
    NOT_MEDIATED = "not_mediated", _("Mediation ended without agreement (调解终止)")


SUBSTANTIATED_OUTCOMES = (Outcome.SUBSTANTIATED, Outcome.PARTLY)
MEDIATION_OUTCOMES = (Outcome.MEDIATED, Outcome.NOT_MEDIATED)
# A complaint's mediation ends with an agreement or without one; a tip's verification finds it substantiated or not.
OUTCOMES_BY_KIND = {
    ComplaintKind.COMPLAINT: MEDIATION_OUTCOMES,
    ComplaintKind.TIP: (Outcome.SUBSTANTIATED, Outcome.PARTLY, Outcome.UNSUBSTANTIATED, Outcome.REFERRED),
}


class RefusalReason(models.TextChoices):
    """Why a complaint is not accepted: the grounds of SAMR Order 20 Art 15 (a consumer dispute itself is a
    complaint to accept and mediate, never a ground)."""

    NOT_OUR_REMIT = "not_our_remit", _("Not a matter for the market regulator, or not this bureau's to handle")
    HANDLED_ELSEWHERE = (
        "handled_elsewhere",
        _("A court, arbitration body, consumer association or another authority already took up the same dispute"),
    )
    NOT_CONSUMER = "not_consumer", _("Not bought or used for daily life, or no dispute with the respondent shown")
    TIME_BARRED = "time_barred", _("More than three years since the complainant knew of the harm")
    MATERIALS_MISSING = "materials_missing", _("The required details or materials are missing")
    OTHER_LEGAL = "other_legal", _("Another ground of a law, regulation or rule")


class NominationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADOPTED = "adopted", _("Taken into a campaign")
    DECLINED = "declined", _("Declined")
