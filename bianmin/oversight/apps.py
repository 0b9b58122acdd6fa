from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "bianmin.oversight"
    label = "oversight"
    verbose_name = _("监督考核")

    def ready(self) -> None:
        from bianmin.oversight import todos

        todos.register()
