from django.db import models
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    ABOVE = "above", _("Above designated size (规上)")
    BELOW = "below", _("Below designated size (规下)")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class LicenceKind(models.TextChoices):
    INDUSTRIAL_PRODUCT = "industrial_product", _("Industrial product production licence")
    FOOD_PRODUCTION = "food_production", _("Food production licence (SC)")
    CCC = "ccc", _("Compulsory product certification (CCC)")
    SPECIAL_EQUIPMENT = "special_equipment", _("Special equipment licence")
    MEASURING_INSTRUMENT = "measuring_instrument", _("Measuring instrument production licence")
    ISO_9001 = "iso_9001", _("Quality management certification (ISO 9001)")


# Kinds no longer issued: the measuring-instrument manufacturing licence (计量器具制造许可证) was abolished in 2017.
# Licences of these kinds stay on file, readable and marked abolished (已取消); no new one is recorded, and they are
# neither expiring nor expired (no warning, no worklist, no eligibility check counts them).
ABOLISHED_LICENCE_KINDS = (LicenceKind.MEASURING_INSTRUMENT,)


def abolished_kind_message(kind: str) -> str:
    """The refusal of a new licence of an abolished kind."""
    return _("%(kind)s: abolished, no new licence of this kind is recorded.") % {"kind": LicenceKind(kind).label}


NEW_LICENCE_KIND_CHOICES = [
    (value, label) for value, label in LicenceKind.choices if value not in ABOLISHED_LICENCE_KINDS
]


# The five licensed categories that put a below-scale enterprise under supervision (ISO 9001 does not).
SUPERVISED_LICENCE_KINDS = (
    LicenceKind.INDUSTRIAL_PRODUCT,
    LicenceKind.FOOD_PRODUCTION,
    LicenceKind.CCC,
    LicenceKind.SPECIAL_EQUIPMENT,
    LicenceKind.MEASURING_INSTRUMENT,
)


class StandardKind(models.TextChoices):
    NATIONAL = "national", _("National standard (GB)")
    INDUSTRY = "industry", _("Industry standard")
    LOCAL = "local", _("Local standard (DB)")
    GROUP = "group", _("Group standard (T/)")
    # Standardization Law 2017 Art 27: an enterprise standard is self-declared and published (自我声明公开), not filed;
    # a food-safety enterprise standard is still filed (备案) with the provincial health authority (Food Safety Law
    # Art 30).
    ENTERPRISE = "enterprise", _("Enterprise standard (Q/), self-declared and published")
    FOOD_SAFETY = "food_safety", _("Food-safety enterprise standard (Q/), filed")


class StandardStatus(models.TextChoices):
    """Where a standard stands in the catalogue (the national and local catalogues publish the same four)."""

    CURRENT = "current", _("Current")
    UPCOMING = "upcoming", _("To be implemented")
    ABOLISHED = "abolished", _("Abolished")
    REPLACED = "replaced", _("Replaced")


# A product executing a standard in one of these states is on the staff's worklist and warned to its enterprise.
OUTDATED_STANDARD_STATUSES = (StandardStatus.ABOLISHED, StandardStatus.REPLACED)


# An enterprise's own standards: owned by it, the one kind filed, the other self-declared.
OWN_STANDARD_KINDS = (StandardKind.ENTERPRISE, StandardKind.FOOD_SAFETY)


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for correction")


class CheckRating(models.TextChoices):
    GOOD = "good", _("Good")
    ADEQUATE = "adequate", _("Adequate")
    NEEDS_WORK = "needs_work", _("Needs improvement")


class ExpiryLevel(models.TextChoices):
    WITHIN_90 = "within_90", _("Expires within 90 days")
    WITHIN_30 = "within_30", _("Expires within 30 days")
    EXPIRED = "expired", _("Expired")
