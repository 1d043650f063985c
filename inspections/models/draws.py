import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.choices import CampaignStatus, DrawStatus
from inspections.models.campaigns import Campaign


class Draw(models.Model):
    """One double-random draw of a campaign, verifiable by anyone.

    When it is committed, the pool, roster and conflicts are frozen into `inputs` (canonical JSON) and the portal
    publishes `commitment` = SHA-256 of the secret seed together with `inputs_digest`. When it is drawn, the seed
    is revealed: re-running the algorithm on the published inputs gives `result`. A re-draw supersedes the
    earlier draw, which stays on record with the reason given for the re-draw."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="draws", verbose_name=_("campaign"))
    number = models.PositiveSmallIntegerField(_("draw number"))
    status = models.CharField(_("status"), max_length=16, choices=DrawStatus.choices, default=DrawStatus.COMMITTED)
    reason = models.TextField(_("reason for the re-draw"), blank=True)
    algorithm = models.CharField(_("algorithm"), max_length=32)
    seed = models.CharField(_("seed"), max_length=64)  # secret until drawn: never shown while committed
    commitment = models.CharField(_("commitment (SHA-256 of the seed)"), max_length=64)
    inputs = models.TextField(_("published inputs"))
    inputs_digest = models.CharField(_("SHA-256 of the inputs"), max_length=64)
    pool_size = models.PositiveIntegerField(_("enterprises in the pool"))
    result = models.JSONField(_("result"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("committed by")
    )
    committed_at = models.DateTimeField(_("committed at"), auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("drawn by"),
    )
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="draw_unique_number"),
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(status=DrawStatus.COMMITTED),
                name="one_pending_commitment_per_campaign",
                violation_error_message=_("This campaign already has a published commitment waiting to be drawn."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:public_draw", args=[self.pk])

    @property
    def is_revealed(self) -> bool:
        """The seed and result become public once the sampling they decided is over (the campaign closed or its
        period ended). The commitment binds them from the start; revealing them at once would tell a drawn
        enterprise, which knows its own number, that inspectors are about to call."""
        if self.status == DrawStatus.COMMITTED:
            return False
        campaign = self.campaign
        return campaign.status == CampaignStatus.CLOSED or timezone.localdate() > campaign.period_end

    def is_revealed_to(self, user) -> bool:
        """Staff, who see the tasks anyway, read a draw's seed and result as soon as it is made; others once public."""
        if self.status != DrawStatus.COMMITTED and getattr(user, "is_active", False):
            if user.has_perm("inspections.view_all_tasks"):
                return True
        return self.is_revealed

    def published_inputs(self) -> dict:
        return json.loads(self.inputs)

    def verification_bundle(self, *, reveal: bool = False) -> dict:
        """Everything anyone needs to re-run the draw: the seed and result once revealed (or, for the bureau's own
        checks, `reveal` once drawn), and the inputs."""
        bundle = {
            "draw": self.pk,
            "campaign": self.campaign_id,
            "number": self.number,
            "commitment": self.commitment,
            "inputs_digest": self.inputs_digest,
            "inputs": self.published_inputs(),
        }
        if self.is_revealed or (reveal and self.status != DrawStatus.COMMITTED):
            bundle["seed"] = self.seed
            bundle["result"] = self.result
        return bundle
