from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprise quality files")

    def ready(self) -> None:
        from enterprises import indicators, permissions  # noqa: F401  (registers the app's rules)

        indicators.register()

        from core.inbox import inbox_source_register
        from enterprises.inbox import enterprises_inbox

        inbox_source_register(enterprises_inbox)
