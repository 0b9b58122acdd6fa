"""Staffing's facts told through the notification channels (§6(1), §8(3)(6)).

Configured in settings.BIANMIN_STAFFING_LISTENERS; staffing calls it after commit. An unmanned window alerts every
director of the window's center in-app and by SMS, once per record and director (the key makes retries harmless).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bianmin.notify.models import Channel
from bianmin.notify.services import notification_send
from bianmin.org.models import Role, Staff


def on_staffing_event(*, kind: str, **payload: Any) -> None:
    if kind != "unmanned_opened":
        return
    record = payload["record"]
    directors = Staff.objects.filter(org_unit=record.center, role=Role.DIRECTOR, is_active=True).select_related("user")
    since = timezone.localtime(record.started_at).strftime("%H:%M")
    for director in directors:
        for channel in (Channel.IN_APP, Channel.SMS):
            notification_send(
                key=f"unmanned:{record.pk}:{director.pk}",
                channel=channel,
                template="window_unmanned",
                context={"window": str(record.window), "since": since},
                recipient_user=director.user,
                center=record.center,
            )
