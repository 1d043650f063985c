import json

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import StrIndex, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Decided
from inspections import draw as algorithm
from inspections.choices import CampaignStatus, DrawStatus, RedrawStatus
from inspections.models.campaigns import Campaign


class RedrawRequest(Decided):
    """A supervisor's request to redo a campaign's draw, with its written reason; a leader approves or rejects it
    with a note. An approved request is used by exactly one new commitment. Never deleted."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="redraw_requests", verbose_name=_("campaign")
    )
    draw = models.ForeignKey(
        "inspections.Draw", on_delete=models.PROTECT, related_name="redraw_requests", verbose_name=_("draw to redo")
    )
    reason = models.TextField(_("reason for the re-draw"))
    status = models.CharField(_("status"), max_length=16, choices=RedrawStatus.choices, default=RedrawStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("re-draw request")
        verbose_name_plural = _("re-draw requests")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(status__in=[RedrawStatus.PENDING, RedrawStatus.APPROVED]),
                name="one_open_redraw_request_per_campaign",
                violation_error_message=_("This campaign already has a re-draw request open."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_status_display()}"


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
    redraw_request = models.OneToOneField(
        RedrawRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="new_draw",
        verbose_name=_("approved re-draw request"),
    )
    algorithm = models.CharField(_("algorithm"), max_length=32)
    seed = models.CharField(_("seed"), max_length=64, blank=True)  # secret until revealed: never shown before
    witness = models.CharField(
        _("witness value"),
        max_length=200,
        blank=True,
        help_text=_("Typed by a witness at the commitment; the draw's seed is derived from the seed and this value."),
    )
    commitment = models.CharField(_("commitment (SHA-256 of the seed)"), max_length=64, blank=True)
    inputs = models.TextField(_("published inputs"), blank=True)
    inputs_digest = models.CharField(_("SHA-256 of the inputs"), max_length=64, blank=True)
    pool_size = models.PositiveIntegerField(_("enterprises in the pool"))
    strata = models.JSONField(
        _("strata"), default=dict, blank=True, help_text=_("Each stratum's weight, size and batches (public).")
    )
    result = models.JSONField(_("result"), null=True, blank=True)  # public once revealed: pseudonyms only
    drawn = models.JSONField(_("drawn enterprises and inspectors"), null=True, blank=True)  # public once revealed
    # Staff only: the key of the pseudonyms, which enterprise each task goes to, and who was left out and why.
    pseudonym_key = models.CharField(_("pseudonym key"), max_length=64, blank=True)
    assignments = models.JSONField(_("assignments by enterprise"), null=True, blank=True)
    exclusions = models.JSONField(
        _("enterprises left out"),
        default=list,
        blank=True,
        help_text=_("Enterprises no roster member can staff without a conflict, each with the reason."),
    )
    failure = models.TextField(_("why the attempt failed"), blank=True)
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
        if self.status == DrawStatus.FAILED:
            return bool(self.seed)  # nothing was drawn: a seed that failed is published at once
        campaign = self.campaign
        return campaign.status == CampaignStatus.CLOSED or timezone.localdate() > campaign.period_end

    def is_revealed_to(self, user) -> bool:
        """Staff, who see the tasks anyway, read a draw's seed and result as soon as it is made; others once public."""
        if self.status not in (DrawStatus.COMMITTED, DrawStatus.FAILED) and getattr(user, "is_active", False):
            if user.has_perm("inspections.view_all_tasks"):
                return True
        return self.is_revealed

    @property
    def excluded_count(self) -> int:
        return len(self.exclusions or [])

    @property
    def draw_seed(self) -> str:
        """The seed the draw runs on: derived from the bureau's seed and the witness value, if any."""
        return algorithm.derive_seed(self.seed, self.witness)

    def published_inputs(self) -> dict:
        return json.loads(self.inputs) if self.inputs else {}

    def task_assignments(self) -> dict[int, list[int]]:
        """{enterprise id: inspector ids} in draw order, whichever algorithm made the draw."""
        if self.assignments is not None:
            source = self.assignments
        else:  # qs-draw-v1: the result names the enterprises
            source = self.result["inspectors"]
        return {int(enterprise): team for enterprise, team in source.items()}

    def membership(self, enterprise_id: int) -> dict | None:
        """An enterprise's own proof of membership (after the draw): its opening, pseudonym, stratum and tickets;
        None when it was not in the pool or the draw is not pseudonymous."""
        if not self.pseudonym_key or self.status in (DrawStatus.COMMITTED, DrawStatus.FAILED):
            return None
        opening = algorithm.opening(self.pseudonym_key, enterprise_id)
        member = algorithm.pseudonym(opening, enterprise_id)
        found = self._place_in_pool(member)
        if found is None:
            return None
        drawn = None
        if self.is_revealed and self.result:
            drawn = member in self.result.get("teams", {})
        return {
            "enterprise": enterprise_id,
            "opening": opening,
            "pseudonym": member,
            "stratum": found[0],
            "tickets": found[1],
            "drawn": drawn,
        }

    def _place_in_pool(self, member: str) -> tuple[str, int] | None:
        """(stratum, tickets) of a pseudonym in the published inputs, found by the database in the canonical text
        (which lists the strata A, B, C in order, after the conflicts) without loading megabytes of it."""
        rest = Substr("inputs", StrIndex("inputs", Value('"strata":{')))
        entry = StrIndex(rest, Value(f'["{member}",'))
        row = (
            type(self)
            .objects.filter(pk=self.pk)
            .annotate(
                at=entry,
                b=StrIndex(rest, Value('"B":{')),
                c=StrIndex(rest, Value('"C":{')),
                tail=Substr(rest, entry + len(member) + 4, 8),
            )
            .values_list("at", "b", "c", "tail")
            .first()
        )
        if row is None or not row[0]:
            return None
        at, b, c, tail = row
        stratum = "A" if at < b else "B" if at < c else "C"
        return stratum, int(tail.split("]")[0])

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
        if self.witness:
            bundle["witness"] = self.witness
        if self.status == DrawStatus.FAILED:
            bundle["failure"] = self.failure
        if self.is_revealed or (reveal and self.status != DrawStatus.COMMITTED):
            bundle["seed"] = self.seed
            bundle["result"] = self.result
            if self.drawn is not None:
                bundle["drawn"] = self.drawn
        return bundle
