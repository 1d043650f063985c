from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit grading")

    def ready(self) -> None:
        from core.timeline import file_contributions_register
        from credit import handlers, indicators, permissions  # noqa: F401  (registers the event handlers and the rules)
        from credit.timeline import credit_events, credit_section

        indicators.register()
        file_contributions_register(events=credit_events, section=credit_section)

        from core.inbox import inbox_source_register
        from credit.inbox import credit_inbox

        inbox_source_register(credit_inbox)
