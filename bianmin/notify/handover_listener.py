"""The front desk's handovers told to the receiver (§8(1)4): materials received on their behalf wait for them to
acknowledge, so they get an in-app message once per handover.

Configured in settings.BIANMIN_FRONTDESK_LISTENERS; frontdesk calls it after commit. (Case handovers come through
case_listener.py, the B post's cover on an approved leave through staffing_listener.py.)
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bianmin.notify.models import Channel
from bianmin.notify.services import notification_send

MATERIALS_SHOWN = 60


def on_frontdesk_event(*, kind: str, **payload: Any) -> None:
    if kind != "handover_created":
        return
    handover = payload["handover"]
    materials = " ".join(handover.materials.split())
    if len(materials) > MATERIALS_SHOWN:
        materials = materials[: MATERIALS_SHOWN - 1] + "…"
    notification_send(
        key=f"frontdesk_handover:{handover.pk}",
        channel=Channel.IN_APP,
        template="handover_materials",
        context={"from_staff": handover.from_staff.name, "subject": handover.subject, "materials": materials},
        recipient_user=handover.to_staff.user,
        url=reverse("frontdesk:handovers"),
        center=handover.center,
    )
