from typing import cast

from django.utils.translation import gettext_lazy as _

from bianmin.core.navigation import NavItem
from bianmin.web.access import AUDIT_READERS, HEALTH_READERS, LOCKOUT_MANAGERS

STAFF_NAV = [
    NavItem(cast(str, _("运行状况")), "web:staff_health", roles=HEALTH_READERS, order=90),
    NavItem(cast(str, _("审计记录")), "web:audit", roles=AUDIT_READERS, order=91),
    NavItem(cast(str, _("登录锁定")), "web:lockouts", roles=LOCKOUT_MANAGERS, order=92),
]
