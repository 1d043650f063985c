from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and tips")

    def ready(self) -> None:
        from complaints import indicators, permissions  # noqa: F401  (registers the rules)
        from complaints.timeline import complaints_events, complaints_section
        from enterprises.timeline import FILE_SECTIONS, TIMELINE_SOURCES

        indicators.register()
        for registry, source in ((TIMELINE_SOURCES, complaints_events), (FILE_SECTIONS, complaints_section)):
            if source not in registry:
                registry.append(source)
