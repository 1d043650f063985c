from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandsConfig(AppConfig):
    name = "brands"
    verbose_name = _("Famous-brand cultivation")

    def ready(self) -> None:
        from brands import handlers, indicators, permissions  # noqa: F401  (registers the handlers and the rules)
        from brands.timeline import brands_events, brands_section
        from core.timeline import file_contributions_register

        indicators.register()
        file_contributions_register(events=brands_events, section=brands_section)

        from brands.inbox import brands_inbox
        from core.inbox import inbox_source_register

        inbox_source_register(brands_inbox)
