"""The dashboard's summary of spot-check results. Everything else the dashboard shows is read live."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultSummary(models.Model):
    """Final routine spot-check results counted by quarter of the verdict (local time), district and industry (the
    product category). A few thousand rows stand for a million results, so the dashboard's pass rates by industry,
    district and quarter are small grouped reads. Rebuilt whole and set-based by `result_summary_refresh` (a Celery
    task on a schedule, or staff on demand); the dashboard shows when."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    district = models.ForeignKey(
        "enterprises.District", on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )
    industry = models.ForeignKey(
        "enterprises.Industry", on_delete=models.CASCADE, related_name="+", verbose_name=_("industry")
    )
    tested = models.PositiveIntegerField(_("tested"))
    nonconforming = models.PositiveIntegerField(_("nonconforming"))
    refused = models.PositiveIntegerField(_("refused sampling"))

    class Meta:
        ordering = ["year", "quarter", "district_id", "industry_id"]
        verbose_name = _("spot-check result summary")
        verbose_name_plural = _("spot-check result summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "district", "industry"], name="one_result_summary_per_quarter_and_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.district_id}/{self.industry_id}: {self.tested}"

    @property
    def failed(self) -> int:
        return self.nonconforming + self.refused
