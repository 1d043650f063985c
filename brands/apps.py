from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandsConfig(AppConfig):
    name = "brands"
    verbose_name = _("Famous-brand cultivation")

    def ready(self) -> None:
        from brands import handlers, indicators, permissions  # noqa: F401  (registers the handlers and the rules)
        from brands.timeline import brands_events, brands_section
        from enterprises.timeline import FILE_SECTIONS, TIMELINE_SOURCES

        indicators.register()
        for registry, source in ((TIMELINE_SOURCES, brands_events), (FILE_SECTIONS, brands_section)):
            if source not in registry:
                registry.append(source)
