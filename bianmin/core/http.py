"""HTTP as the application sees it: the client's address (REMOTE_ADDR, or the address the trusted reverse proxies
put in X-Forwarded-For: used by the login lockout, the progress-query throttle and the public write limits), and the
request type of a view that reads `request.htmx`."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """For annotations only: every request the views see has passed `HtmxMiddleware`."""

    htmx: HtmxDetails


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return ""


def client_ip(request: HttpRequest) -> str:
    """With TRUSTED_PROXY_COUNT = n > 0, each of the n proxies appends the address it was connected from to
    X-Forwarded-For, so the n-th entry from the right is the one our outermost proxy saw: the client. Entries
    further left were written by the client and are not trusted. Too few entries (a request that bypassed the
    proxy) fall back to the leftmost one we have, then to REMOTE_ADDR."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104 - a key, not a bind address
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return _valid(forwarded[-min(count, len(forwarded))]) or remote
