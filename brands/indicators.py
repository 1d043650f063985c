"""Honours in the credit grade: current honours (not revoked, within their validity) are a positive indicator,
a source of the credit recalculation like spot checks or penalties. Its points come with scoring model v2."""

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext_lazy as _

from brands.models import Honour
from credit.indicators import Indicator, Source, Window, register_source


def honour_rows(w: Window) -> QuerySet:
    current = Honour.objects.current(w.today)
    return w.only_listed(current).values(key=F("enterprise_id")).annotate(brand_honour=Count("pk"))


def register() -> None:
    register_source(
        Source("honours", honour_rows),
        Indicator("brand_honour", _("Brand honours held"), _("per current honour"), "honours"),
    )
