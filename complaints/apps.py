from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and tips")

    def ready(self) -> None:
        from complaints import indicators, permissions  # noqa: F401  (registers the rules)
        from complaints.timeline import complaints_events, complaints_section
        from core.timeline import file_contributions_register

        indicators.register()
        file_contributions_register(events=complaints_events, section=complaints_section)

        from complaints.inbox import complaints_inbox
        from core.inbox import inbox_source_register

        inbox_source_register(complaints_inbox)
