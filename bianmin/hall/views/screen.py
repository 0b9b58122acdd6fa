"""The hall screen (电子屏幕) and the state it polls."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from bianmin.hall import selectors
from bianmin.org.models import OrgUnit


def _screen_center(code: str) -> OrgUnit:
    """Any public service hall has the screen, a community point too (its items and who is on duty; no queue)."""
    center = OrgUnit.objects.centers().filter(code=code, is_active=True).first()
    if center is None:
        raise Http404
    return center


def screen(request: HttpRequest, code: str) -> HttpResponse:
    """The hall screen (电子屏幕): the queue being called, who is on duty at each window, the public items."""
    center = _screen_center(code)
    return render(
        request,
        "hall/screen.html",
        {"center": center, "state": selectors.screen_state(center=center)},
    )


@never_cache
def screen_state(request: HttpRequest, code: str) -> JsonResponse:
    """What the hall screen polls every second: cached per center until the queue changes."""
    center = _screen_center(code)
    version = selectors.screen_version(center=center)
    minute = timezone.localtime().strftime("%H%M")  # the clock and "open now" move on even when the queue doesn't
    key = f"hall:screen:{center.pk}:{version}:{minute}"
    state = cache.get(key)
    if state is None:
        state = selectors.screen_state(center=center)
        state["version"] = f"{version}:{minute}"
        cache.set(key, state, timeout=90)
    return JsonResponse(state, json_dumps_params={"ensure_ascii": False})
