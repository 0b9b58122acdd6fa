from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontdeskConfig(AppConfig):
    name = "bianmin.frontdesk"
    label = "frontdesk"
    verbose_name = _("首问登记")

    def ready(self) -> None:
        from bianmin.frontdesk import todos

        todos.register()
