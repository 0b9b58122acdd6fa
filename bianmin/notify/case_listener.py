"""Cases' facts told through the notification channels (§4(1)–(3), §8(1)4).

Configured in settings.BIANMIN_CASE_LISTENERS; cases calls it after commit, or for a case accepted at the window
in the intake's own transaction (bianmin/cases/notifications.py).

- The applicant gets a text message when the case is accepted (with its number and a link to the progress page),
  when a supplement is needed (with the list of materials and the date), and when the result is ready (not for a
  即办件 done on the spot, nor when the result was already handed over). The number
  comes from the encrypted store and goes only into the message row (encrypted too); what is logged and shown is
  masked. An applicant with no phone on record gets nothing (there is nobody to send to).
- A colleague handed a case gets an in-app message to acknowledge it.

Each message has a key per case and event, so a repeated call (a retried commit hook, a second worker) sends
nothing twice. A case accepted at the window is told with `fresh=True`, inside the intake's own transaction: the
messages commit with the case (the outbox), and their keys, naming the new case, cannot be taken yet.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from bianmin.notify.models import Channel, Notification
from bianmin.notify.services import notification_send, notification_send_once


def progress_url(case: Any) -> str:
    """The public progress page of the case, reachable from the applicant's phone."""
    path = reverse("cases:progress_token", args=[case.public_token])
    return f"{getattr(settings, 'BIANMIN_PUBLIC_BASE_URL', '')}{path}"


def _where(case: Any) -> str:
    if case.window_id is not None and case.window is not None:
        return f"{case.center.display_hall_name}{case.window}"
    return case.center.display_hall_name


def _collected_at_once(case: Any) -> bool:
    """No "come and collect" message when there is nothing to come back for: a 即办件 done the day it was accepted
    (the applicant waits at the window), or a result already handed over by the time the message would go."""
    from django.utils import timezone

    from bianmin.cases.models import Case, Status

    on_the_spot = (
        case.mode == "direct"
        and case.accepted_at is not None
        and case.completed_at is not None
        and timezone.localtime(case.accepted_at).date() == timezone.localtime(case.completed_at).date()
    )
    return on_the_spot or Case.objects.filter(pk=case.pk, status=Status.DELIVERED).exists()


def _sms(case: Any, *, key: str, template: str, context: dict[str, Any], fresh: bool = False) -> None:
    if not case.applicant_phone:
        return
    notification_send(
        key=key,
        channel=Channel.SMS,
        template=template,
        context={"item": case.item_name, "case_number": case.number, **context},
        recipient_phone=case.applicant_phone,
        center=case.center,
        fresh=fresh,
    )


def _deadline_reminders(reminders: list[Any]) -> dict[str, int]:
    """In-app (and SMS when settings.BIANMIN_CASE_REMINDER_SMS is on) to the staff member of each reminder, once per
    key; the keys already sent are read in one query. Answers how many cases were newly reminded of each kind."""
    sent = {"near": 0, "overdue": 0}
    channels = [Channel.IN_APP, Channel.SMS] if settings.BIANMIN_CASE_REMINDER_SMS else [Channel.IN_APP]
    done = set(
        Notification.objects.filter(key__in=[r.key for r in reminders], channel=Channel.IN_APP)
        .order_by()  # a set of keys: no sort, so the planner looks each key up in the unique (key, channel) index
        .values_list("key", flat=True)
    )
    for reminder in reminders:
        if reminder.key in done:
            continue
        case = reminder.case
        new = 0
        for channel in channels:
            _, created = notification_send_once(
                key=reminder.key,
                channel=channel,
                template="case_near_deadline" if reminder.kind == "near" else "case_overdue",
                context={"case_number": case.number, "item": case.item_name, "due_at": case.due_at},
                recipient_user=reminder.staff.user,
                url=reverse("cases:detail", args=[case.number]),
                center=case.center,
            )
            new += created
        if new:
            sent[reminder.kind] += 1
    return sent


def on_case_event(*, kind: str, **payload: Any) -> Any:
    if kind == "deadline_reminders":
        return _deadline_reminders(payload["reminders"])
    if kind == "accepted":
        case = payload["case"]
        direct = case.due_at is None or case.mode == "direct"
        _sms(
            case,
            key=f"case:{case.pk}:accepted",
            template="case_accepted_direct" if direct else "case_accepted",
            context={"accepted_at": case.accepted_at, "due_at": case.due_at, "url": progress_url(case)},
            fresh=payload.get("fresh", False),
        )
    elif kind == "supplement_requested":
        case, request = payload["case"], payload["request"]
        _sms(
            case,
            key=f"case:{case.pk}:supplement:{request.pk}",
            template="case_supplement",
            context={
                "materials": [item["name"] for item in request.items],
                "supplement_due": request.due_date,
                "window": _where(case),
            },
            fresh=payload.get("fresh", False),
        )
    elif kind == "completed":
        case = payload["case"]
        if _collected_at_once(case):
            return
        _sms(case, key=f"case:{case.pk}:ready", template="case_ready", context={"window": _where(case)})
    elif kind == "handover_created":
        handover = payload["handover"]
        case = handover.case
        notification_send(
            key=f"case_handover:{handover.pk}",
            channel=Channel.IN_APP,
            template="handover_pending",
            context={"from_staff": handover.from_staff.name, "subject": f"办件{case.number}“{case.item_name}”"},
            recipient_user=handover.to_staff.user,
            url=reverse("cases:detail", args=[case.number]),
            center=case.center,
        )
