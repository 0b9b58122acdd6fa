from typing import cast

from django.utils.translation import gettext_lazy

from bianmin.core.navigation import NavItem
from bianmin.petitions.access import PETITION_READERS


def _(text: str) -> str:
    # Labels stay lazy (translated per request); NavItem renders them with str().
    return cast(str, gettext_lazy(text))


STAFF_NAV = [
    NavItem(_("来信来访"), "petitions:list", order=30),
    NavItem(_("信访督办"), "petitions:board", roles=PETITION_READERS, order=31),
]
