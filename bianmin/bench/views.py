from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from bianmin.org.access import staff_required


def hello(request: HttpRequest) -> JsonResponse:
    """A bare JSON answer (no database, no session): the framework's own cost, for the bench's throughput leg."""
    return JsonResponse({"hello": "world"})


@staff_required()
def floor(request: HttpRequest) -> HttpResponse:
    """The framework floor of a staff page: the same middleware, session, login check, menu and bell as every staff
    page, the site's base template, and no domain data. `make bench` sets each page's time against it."""
    return render(request, "bench/floor.html")
