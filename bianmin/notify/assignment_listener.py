"""Assigned tasks' facts told to the staff concerned (交办督办, §8(2)3 and §8(2)6).

Configured in settings.BIANMIN_ASSIGNMENT_LISTENERS; assignments calls it in its own transaction (the task's event
records what was sent), with kind = the message template ("task_assigned", "task_submitted", "task_returned",
"task_near_deadline", "task_overdue", "task_overdue_director"). In-app to each person, and by SMS when `sms`; once
per key and person. Answers how many messages were new.
"""

from __future__ import annotations

from typing import Any

from bianmin.notify.models import Channel
from bianmin.notify.services import notification_send_once


def on_assignment_event(
    *,
    kind: str,
    task: Any,
    people: list[Any],
    key: str,
    sms: bool,
    context: dict[str, Any],
    url: str,
    actor: Any = None,
    **payload: Any,
) -> int:
    created = 0
    channels = [Channel.IN_APP, Channel.SMS] if sms else [Channel.IN_APP]
    for staff in people:
        for channel in channels:
            _, new = notification_send_once(
                key=f"{key}:staff{staff.pk}",
                channel=channel,
                template=kind,
                context=context,
                recipient_user=staff.user,
                actor=actor,
                url=url,
                center=task.center,
            )
            created += new
    return created
