"""The hall's bookings told to the citizen by SMS (§4(7) 预约服务).

Configured in settings.BIANMIN_HALL_LISTENERS; the hall calls it after commit. Booking, change and cancellation
each send one confirmation (keyed by the hall's event row, so a retry sends nothing twice); a booking cancelled
because its day was closed says why and links to rebooking. The reminder goes out once per booking and booking day.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bianmin.notify.models import Channel
from bianmin.notify.services import notification_send

TEMPLATES = {
    "appointment_booked": "appointment_booked",
    "appointment_changed": "appointment_changed",
    "appointment_cancelled": "appointment_cancelled",
    "appointment_cancelled_closed_day": "appointment_cancelled_closed_day",
    "appointment_reminder": "appointment_reminder",
}


def on_hall_event(*, kind: str, **payload: Any) -> None:
    template = TEMPLATES.get(kind)
    if template is None:
        return
    appointment = payload["appointment"]
    slot = appointment.slot
    if kind == "appointment_reminder":
        key = f"hall:appointment_reminder:{appointment.pk}:{appointment.date:%Y%m%d}"
    else:
        key = f"hall:{kind}:{payload['event'].pk}"
    starts, ends = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    context = {
        "date": appointment.date,
        "time": f"{starts:%H:%M}—{ends:%H:%M}",
        "center": appointment.center.display_hall_name,
        "item": appointment.item_name,
        "appointment_number": appointment.number,
    }
    if kind == "appointment_cancelled_closed_day":
        # Why, and where to book again (the center's public booking page).
        path = reverse("hall:book", args=[appointment.center.code])
        context |= {"reason": payload.get("reason", ""), "url": f"{settings.BIANMIN_PUBLIC_BASE_URL}{path}"}
    notification_send(
        key=key,
        channel=Channel.SMS,
        template=template,
        context=context,
        recipient_phone=appointment.phone,
        center=appointment.center,
    )
