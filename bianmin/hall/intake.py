"""The seam to the cases app: a called ticket starts an intake prefilled with what the hall already knows."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from bianmin.hall.models import Ticket


def intake_url_for(ticket: Ticket) -> str | None:
    """The cases intake URL with the ticket's item and applicant name as query parameters, or None while the
    cases app has no `cases:intake` page."""
    try:
        url = reverse("cases:intake")
    except NoReverseMatch:
        return None
    params = {}
    if ticket.item_id:
        params["item"] = str(ticket.item_id)
    if ticket.applicant_name:
        params["applicant_name"] = ticket.applicant_name
    return f"{url}?{urlencode(params)}" if params else url
