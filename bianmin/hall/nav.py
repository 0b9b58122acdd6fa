from typing import cast

from django.utils.translation import gettext_lazy as _

from bianmin.core.navigation import NavItem
from bianmin.hall.access import HALL_STAFF

# Labels stay lazy (translated per request); NavItem declares `str` and calls str() on them.
STAFF_NAV = [
    NavItem(cast(str, _("叫号")), "hall:counter", roles=HALL_STAFF, order=20),
    NavItem(cast(str, _("大厅服务")), "hall:staff_home", roles=HALL_STAFF, order=21),
]

PUBLIC_NAV = [
    NavItem(cast(str, _("办公时间与特色服务")), "hall:public_index", order=30),
    NavItem(cast(str, _("预约办理")), "hall:book_default", order=31),
]
