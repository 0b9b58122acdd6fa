from typing import cast

from django.utils.translation import gettext_lazy as _

from bianmin.api.access import TOKEN_ROLES
from bianmin.core.navigation import NavItem
from bianmin.org.models import Role

# Labels stay lazy (translated when the menu renders); NavItem is typed for str.
STAFF_NAV = [
    NavItem(cast(str, _("接口令牌")), "api:token_list", roles=TOKEN_ROLES, order=90),
    NavItem(cast(str, _("Open311 应用")), "api:open311_clients", roles=frozenset({Role.ADMIN}), order=91),
]
