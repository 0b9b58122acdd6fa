from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "bianmin.cases"
    label = "cases"
    verbose_name = _("办件")

    def ready(self) -> None:
        from bianmin.cases import todos

        todos.register()
