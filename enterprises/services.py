"""Writes to the register. Each is atomic, validated with the model's own rules and attributed to the user who
made it in the change history."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import event_emit
from core.hygiene import text_within
from core.workdays import due_date
from enterprises.choices import EnterpriseStatus, ExpiryLevel, ReportStatus
from enterprises.events import RECORD
from enterprises.models import (
    Licence,
    LicenceWarning,
    Penalty,
    Product,
    SelfReport,
    SelfReportAttachment,
    expired_condition,
    expiring_condition,
)

# Records whose changes move the enterprise's credit grade: saving one emits `enterprise.record`.
GRADED_RECORDS = (Licence, Penalty, SelfReport)


@transaction.atomic
def record_save(instance: models.Model, *, actor, at: datetime.datetime | None = None) -> models.Model:
    """Validate and save one record, naming `actor` (and, when recording the past, the moment `at`) in its
    change history. A licence, penalty or self-report change emits `enterprise.record` in the same transaction
    (the credit grade follows once it has committed)."""
    instance.full_clean()
    instance._history_user = actor
    if at is not None:
        instance._history_date = at
    instance.save()
    if isinstance(instance, GRADED_RECORDS):
        event_emit(RECORD, enterprise_id=instance.enterprise_id, record=instance._meta.label_lower, id=instance.pk)
    return instance


@transaction.atomic
def record_void(*, actor, record: models.Model, reason: str) -> models.Model:
    """Official records are never deleted: void one with a written reason; it stays readable in the file."""
    if record.voided_at:
        raise ValidationError(_("This record is already voided."))
    if not reason.strip():
        raise ValidationError({"void_reason": _("Give the reason for voiding.")})
    record.voided_at = timezone.now()
    record.void_reason = text_within(reason, field="void_reason")
    return record_save(record, actor=actor)


@transaction.atomic
def licence_revoke(*, actor, licence: Licence, on: datetime.date, reason: str) -> Licence:
    """Record that the issuing authority revoked a licence (it stays on file, marked revoked, with the reason)."""
    if licence.revoked_on:
        raise ValidationError(_("This licence is already revoked."))
    if not reason.strip():
        raise ValidationError({"revocation_reason": _("Give the reason for the revocation.")})
    if on > timezone.localdate():
        raise ValidationError({"revoked_on": _("A revocation cannot be dated in the future.")})
    if on < licence.issued_on:
        raise ValidationError({"revoked_on": _("A licence cannot be revoked before it was issued.")})
    licence.revoked_on = on
    licence.revocation_reason = reason.strip()
    return record_save(licence, actor=actor)


@transaction.atomic
def product_save(*, actor, product: Product, standards) -> Product:
    """Create or update a product with the standards it follows (the history records both)."""
    record_save(product, actor=actor)
    product._history_user = actor
    product.standards.set(standards)
    return product


@transaction.atomic
def product_discontinue(*, actor, product: Product, on: datetime.date) -> Product:
    """Products are never deleted: a discontinued product stays on file with its date."""
    product.discontinued_on = on
    return record_save(product, actor=actor)


def quarter_end(year: int, quarter: int) -> datetime.date:
    return datetime.date(year + quarter // 4, quarter % 4 * 3 + 1, 1) - datetime.timedelta(days=1)


def self_report_due_on(year: int, quarter: int) -> datetime.date:
    """A quarter's report is due SELF_REPORT_DUE_DAYS after the quarter ends."""
    return due_date(quarter_end(year, quarter), settings.SELF_REPORT_DUE_DAYS, "calendar")


@transaction.atomic
def self_report_submit(
    *, actor, enterprise, values: dict, files: list[UploadedFile], now: datetime.datetime | None = None
) -> SelfReport:
    """Submit the report for a quarter that has ended, or correct and resubmit the one staff returned.

    A resubmission updates the returned report in place (the change history keeps every version) and keeps the
    date it was first submitted, by which its timeliness is judged."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    year, quarter = values["year"], values["quarter"]
    if quarter_end(year, quarter) >= today:
        raise ValidationError({"quarter": _("This quarter has not ended yet.")})
    report = SelfReport.objects.select_for_update().filter(enterprise=enterprise, year=year, quarter=quarter).first()
    if report is None:
        report = SelfReport(
            enterprise=enterprise,
            due_on=self_report_due_on(year, quarter),
            submitted_at=now,
            submitted_by=actor,
        )
    elif report.status != ReportStatus.RETURNED:
        raise ValidationError({"quarter": _("A report for this quarter has already been submitted.")})
    for field, value in values.items():
        setattr(report, field, value)
    report.status = ReportStatus.SUBMITTED
    record_save(report, actor=actor, at=now)
    for upload in files:
        SelfReportAttachment.store(upload, report=report)
    return report


@transaction.atomic
def self_report_review(
    *, actor, report: SelfReport, accept: bool, comment: str, now: datetime.datetime | None = None
) -> SelfReport:
    """Staff accept a submitted report, or return it with a comment saying what to correct."""
    report = SelfReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Say what the enterprise must correct.")})
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.review_comment = comment.strip()
    report.reviewed_at = now or timezone.now()
    report.reviewed_by = actor
    return record_save(report, actor=actor, at=report.reviewed_at)


def expiry_level_condition(level: str, *, today: datetime.date) -> Q:
    """Licences at this expiry level on `today`: expired, or expiring within 30, or within 31 to 90 days."""
    within_30 = expiring_condition(30, today=today)
    return {
        ExpiryLevel.EXPIRED: expired_condition(today=today),
        ExpiryLevel.WITHIN_30: within_30,
        ExpiryLevel.WITHIN_90: expiring_condition(90, today=today) & ~within_30,
    }[level]


@transaction.atomic
def licence_warnings_record(*, today: datetime.date) -> dict[str, int]:
    """Record a warning for every licence that has newly reached an expiry level. Safe to re-run: a licence gets
    at most one warning per level and expiry date, so a second run adds nothing; a renewed licence starts over."""
    counts = {}
    for level in ExpiryLevel.values:
        warned = LicenceWarning.objects.filter(licence=OuterRef("pk"), level=level, expires_on=OuterRef("expires_on"))
        due = (
            Licence.objects.filter(expiry_level_condition(level, today=today))
            .exclude(enterprise__status=EnterpriseStatus.CLOSED)
            .exclude(Exists(warned))
            .values_list("pk", "expires_on")
        )
        created = LicenceWarning.objects.bulk_create(
            [
                LicenceWarning(licence_id=pk, level=level, expires_on=expires_on, recorded_on=today)
                for pk, expires_on in due.iterator()
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        counts[level] = len(created)
    return counts
