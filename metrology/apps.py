from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetrologyConfig(AppConfig):
    name = "metrology"
    verbose_name = _("Metrology supervision")

    def ready(self) -> None:
        from core.inbox import inbox_source_register
        from metrology import indicators, permissions  # noqa: F401  (registers the rules)
        from metrology.inbox import metrology_inbox

        inbox_source_register(metrology_inbox)
        indicators.register()
