from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit grading")

    def ready(self) -> None:
        from credit import handlers, permissions  # noqa: F401  (registers the event handlers and the rules)
