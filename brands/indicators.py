"""Honours in the credit grade: current honours (not revoked, within their validity) are a positive indicator,
a source of the credit recalculation (see `core.indicators`) like spot checks or penalties. Its points come with
scoring model v2. Awarding or revoking an honour emits an event, and the holder's grade follows."""

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext_lazy as _

from brands import events
from brands.models import Honour
from core.indicators import Indicator, Source, Window, register_source


def honour_rows(w: Window) -> QuerySet:
    current = Honour.objects.current(w.today)
    return w.only_listed(current).values(key=F("enterprise_id")).annotate(brand_honour=Count("pk"))


def register() -> None:
    register_source(
        Source("honours", honour_rows, events=(events.HONOUR_AWARDED, events.HONOUR_REVOKED), order=90),
        Indicator("brand_honour", _("Brand honours held"), _("per current honour"), "honours"),
    )
