"""Where an intake can start from besides the window, named by the apps above cases without cases importing them.

Each source is a dotted path in settings.BIANMIN_INTAKE_SOURCES to an object with:
- `param`: the query parameter its intake link carries (kept through the item picker and the intake's own posts);
- `prefill(request, center, value) -> dict`: what it already knows of the applicant, as the intake form's initial;
- `accepted(request, case, value)`: told of the case the intake made, to link its record to it (may raise
  ValidationError: the case stands, the staff member is shown the message);
- `origins(case) -> list[(label, url)]`: the records the case came from, for the case page to link back.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from bianmin.cases.models import Case


class IntakeSource(Protocol):
    param: str

    def prefill(self, request: HttpRequest, center: Any, value: str) -> dict[str, str]: ...

    def accepted(self, request: HttpRequest, case: Case, value: str) -> None: ...

    def origins(self, case: Case) -> list[tuple[str, str]]: ...


def sources() -> list[IntakeSource]:
    return [import_string(path) for path in getattr(settings, "BIANMIN_INTAKE_SOURCES", [])]


def carried(request: HttpRequest) -> dict[str, str]:
    """The sources' parameters present on this request (a record's number), to carry into the next link."""
    return {source.param: value for source, value in _present(request)}


def prefill(request: HttpRequest, center: Any) -> dict[str, str]:
    initial: dict[str, str] = {}
    for source, value in _present(request):
        initial.update(source.prefill(request, center, value))
    return initial


def accepted(request: HttpRequest, case: Case) -> None:
    for source, value in _present(request):
        source.accepted(request, case, value)


def origins(case: Case) -> list[tuple[str, str]]:
    return [link for source in sources() for link in source.origins(case)]


def _present(request: HttpRequest) -> list[tuple[IntakeSource, str]]:
    """Each source whose parameter the request carries as a record's number; anything else is ignored."""
    found = []
    for source in sources():
        value = request.GET.get(source.param, "")[:40]
        if value.isdigit():
            found.append((source, value))
    return found
