"""The portal's roles and the role groups that permission rules are written in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADER = "leader", _("Bureau leader")
    SUPERVISOR = "supervisor", _("Bureau supervisor")
    INSPECTOR = "inspector", _("Inspector")
    LAB_TECHNICIAN = "lab_technician", _("Lab technician")
    ENTERPRISE = "enterprise", _("Enterprise user")
    EXPERT = "expert", _("Expert reviewer")
    ADMIN = "admin", _("Administrator")


class Section(models.TextChoices):
    """The bureau section a staff account works in. Empty for quality supervision (spot checks, credit, brands,
    complaints); a section's own app lets its supervisors and inspectors see and change its records."""

    SPECIAL_EQUIPMENT = "special_equipment", _("Special-equipment safety")
    METROLOGY = "metrology", _("Metrology")
    STANDARDIZATION = "standardization", _("Standardization")


BUREAU_STAFF_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR})
