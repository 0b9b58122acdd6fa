from typing import cast

from django.utils.translation import gettext_lazy as _

from bianmin.assignments.access import OVERSEERS
from bianmin.core.navigation import NavItem

# Lazy labels: the menu is rendered with str(label), so they follow the active language.
STAFF_NAV = [
    NavItem(cast(str, _("交办事项")), "assignments:tasks", order=40),
    NavItem(
        cast(str, _("督办看板")),
        "assignments:task_board",
        roles=OVERSEERS,
        order=41,
    ),
]
