"""Staff: the hall's workbench, the counter and the queue's tickets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bianmin.hall import selectors, services
from bianmin.hall.access import HALL_STAFF
from bianmin.hall.forms import (
    TransferForm,
)
from bianmin.hall.intake import intake_url_for
from bianmin.hall.models import HomeVisit, ProxyCase, Ticket
from bianmin.hall.views.common import center_query, day_from_query, pk_or_zero
from bianmin.org.access import MANAGERS, get_in_scope, has_role, staff_required
from bianmin.org.models import OrgUnit, Window

# --- Staff: the hall's workbench ------------------------------------------------------------------------------


@staff_required(HALL_STAFF)
def staff_home(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    day = timezone.localdate()
    return render(
        request,
        "hall/staff_home.html",
        {
            "center": center,
            "centers": selectors.centers_for(user=request.user),
            "stats": selectors.queue_stats(center=center, day=day),
            "appointments": selectors.appointments_on(user=request.user, center=center, day=day)
            .values("status")
            .order_by(),
            "pending_visits": selectors.home_visits(user=request.user, status=HomeVisit.Status.REQUESTED).count(),
            "open_proxies": selectors.proxy_cases(user=request.user).filter(status=ProxyCase.Status.OPEN).count(),
            "sessions": selectors.sessions_on(center=center, day=day),
            "today": day,
            "is_manager": has_role(request.user, MANAGERS),
        },
    )


@staff_required(HALL_STAFF)
def counter(request: HttpRequest) -> HttpResponse:
    """A window's calling desk: call next, recall, start, finish, no-show, transfer, start the intake."""
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    windows = selectors.counter_windows(user=request.user, center=center)
    if not windows:
        return render(request, "hall/counter.html", {"center": center, "windows": [], "window": None})
    wanted = pk_or_zero(request.GET.get("window"))
    window = next((w for w in windows if w.pk == wanted), windows[0])
    return render(request, "hall/counter.html", _counter_context(request, center, windows, window))


def _counter_context(request: HttpRequest, center: OrgUnit, windows: list[Window], window: Window) -> dict[str, Any]:
    day = timezone.localdate()
    current = selectors.active_ticket(window=window, day=day)
    queue = selectors.window_queue(window=window, day=day)
    others = Window.objects.filter(center=center, is_active=True).exclude(pk=window.pk).order_by("number")
    return {
        "center": center,
        "windows": windows,
        "window": window,
        "current": current,
        "queue": list(queue[:30]),
        "queue_count": queue.count(),
        "transfer_form": TransferForm(windows=others),
        "intake_url": intake_url_for(current) if current else None,
        "cap": selectors.settings_for(center).priority_cap,
    }


def _counter_window(request: HttpRequest, window_id: int) -> Window:
    window = get_in_scope(Window.objects.select_related("center"), request.user, "center__path", pk=window_id)
    if window not in selectors.counter_windows(user=request.user, center=window.center):
        raise PermissionDenied(_("您不在该窗口岗位上，不能在此叫号。"))
    return window


@staff_required(HALL_STAFF)
def counter_queue(request: HttpRequest, window_id: int) -> HttpResponse:
    window = _counter_window(request, window_id)
    windows = selectors.counter_windows(user=request.user, center=window.center)
    return render(request, "hall/counter.html#queue", _counter_context(request, window.center, windows, window))


@require_POST
@staff_required(HALL_STAFF)
def counter_call(request: HttpRequest, window_id: int) -> HttpResponse:
    window = _counter_window(request, window_id)
    try:
        ticket = services.ticket_call_next(window=window, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if ticket is None:
            messages.info(request, _("当前没有等候的号。"))
        else:
            messages.success(request, _("已叫 %(number)s 号。") % {"number": ticket.number})
    return redirect(f"{reverse('hall:counter')}{center_query(window.center)}&window={window.pk}")


TICKET_ACTIONS: dict[str, tuple[Callable[..., Ticket], Any]] = {
    "recall": (services.ticket_recall, gettext_lazy("已重呼 %(number)s 号。")),
    "start": (services.ticket_start, gettext_lazy("%(number)s 号开始办理。")),
    "finish": (services.ticket_finish, gettext_lazy("%(number)s 号已办结。")),
    "no_show": (services.ticket_no_show, gettext_lazy("%(number)s 号已标记过号。")),
}


@require_POST
@staff_required(HALL_STAFF)
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = selectors.ticket_in_scope(user=request.user, pk=pk)
    if ticket.window is None:
        messages.error(request, _("%(number)s 号当前不在任何窗口。") % {"number": ticket.number})
        return redirect("hall:counter")
    window = _counter_window(request, ticket.window.pk)
    back = f"{reverse('hall:counter')}{center_query(window.center)}&window={window.pk}"
    try:
        if action == "transfer":
            others = Window.objects.filter(center=window.center, is_active=True).exclude(pk=window.pk)
            form = TransferForm(request.POST, windows=others)
            if not form.is_valid():
                messages.error(request, _("请选择要转至的窗口。"))
                return redirect(back)
            services.ticket_transfer(
                ticket=ticket,
                to_window=form.cleaned_data["to_window"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
            messages.success(
                request,
                _("%(number)s 号已转至 %(window)s 号窗口。")
                % {"number": ticket.number, "window": form.cleaned_data["to_window"].number},
            )
        elif action in TICKET_ACTIONS:
            service, message = TICKET_ACTIONS[action]
            service(ticket=ticket, actor=request.user)
            messages.success(request, str(message) % {"number": ticket.number})
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


@staff_required(HALL_STAFF)
def tickets(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    day = day_from_query(request)
    return render(
        request,
        "hall/tickets.html",
        {
            "center": center,
            "day": day,
            "tickets": selectors.tickets_on(user=request.user, center=center, day=day).order_by("issued_at", "id"),
            "stats": selectors.queue_stats(center=center, day=day),
        },
    )
