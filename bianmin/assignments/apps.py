from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    """交办督办 (§8(2)3, §8(2)6): reports and work that superiors and leaders assign, with deadlines."""

    name = "bianmin.assignments"
    label = "assignments"
    verbose_name = _("交办督办")

    def ready(self) -> None:
        from bianmin.assignments import todos

        todos.register()
