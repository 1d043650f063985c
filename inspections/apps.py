from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Spot-check campaigns")

    def ready(self) -> None:
        from core.timeline import file_contributions_register
        from inspections import indicators, permissions  # noqa: F401  (registers the app's rules)
        from inspections.timeline import spot_check_events, spot_check_section

        indicators.register()
        from core.inbox import inbox_source_register
        from inspections.custody import broken_seals_inbox

        inbox_source_register(broken_seals_inbox)
        file_contributions_register(events=spot_check_events, section=spot_check_section)

        from core.inbox import inbox_source_register
        from inspections.inbox import inspections_inbox

        inbox_source_register(inspections_inbox)
