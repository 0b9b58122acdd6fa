from typing import cast

from django.utils.translation import gettext_lazy

from bianmin.core.navigation import NavItem
from bianmin.staffing.access import OVERSEERS


def _(text: str) -> str:
    # Lazily translated: the menu is built once and shown in each request's language.
    return cast(str, gettext_lazy(text))


STAFF_NAV = [
    NavItem(_("考勤"), "staffing:my_attendance", order=60),
    NavItem(_("请销假"), "staffing:leave_list", order=61),
    NavItem(_("窗口在岗"), "staffing:board", roles=OVERSEERS, order=62),
    NavItem(_("值班排班"), "staffing:roster", order=64),
    NavItem(_("纪律督查"), "staffing:inspection_list", roles=OVERSEERS, order=65),
    NavItem(_("我的督查记录"), "staffing:my_inspections", order=66),
]
