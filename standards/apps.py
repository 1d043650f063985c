from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = _("Standardization")

    def ready(self) -> None:
        from core.inbox import inbox_source_register
        from core.timeline import file_contributions_register
        from standards import permissions  # noqa: F401  (registers the rules)
        from standards.inbox import standards_inbox
        from standards.timeline import standards_section

        inbox_source_register(standards_inbox)
        file_contributions_register(section=standards_section)
