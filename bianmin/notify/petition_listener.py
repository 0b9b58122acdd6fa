"""Letters and visits (来信来访, §8(2)) told to the staff who must handle them.

Configured in settings.BIANMIN_PETITION_LISTENERS; petitions calls it after commit. A letter or visit given to a
handler (承办人) tells the handler in-app, once per assignment (keyed by the assignment's event row); a handler who
took it on themselves is not told.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bianmin.notify.models import Channel
from bianmin.notify.services import notification_send


def on_petition_event(*, kind: str, **payload: Any) -> None:
    if kind == "petition_assigned":
        _assigned(payload["petition"], payload["handler"], payload["event"])


def _assigned(petition: Any, handler: Any, event: Any) -> None:
    if handler.user_id is None or handler.user_id == event.actor_id:
        return
    notification_send(
        key=f"petition_assigned:{event.pk}:{handler.pk}",
        channel=Channel.IN_APP,
        template="petition_assigned",
        context={
            "petition_number": petition.number,
            "person": petition.person_name,
            "summary": petition.content[:60].rstrip("。.；;，, \n"),  # the message adds its own full stop
            "due_at": petition.due_at,
        },
        recipient_user=handler.user,
        url=reverse("petitions:detail", args=[petition.pk]),
        center=petition.center,
    )
