from __future__ import annotations

from django.http import HttpRequest, JsonResponse


def hello(request: HttpRequest) -> JsonResponse:
    """A bare JSON answer (no database, no session): the framework's own cost, for the bench's throughput leg."""
    return JsonResponse({"hello": "world"})
