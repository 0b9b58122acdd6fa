from django.utils.translation import gettext_lazy as _

from bianmin.core.navigation import NavItem
from bianmin.frontdesk.access import REGISTER_READERS

STAFF_NAV = [
    NavItem(_("首问登记"), "frontdesk:desk", order=20),
    NavItem(_("登记册"), "frontdesk:register", order=21),
    NavItem(_("材料移交"), "frontdesk:handovers", order=22),
    NavItem(_("首问统计"), "frontdesk:stats", roles=REGISTER_READERS, order=23),
]
