from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bianmin.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from bianmin.core import checks, choices, lookups  # noqa: F401  (register the startup checks, the any_of lookup)
        from bianmin.core.audit import connect_receivers

        connect_receivers()
        choices.install()  # every model's get_FOO_display from a table made once per field
