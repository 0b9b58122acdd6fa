"""The request type of a view that reads `request.htmx` (set by django_htmx's middleware on every request)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """For annotations only: every request the views see has passed `HtmxMiddleware`."""

    htmx: HtmxDetails
