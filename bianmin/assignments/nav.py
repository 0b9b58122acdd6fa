from typing import cast

from django.utils.translation import gettext_lazy as _

from bianmin.core.navigation import NavItem
from bianmin.org.models import Role

# Lazy labels: the menu is rendered with str(label), so they follow the active language.
STAFF_NAV = [
    NavItem(cast(str, _("交办事项")), "assignments:tasks", order=40),
    NavItem(
        cast(str, _("督办看板")),
        "assignments:task_board",
        roles=frozenset({Role.DIRECTOR, Role.ADMIN, Role.INSPECTOR, Role.DISTRICT}),
        order=41,
    ),
]
