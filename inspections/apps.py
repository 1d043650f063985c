from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Spot-check campaigns")

    def ready(self) -> None:
        from enterprises.timeline import FILE_SECTIONS, TIMELINE_SOURCES
        from inspections import permissions  # noqa: F401  (registers the app's rules)
        from inspections.timeline import spot_check_events, spot_check_section

        for registry, source in ((TIMELINE_SOURCES, spot_check_events), (FILE_SECTIONS, spot_check_section)):
            if source not in registry:
                registry.append(source)
