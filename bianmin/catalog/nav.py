from django.utils.translation import gettext_lazy as _

from bianmin.core.navigation import NavItem

STAFF_NAV = [NavItem(_("服务事项"), "catalog:item_list", order=20)]  # type: ignore[arg-type]
PUBLIC_NAV = [
    NavItem(_("服务指南"), "catalog:guide_home", order=10),  # type: ignore[arg-type]
    NavItem(_("事项查询"), "catalog:search_home", order=11),  # type: ignore[arg-type]
]
