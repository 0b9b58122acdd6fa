"""The hall's offer on the catalog's public item guide: book this item (registered in `HallConfig.ready`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from bianmin.catalog.guide_links import GuideLink
from bianmin.hall import selectors
from bianmin.org.models import OrgUnit


def booking_link(center: OrgUnit, item_id: int) -> GuideLink | None:
    """A link to the booking page with the item chosen, where the center's hall takes bookings for it."""
    if center.hall_kind not in selectors.HALL_KINDS:
        return None
    if selectors.category_for_item(center=center, item_id=item_id) is None:
        return None
    url = reverse("hall:book", kwargs={"code": center.code}) + "?" + urlencode({"item": item_id})
    return GuideLink(label=_("预约办理"), url=url, primary=True)
