"""The hall's bookings told to the citizen by SMS (§4(7) 预约服务), its home visits to the staff (§4(7) 上门服务).

Configured in settings.BIANMIN_HALL_LISTENERS; the hall calls it after commit. Booking, change and cancellation
each send one confirmation (keyed by the hall's event row, so a retry sends nothing twice); a booking cancelled
because its day was closed says why and links to rebooking. The reminder goes out once per booking and booking day.
A new home-visit request tells the center's directors (they arrange visits), in-app; an arrangement (or a new one)
tells each staff member sent, in-app, once per arrangement and person. Nobody is told of what they did themselves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bianmin.notify.models import Channel
from bianmin.notify.services import notification_send
from bianmin.org.models import Role, Staff

TEMPLATES = {
    "appointment_booked": "appointment_booked",
    "appointment_changed": "appointment_changed",
    "appointment_cancelled": "appointment_cancelled",
    "appointment_cancelled_closed_day": "appointment_cancelled_closed_day",
    "appointment_reminder": "appointment_reminder",
}


def on_hall_event(*, kind: str, **payload: Any) -> None:
    if kind == "home_visit_requested":
        _visit_requested(payload["visit"], payload["event"])
        return
    if kind == "home_visit_assigned":
        _visit_assigned(payload["visit"], payload["assignees"], payload["event"])
        return
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


def _visit_context(visit: Any) -> dict[str, Any]:
    return {
        "visit_number": visit.number,
        "channel": visit.get_channel_display(),
        "name": visit.name,
        "address": visit.address,
        "item": visit.item_name,
    }


def _visit_requested(visit: Any, event: Any) -> None:
    directors = Staff.objects.filter(org_unit=visit.center, role=Role.DIRECTOR, is_active=True).select_related("user")
    url = reverse("hall:home_visit", args=[visit.pk])
    for director in directors:
        if director.user_id is None or director.user_id == event.actor_id:
            continue
        notification_send(
            key=f"home_visit_requested:{visit.pk}:{director.pk}",
            channel=Channel.IN_APP,
            template="home_visit_requested",
            context=_visit_context(visit),
            recipient_user=director.user,
            url=url,
            center=visit.center,
        )


def _visit_assigned(visit: Any, assignees: list[Staff], event: Any) -> None:
    url = reverse("hall:home_visit", args=[visit.pk])
    names = "、".join(s.name for s in assignees)
    for person in assignees:
        if not person.is_active or person.user_id is None or person.user_id == event.actor_id:
            continue
        notification_send(
            key=f"home_visit_assigned:{event.pk}:{person.pk}",
            channel=Channel.IN_APP,
            template="home_visit_assigned",
            context={**_visit_context(visit), "scheduled_at": visit.scheduled_at, "staff": names},
            recipient_user=person.user,
            url=url,
            center=visit.center,
        )
