from typing import cast

from django.utils.translation import gettext_lazy

from bianmin.core.navigation import NavItem
from bianmin.org.models import Role


def _(text: str) -> str:
    # Labels stay lazy (translated when the menu renders); NavItem is typed for str.
    return cast(str, gettext_lazy(text))


HANDLING = frozenset({Role.WINDOW, Role.HANDLER, Role.DIRECTOR})

STAFF_NAV = [
    NavItem(_("我的办件"), "cases:workbench", roles=HANDLING, order=10),
    NavItem(_("受理"), "cases:intake_start", roles=frozenset({Role.WINDOW, Role.DIRECTOR}), order=11),
    NavItem(_("网上预审"), "cases:online_list", roles=frozenset({Role.WINDOW, Role.DIRECTOR}), order=12),
    NavItem(_("办件查询"), "cases:search", roles=frozenset(set(Role.values) - {Role.DISTRICT}), order=12),
    NavItem(_("办件督办"), "cases:director", roles=frozenset({Role.DIRECTOR}), order=13),
    NavItem(_("联办协调"), "cases:joint_board", roles=frozenset({Role.DIRECTOR}), order=14),
    NavItem(_("上报件"), "cases:district", roles=frozenset({Role.DISTRICT}), order=15),
    NavItem(
        _("一次性告知未落实"), "cases:failures", roles=frozenset({Role.DIRECTOR, Role.INSPECTOR, Role.ADMIN}), order=60
    ),
]

PUBLIC_NAV = [NavItem(_("办件进度查询"), "cases:progress", order=30)]
