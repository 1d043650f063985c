from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QSPortalConfig(AppConfig):
    """The project itself, on top of the domain apps: the home pages, the demo city and its `seed_demo` command,
    and restoring the reference data the apps' migrations load."""

    name = "qsportal"
    verbose_name = _("QS Portal")
