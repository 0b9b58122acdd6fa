from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "bianmin.staffing"
    label = "staffing"
    verbose_name = _("考勤与岗位")

    def ready(self) -> None:
        from bianmin.staffing import todos

        todos.register()
