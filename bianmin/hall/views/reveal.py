"""Staff: a person's full phone number, revealed with a reason and logged."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from bianmin.core.forms import add_service_errors
from bianmin.core.http import HtmxHttpRequest
from bianmin.core.services import personal_data_reveal
from bianmin.hall import selectors
from bianmin.hall.access import HALL_STAFF
from bianmin.hall.forms import (
    ReasonForm,
)
from bianmin.org.access import staff_required

REVEALABLE = {
    # kind: (fetch in scope, encrypted field)
    "appointment": (selectors.appointment_in_scope, "phone"),
    "home-visit": (selectors.home_visit_in_scope, "phone"),
    "proxy": (selectors.proxy_in_scope, "applicant_phone"),
}


@require_POST
@staff_required(HALL_STAFF)
def reveal_phone(request: HtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    """The full phone number, for staff who must call the person back; each reveal is logged with its reason."""
    if kind not in REVEALABLE:
        raise Http404
    fetch, field = REVEALABLE[kind]
    target = fetch(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    value = ""
    if form.is_valid():
        try:
            value = personal_data_reveal(
                actor=request.user, target=target, field=field, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {"value": value, "form": form, "kind": kind, "pk": pk}
    template = "hall/_reveal.html" if request.htmx else "hall/reveal.html"
    return render(request, template, context, status=200 if value else 400)
