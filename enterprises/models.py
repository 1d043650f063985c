import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import INTERNAL_ROLES, Role
from enterprises.choices import SUPERVISED_LICENCE_KINDS, EnterpriseStatus, LicenceKind, Scale
from enterprises.credit_code import validate_credit_code


class District(models.Model):
    """A county-level district (区县) of the city, identified by its administrative division code."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class ResponsibilityArea(models.Model):
    """A responsibility area (责任区) inside a district, with the officer answerable for its enterprises."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="areas", verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=64)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsibility_areas",
        verbose_name=_("responsible officer"),
        limit_choices_to={"role__in": [Role.LEADER, Role.SUPERVISOR]},
    )

    class Meta:
        ordering = ["district__code", "name"]
        verbose_name = _("responsibility area")
        verbose_name_plural = _("responsibility areas")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="area_unique_name_per_district")]

    def __str__(self) -> str:
        return f"{self.district.name} · {self.name}"


class Industry(models.Model):
    """An industry of the national classification GB/T 4754-2017 (reference data loaded from a data file)."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    section = models.CharField(_("section"), max_length=1)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.section}{self.code} {self.name}"


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EnterpriseQuerySet":
        """The one access path for reads: bureau-side users see the register, an enterprise user only its own."""
        if not getattr(user, "is_active", False):
            return self.none()
        if user.role in INTERNAL_ROLES:
            return self
        if user.role == Role.ENTERPRISE and user.enterprise_id:
            return self.filter(pk=user.enterprise_id)
        return self.none()

    def with_is_supervised(self) -> "EnterpriseQuerySet":
        """Annotate `is_supervised`: above-scale, or holding one of the five licences. Derived, never typed in."""
        return self.annotate(is_supervised=_supervised_condition())

    def supervised(self) -> "EnterpriseQuerySet":
        return self.filter(_supervised_condition())


def _supervised_condition() -> Q:
    licensed = Licence.objects.filter(enterprise=OuterRef("pk"), kind__in=SUPERVISED_LICENCE_KINDS)
    return Q(scale=Scale.ABOVE) | Exists(licensed)


class Enterprise(models.Model):
    """An enterprise in the bureau's quality file register."""

    name = models.CharField(_("name"), max_length=128, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("An enterprise with this unified social credit code is already on file.")},
    )
    legal_representative = models.CharField(_("legal representative"), max_length=64)
    address = models.CharField(_("address"), max_length=255)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("district")
    )
    area = models.ForeignKey(
        ResponsibilityArea,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("responsibility area"),
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("industry")
    )
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.area_id and self.district_id and self.area.district_id != self.district_id:
            raise ValidationError({"area": _("The responsibility area must lie in the enterprise's district.")})


class LicenceQuerySet(models.QuerySet):
    def expiring_within(self, days: int, *, today: datetime.date) -> "LicenceQuerySet":
        return self.filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days))

    def expired(self, *, today: datetime.date) -> "LicenceQuerySet":
        return self.filter(expires_on__lt=today)


class Licence(models.Model):
    """A licence or certificate held by an enterprise: one of the five licensed kinds, or ISO 9001."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="licences", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=LicenceKind.choices)
    number = models.CharField(_("number"), max_length=64)
    scope = models.CharField(_("scope"), max_length=255, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), db_index=True)

    objects = LicenceQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "pk"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="licence_unique_number_per_kind"),
            models.CheckConstraint(
                name="licence_expires_after_issue",
                condition=Q(expires_on__gt=models.F("issued_on")),
                violation_error_message=_("A licence must expire after it is issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def days_left(self, today: datetime.date) -> int:
        return (self.expires_on - today).days
