from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit grading")

    def ready(self) -> None:
        from credit import handlers, permissions  # noqa: F401  (registers the event handlers and the rules)
        from credit.timeline import credit_events, credit_section
        from enterprises.timeline import FILE_SECTIONS, TIMELINE_SOURCES

        for registry, source in ((TIMELINE_SOURCES, credit_events), (FILE_SECTIONS, credit_section)):
            if source not in registry:
                registry.append(source)
