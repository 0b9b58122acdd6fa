from typing import cast

from django.utils.translation import gettext_lazy

from bianmin.core.navigation import NavItem
from bianmin.reports.access import VIEWERS


def _(text: str) -> str:
    # Lazily translated: the menu is built once and shown in each request's language.
    return cast(str, gettext_lazy(text))


STAFF_NAV = [
    NavItem(_("统计报表"), "reports:home", roles=VIEWERS, order=80),
    NavItem(_("工作人员考核"), "reports:assessment_home", roles=VIEWERS, order=81),
]
