from typing import cast

from django.utils.translation import gettext_lazy

from bianmin.core.navigation import NavItem
from bianmin.oversight.access import DECIDERS, OVERSIGHT_READERS


def _(text: str) -> str:
    # Labels stay lazy (translated per request); NavItem renders them with str().
    return cast(str, gettext_lazy(text))


STAFF_NAV = [
    NavItem(_("投诉处理"), "oversight:complaint_list", roles=OVERSIGHT_READERS, order=60),
    NavItem(_("登记电话投诉"), "oversight:complaint_record", order=61),
    NavItem(_("责任追究"), "oversight:accountability_list", order=62),
    NavItem(_("差评整改"), "oversight:rating_list", order=63),
    NavItem(_("窗口评价器"), "oversight:window_rating", order=64),
    NavItem(_("投诉和整改期限"), "oversight:settings", roles=DECIDERS, order=65),
]

# One menu entry; the form, the confirmation and every item guide link on to the reply lookup.
PUBLIC_NAV = [NavItem(_("我要投诉"), "oversight:complaint_default", order=40)]
