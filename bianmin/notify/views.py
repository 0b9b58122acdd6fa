from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.notify import selectors, services
from bianmin.notify.access import MESSAGE_LOG_READERS
from bianmin.notify.forms import (
    MessageLogFilter,
)
from bianmin.notify.models import Notification
from bianmin.org.access import staff_required


def _page(request: HttpRequest, items: Any, per_page: int) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# --- notifications ---


@staff_required()
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = _page(request, selectors.inbox(user=request.user, unread_only=unread_only), 30)
    return render(
        request,
        "notify/notification_list.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(user=request.user)},
    )


@require_POST
@staff_required()
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = selectors.inbox_item(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    services.notification_mark_read(notification=notification, actor=request.user)
    target = notification.url if request.POST.get("open") and notification.url else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notify:notifications")


@require_POST
@staff_required()
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Every unread message, or only the ticked ones (`ids`) when the form names some."""
    if request.POST.get("selected"):
        ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()][:500]
        if not ids:
            messages.error(request, _("请至少选择一条消息。"))
            return redirect("notify:notifications")
        count = services.notification_mark_all_read(actor=request.user, ids=ids)
    else:
        count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(count)s 条消息标记为已读。") % {"count": count})
    return redirect("notify:notifications")


@staff_required()
def bell(request: HttpRequest) -> HttpResponse:
    return render(request, "notify/bell.html", {"unread": selectors.unread_count(user=request.user)})


@staff_required(MESSAGE_LOG_READERS)
def message_log(request: HttpRequest) -> HttpResponse:
    form = MessageLogFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.message_log(user=request.user, channel=data.get("channel", ""), status=data.get("status", ""))
    return render(request, "notify/message_log.html", {"form": form, "page": _page(request, rows, 50)})
