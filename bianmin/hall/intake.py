"""The seam to the cases app: a called ticket starts an intake prefilled with what the hall already knows; a proxy
registration leads the applicant to its case's progress page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from bianmin.hall.models import ProxyCase, Ticket


def intake_url_for(ticket: Ticket) -> str | None:
    """The intake screen of the ticket's item (or the item picker when the ticket names none), carrying the
    applicant's name; None when no cases app is installed."""
    try:
        url = reverse("cases:intake", args=[ticket.item_id]) if ticket.item_id else reverse("cases:intake_start")
    except NoReverseMatch:
        return None
    params = {"applicant_name": ticket.applicant_name} if ticket.applicant_name else {}
    return f"{url}?{urlencode(params)}" if params else url


def progress_url_for(request: HttpRequest, proxy: ProxyCase) -> str:
    """The public progress page of the proxy's case (for the applicant to follow it); empty until one is linked."""
    if proxy.case is None:
        return ""
    return request.build_absolute_uri(reverse("cases:progress_token", args=[proxy.case.public_token]))
