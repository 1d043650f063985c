from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EquipmentConfig(AppConfig):
    name = "equipment"
    verbose_name = _("Special-equipment safety")

    def ready(self) -> None:
        from core.inbox import inbox_source_register
        from equipment import permissions  # noqa: F401  (registers the rules)
        from equipment.inbox import equipment_inbox

        inbox_source_register(equipment_inbox)
