"""What the hall's pages share: an object's trace, the public center, query values, the way back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from bianmin.hall import selectors
from bianmin.org.models import OrgUnit

# --- helpers --------------------------------------------------------------------------------------------------

VERB_LABELS = {
    "request": gettext_lazy("登记申请"),
    "assign": gettext_lazy("安排上门"),
    "reschedule": gettext_lazy("重新安排"),
    "record": gettext_lazy("登记结果"),
    "cancel": gettext_lazy("取消"),
    "register": gettext_lazy("登记代办"),
    "link_case": gettext_lazy("关联办件"),
    "advance": gettext_lazy("更新进展"),
}


@dataclass
class EventRow:
    at: dt.datetime
    actor: str
    verb: str
    from_state: str
    to_state: str
    note: str


def event_rows(events: Any, statuses: Any) -> list[EventRow]:
    """The trace of an object in plain Chinese: who, when, what, from which state to which."""
    labels = dict(statuses.choices)
    rows = []
    for e in events:
        staff = getattr(e.actor, "staff", None) if e.actor else None
        actor = staff.name if staff else (e.actor.username if e.actor else "—")
        rows.append(
            EventRow(
                e.created_at,
                actor,
                str(VERB_LABELS.get(e.verb, e.verb)),
                str(labels.get(e.from_state, e.from_state)),
                str(labels.get(e.to_state, e.to_state)),
                e.note,
            )
        )
    return rows


def public_center_or_404(code: str) -> OrgUnit:
    center = OrgUnit.objects.filter(code=code, is_active=True, hall_kind__in=selectors.HALL_KINDS).first()
    if center is None:
        raise Http404
    return center


def day_from_query(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def pk_or_zero(value: Any) -> int:
    """A primary key from a query or session value; 0 (matches nothing) when absent or malformed."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def center_query(center: OrgUnit) -> str:
    return f"?center={center.code}"
