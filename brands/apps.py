from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandsConfig(AppConfig):
    name = "brands"
    verbose_name = _("Famous-brand cultivation")

    def ready(self) -> None:
        from brands import handlers, indicators, permissions  # noqa: F401  (registers the handlers and the rules)

        indicators.register()
