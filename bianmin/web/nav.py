from typing import cast

from django.utils.translation import gettext_lazy as _

from bianmin.core.navigation import NavItem
from bianmin.org.models import Role

STAFF_NAV = [
    NavItem(cast(str, _("运行状况")), "web:staff_health", roles=frozenset({Role.DIRECTOR, Role.ADMIN}), order=90),
    NavItem(cast(str, _("登录锁定")), "web:lockouts", roles=frozenset({Role.ADMIN}), order=91),
]
