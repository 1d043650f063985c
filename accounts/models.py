from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, Section


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A portal account. Every account has exactly one role; enterprise users belong to exactly one enterprise."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    section = models.CharField(
        _("section"),
        max_length=32,
        choices=Section.choices,
        blank=True,
        help_text=_("Bureau staff only: the section they work in; empty for quality supervision."),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_enterprise_iff_enterprise_role",
                condition=(Q(role=Role.ENTERPRISE) & Q(enterprise__isnull=False))
                | (~Q(role=Role.ENTERPRISE) & Q(enterprise__isnull=True)),
                violation_error_message=_("An enterprise user belongs to exactly one enterprise; other roles to none."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # Administrators reach the Django admin; what they may do there is decided by the permission rules.
        self.is_staff = self.role == Role.ADMIN or self.is_superuser
        super().save(*args, **kwargs)
