"""Metrology in the credit grade: instruments overdue for compulsory verification (as they stand), instruments found
in use after failing verification, and failed net-content lots in the look-back window. Two sources of the credit
recalculation; their weights come with the scoring model version issued by credit's `metrology_indicators` data
migration (metrology.reference_data.METROLOGY_WEIGHTS)."""

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.indicators import Indicator, Source, Window, register_source
from metrology import events
from metrology.choices import VerificationResult
from metrology.models import Instrument, NetContentTest


def instrument_rows(w: Window) -> QuerySet:
    supervised = Instrument.objects.supervised().filter(enterprise__isnull=False)
    overdue = Q(next_due_on__lt=w.today) & ~Q(last_result=VerificationResult.FAILED)
    return (
        w.only_listed(supervised)
        .filter(overdue | Q(used_after_failure=True))
        .values(key=F("enterprise_id"))
        .annotate(
            metrology_overdue_verification=Count("pk", filter=overdue),
            metrology_used_after_failure=Count("pk", filter=Q(used_after_failure=True)),
        )
    )


def net_content_rows(w: Window) -> QuerySet:
    failed = NetContentTest.objects.filter(passed=False, tested_at__gte=w.start)
    return (
        w.only_listed(failed)
        .values(key=F("enterprise_id"))
        .annotate(metrology_net_content_failed=Count("lab_test", distinct=True))
    )


def register() -> None:
    register_source(
        Source(
            "metrology_instruments",
            instrument_rows,
            events=(events.VERIFIED, events.USED_AFTER_FAILURE, events.INSTRUMENT_FILED),
            order=110,
        ),
        Indicator(
            "metrology_overdue_verification",
            _("Instruments overdue for compulsory verification"),
            _("per instrument overdue"),
            "metrology_instruments",
        ),
        Indicator(
            "metrology_used_after_failure",
            _("Instruments used after failing verification"),
            _("per instrument"),
            "metrology_instruments",
        ),
    )
    register_source(
        Source("metrology_net_content", net_content_rows, events=(events.NET_CONTENT_TESTED,), order=111),
        Indicator(
            "metrology_net_content_failed",
            _("Failed net-content lots"),
            _("per failed lot"),
            "metrology_net_content",
        ),
    )
