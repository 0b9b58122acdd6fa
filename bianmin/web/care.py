"""The elder-friendly mode of the public pages (长辈版 / 关怀模式): larger type, higher contrast, bigger targets,
fewer navigation choices. Remembered per browser in a cookie, so the server renders the class and nothing flashes.

`web/behaviours.js` flips the cookie and the class in place; without JavaScript the switch posts here.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE = "bm_care"
MAX_AGE = 365 * 24 * 3600  # a year; the same as the script sets


def care_mode_on(request: HttpRequest) -> bool:
    return request.COOKIES.get(COOKIE) == "1"


@require_POST
def care_mode(request: HttpRequest) -> HttpResponse:
    """Turn the mode on (care=1) or off, and go back to the page the switch was on."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("care") == "1":
        response.set_cookie(COOKIE, "1", max_age=MAX_AGE, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response
