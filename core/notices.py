"""Service of notices (送达): a clock that runs "from receipt" starts on the day the enterprise received the notice.

That day is the day one of the enterprise's users first opened the notice in the portal (a page view or an API
read, recorded with the user), or the receipt date staff record for a paper or in-person delivery, with a scan of
the signed receipt as proof. Until then the notice is not yet served and its clock fields stay empty. The models
carry the fields (core.models.ServedNotice); each app passes the function that starts its clock.
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.predicates import is_enterprise_user
from core.audit import audit
from core.files import PHOTO_TYPES, is_photo, sha256_of
from core.models import ServedNotice
from core.transitions import require_perm

# What a signed receipt may be: a scan (PDF) or a photo of it.
RECEIPT_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
StartClock = Callable[[ServedNotice, datetime.date], None]


def _issued_on(notice: ServedNotice) -> datetime.date | None:
    issued = getattr(notice, notice.notice_issued_field)
    return timezone.localdate(issued) if isinstance(issued, datetime.datetime) else issued


def may_open(user, notice: ServedNotice) -> bool:
    """Whether `user` is one of the enterprise's own users: only they receive its notices by opening them."""
    return bool(
        is_enterprise_user.test(user) and user.enterprise_id and user.enterprise_id == notice.notice_enterprise_id
    )


def _locked(notice: ServedNotice) -> ServedNotice:
    return type(notice).objects.select_for_update().get(pk=notice.pk)


def _serve(notice, *, actor, how: str, received_on: datetime.date, now, start_clock: StartClock, trail) -> None:
    notice.served_on = received_on
    notice.served_how = how
    notice.served_by = actor
    notice.served_recorded_at = now
    start_clock(notice, received_on)
    notice._history_user = actor
    notice.save()
    audit(
        actor=actor,
        action=f"notice.served.{how}",
        target=notice,
        trail=trail or notice,
        summary=received_on.isoformat(),
        proof_sha256=notice.service_proof_sha256,
    )


@transaction.atomic
def notice_open(
    *, user, notice: ServedNotice, start_clock: StartClock, trail=None, now: datetime.datetime | None = None
) -> ServedNotice:
    """The enterprise's user opened the notice: the first opening serves it that day and starts its clock; a later
    one changes nothing. Anyone else opening it (staff reading, an inspector) is not receipt and is refused."""
    if not may_open(user, notice):
        raise PermissionDenied(_("Only the enterprise's own users receive its notices."))
    if notice.is_served:
        return notice
    notice = _locked(notice)
    if notice.is_served or _issued_on(notice) is None:
        return notice
    now = now or timezone.now()
    _serve(
        notice,
        actor=user,
        how=ServedNotice.ServedHow.PORTAL,
        received_on=timezone.localdate(now),
        now=now,
        start_clock=start_clock,
        trail=trail,
    )
    return notice


def check_receipt_scan(upload) -> None:
    """A signed receipt's scan: a PDF or a photo, within UPLOAD_MAX_BYTES, a photo that really is one."""
    if not isinstance(upload, UploadedFile):
        raise ValidationError({"proof": _("Attach the scan of the signed receipt.")})
    name = upload.name or ""
    if not name.lower().endswith(RECEIPT_TYPES):
        raise ValidationError({"proof": _("The signed receipt must be a PDF or a photo (JPEG, PNG).")})
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {"proof": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}}
        )
    if name.lower().endswith(PHOTO_TYPES) and not is_photo(upload):
        raise ValidationError({"proof": _("The file is not a readable photo.")})


@transaction.atomic
def notice_serve_on_paper(
    *,
    actor,
    notice: ServedNotice,
    received_on,
    proof,
    permission: str,
    start_clock: StartClock,
    trail=None,
    now: datetime.datetime | None = None,
) -> ServedNotice:
    """Staff record a paper or in-person delivery: the day the enterprise signed the receipt, and its scan. The
    clock starts from that day. Only staff with `permission` may; a notice already served is not served again."""
    require_perm(actor, permission, notice)
    if may_open(actor, notice) or is_enterprise_user.test(actor):
        raise PermissionDenied(_("An enterprise does not record the service of its own notices."))
    notice = _locked(notice)
    now = now or timezone.now()
    errors = {}
    if notice.is_served:
        raise ValidationError(
            _("This notice was already received on %(date)s.") % {"date": notice.served_on.isoformat()}
        )
    issued_on = _issued_on(notice)
    if issued_on is None:
        raise ValidationError(_("This notice has not been issued yet."))
    if not isinstance(received_on, datetime.date) or isinstance(received_on, datetime.datetime):
        errors["received_on"] = _("Give the date the enterprise signed the receipt.")
    elif received_on > timezone.localdate(now):
        errors["received_on"] = _("The receipt cannot be dated in the future.")
    elif received_on < issued_on:
        errors["received_on"] = _("The receipt cannot be dated before the notice was issued (%(date)s).") % {
            "date": issued_on.isoformat()
        }
    try:
        check_receipt_scan(proof)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    notice.service_proof_sha256 = sha256_of(proof)
    notice.service_proof_name = proof.name[:255]
    notice.service_proof.save(proof.name, proof, save=False)
    _serve(
        notice,
        actor=actor,
        how=ServedNotice.ServedHow.PAPER,
        received_on=received_on,
        now=now,
        start_clock=start_clock,
        trail=trail,
    )
    return notice


def unopened(queryset: models.QuerySet, *, today: datetime.date | None = None) -> models.QuerySet:
    """The notices of `queryset` not received NOTICE_UNOPENED_ALERT_DAYS days or more after they were issued: the
    staff worklist, from which they serve them on paper."""
    today = today or timezone.localdate()
    field = queryset.model.notice_issued_field
    cutoff = today - datetime.timedelta(days=settings.NOTICE_UNOPENED_ALERT_DAYS)
    return queryset.filter(served_on__isnull=True, **{f"{field}__isnull": False, f"{field}__date__lte": cutoff})
