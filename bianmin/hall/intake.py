"""The seam to the cases app: a called ticket starts an intake prefilled with what the hall already knows."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from bianmin.hall.models import Ticket


def intake_url_for(ticket: Ticket) -> str | None:
    """The intake screen of the ticket's item (or the item picker when the ticket names none), carrying the
    applicant's name; None when no cases app is installed."""
    try:
        url = reverse("cases:intake", args=[ticket.item_id]) if ticket.item_id else reverse("cases:intake_start")
    except NoReverseMatch:
        return None
    params = {"applicant_name": ticket.applicant_name} if ticket.applicant_name else {}
    return f"{url}?{urlencode(params)}" if params else url
