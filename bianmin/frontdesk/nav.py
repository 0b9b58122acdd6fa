from typing import cast

from django.utils.translation import gettext_lazy

from bianmin.core.navigation import NavItem
from bianmin.frontdesk.access import REGISTER_READERS


def _(text: str) -> str:
    # Labels stay lazy (translated per request); NavItem renders them with str().
    return cast(str, gettext_lazy(text))


STAFF_NAV = [
    NavItem(_("首问登记"), "frontdesk:desk", order=20),
    NavItem(_("登记册"), "frontdesk:register", order=21),
    NavItem(_("材料移交"), "frontdesk:handovers", order=22),
    NavItem(_("首问统计"), "frontdesk:stats", roles=REGISTER_READERS, order=23),
]
