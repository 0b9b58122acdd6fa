from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from bianmin.core.aggregates import Rows
from bianmin.notify.models import Channel, Inbox, Notification
from bianmin.org.access import scope_filter

# --- notifications ---


def message_counts(*, now: dt.datetime | None = None, days: int = 1) -> dict[str, int]:
    """Messages of the last `days` by delivery status (for the health page)."""
    now = now or timezone.now()
    counts = dict(
        Notification.objects.filter(created_at__gte=now - dt.timedelta(days=days))
        .values_list("status")
        .annotate(n=Rows())
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Notification.Status.values}


def unread_count(*, user: Any) -> int:
    """The bell: the user's maintained count (`Inbox`), read with the user at sign-in where the login backend
    asks for it, else one lookup by key; no row means nothing unread."""
    if not getattr(user, "is_authenticated", False):
        return 0
    state = getattr(user, "_state", None)
    if state is not None and "notify_inbox" in state.fields_cache:  # read with the user (select_related)
        inbox = state.fields_cache["notify_inbox"]
        return int(inbox.unread) if inbox is not None else 0
    # Not cached on the user object: a later call must see later messages.
    return Inbox.objects.filter(user_id=user.pk).values_list("unread", flat=True).first() or 0


def inbox(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient_user=user, channel=Channel.IN_APP)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def inbox_item(*, user: Any, notification_id: int) -> Notification:
    """The user's own in-app message; anybody else's answers DoesNotExist, like a missing one."""
    return inbox(user=user).get(pk=notification_id)


def message_log(*, user: Any, channel: str = "", status: str = "") -> QuerySet[Notification]:
    """Every message sent in the user's scope (by the center it concerns); for directors and administrators."""
    qs = scope_filter(Notification.objects.select_related("center"), user, "center__path")
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")
