from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Spot-check campaigns")

    def ready(self) -> None:
        from inspections import permissions  # noqa: F401  (registers the app's rules)
