from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.predicates import is_enterprise_user
from core.access import RestrictedQuerySet, access_rule
from core.search import ContainsText
from inspections.choices import Verdict
from inspections.models.campaigns import Campaign
from inspections.models.tasks import Task


class PublishedResultQuerySet(RestrictedQuerySet):
    def standing(self) -> "PublishedResultQuerySet":
        """What the public reads: published results not withdrawn (every public page and the open data)."""
        return self.filter(STANDING)


STANDING = models.Q(withdrawn_at__isnull=True)


class PublishedResult(models.Model):
    """A final result as published (质量信息公告): a snapshot of what the public may read, so public pages never
    reach into unpublished records. Withdrawn with a reason, never deleted; the enterprise's reply is shown beside."""

    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="publication")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="publications")
    # The task's enterprise and the campaign's year, copied when published (neither changes once a campaign has
    # results), so that the public search filters and sorts this one table (the indexes below).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", db_index=False, editable=False
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    enterprise_name = models.CharField(_("enterprise"), max_length=128)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    district_name = models.CharField(_("district"), max_length=64)
    product_name = models.CharField(_("product"), max_length=128)
    specification = models.CharField(_("model or specification"), max_length=128, blank=True)
    trademark = models.CharField(_("trademark"), max_length=64, blank=True)
    batch_number = models.CharField(_("batch"), max_length=64, blank=True)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    failed_items = models.TextField(_("failed items"), blank=True)
    lab_name = models.CharField(_("testing laboratory"), max_length=128, blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reply = models.TextField(_("the enterprise's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)

    objects = PublishedResultQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "enterprise_name", "pk"]
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        # The public search (portal.selectors.result_rows): newest first, alone or within one filter. Standing
        # results only, which is all the public reads. Names and products are searched through GIN indexes of
        # their character pairs on PostgreSQL (migration perf_published_result_search, core.search).
        indexes = [
            models.Index(fields=["-published_at", "-id"], condition=STANDING, name="published_standing_newest"),
            models.Index(
                fields=["campaign", "-published_at", "-id"], condition=STANDING, name="published_campaign_newest"
            ),
            models.Index(fields=["year", "-published_at", "-id"], condition=STANDING, name="published_year_newest"),
            models.Index(
                fields=["verdict", "-published_at", "-id"], condition=STANDING, name="published_verdict_newest"
            ),
            models.Index(fields=["enterprise", "-published_at", "-id"], name="published_enterprise_newest"),
            models.Index(fields=["credit_code"], name="published_credit_code"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_name} {self.product_name}"


# The public searches by enterprise name and product (portal.filtersets), served by the name-grams indexes.
PublishedResult._meta.get_field("enterprise_name").register_lookup(ContainsText)
PublishedResult._meta.get_field("product_name").register_lookup(ContainsText)


@access_rule(PublishedResult, actions=("view", "reply"))
def published_result_access(user, action: str) -> models.Q | bool:
    """Signed in, staff read every publication record and an enterprise its own, to which it alone replies. (The
    public reads the published snapshot through the portal's selectors, never these records.)"""
    if action == "view" and user.has_perm("inspections.view_campaigns"):
        return True
    if is_enterprise_user.test(user) and user.enterprise_id:
        return models.Q(enterprise_id=user.enterprise_id)
    return False
