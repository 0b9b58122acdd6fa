"""Oversight's facts told through the notification channels (好差评 §1, 投诉 §5(4)).

Configured in settings.BIANMIN_OVERSIGHT_LISTENERS; oversight calls it after commit. Each message is keyed by
its fact and recipient, so a retry or a second run sends nothing twice:
- "bad_review": the rated staff member and the center's directors, in-app and by SMS, with the rectification
  deadline;
- "complaint_assigned": the inspector, in-app;
- "rating_invite": the applicant, by SMS, with the link to the progress page where the rating form is;
- "deadline_reminders" (called in the sweep's transaction, answers what was sent): complaint reply and
  rectification deadlines to staff, in-app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse

from bianmin.notify.models import Channel
from bianmin.notify.services import notification_send, notification_send_once
from bianmin.org.models import Role, Staff


def on_oversight_event(*, kind: str, **payload: Any) -> Any:
    if kind == "deadline_reminders":
        return _deadline_reminders(payload["reminders"])
    handler = _HANDLERS.get(kind)
    if handler is not None:
        handler(**payload)
    return None


def _deadline_reminders(reminders: list[Any]) -> list[int]:
    """Each reminder in-app, once per key; answers 1 for each sent now, 0 for each sent before."""
    answers = []
    for reminder in reminders:
        _, created = notification_send_once(
            key=reminder.key,
            channel=Channel.IN_APP,
            template=reminder.template,
            context=reminder.context,
            recipient_user=reminder.user,
            url=reminder.url,
            center=reminder.center,
        )
        answers.append(int(created))
    return answers


def _public_url(path: str) -> str:
    return f"{getattr(settings, 'BIANMIN_PUBLIC_BASE_URL', '')}{path}"


def _bad_review(*, rating: Any) -> None:
    case = rating.case
    window = str(case.window) if case.window_id else case.center.display_hall_name
    level = rating.get_overall_display()
    summary = f"{case.item_name}，{level}" + (f"：{rating.comment[:60]}" if rating.comment else "")
    recipients = list(
        Staff.objects.filter(org_unit=rating.center, role=Role.DIRECTOR, is_active=True).select_related("user")
    )
    if rating.staff_id and all(s.pk != rating.staff_id for s in recipients):
        recipients.insert(0, Staff.objects.select_related("user").get(pk=rating.staff_id))
    url = reverse("oversight:rating_detail", args=[rating.pk])
    for staff in recipients:
        if staff.user_id is None:
            continue
        for channel in (Channel.IN_APP, Channel.SMS):
            notification_send(
                key=f"bad_review:{rating.pk}:{staff.pk}",
                channel=channel,
                template="bad_review",
                context={
                    "window": window,
                    "rating_number": case.number,
                    "summary": summary,
                    "due_at": rating.rectify_due_at,
                },
                recipient_user=staff.user,
                url=url,
                center=rating.center,
            )


def _complaint_assigned(*, complaint: Any, inspector: Any) -> None:
    if inspector.user_id is None:
        return
    notification_send(
        key=f"complaint_assigned:{complaint.pk}:{inspector.pk}",
        channel=Channel.IN_APP,
        template="complaint_assigned",
        context={
            "complaint_number": complaint.number,
            "summary": complaint.content[:60],
            "due_at": complaint.due_at,
        },
        recipient_user=inspector.user,
        url=reverse("oversight:complaint_detail", args=[complaint.pk]),
        center=complaint.center,
    )


def _rating_invite(*, case: Any) -> None:
    if not case.applicant_phone:
        return
    notification_send(
        key=f"rating_invite:{case.pk}",
        channel=Channel.SMS,
        template="rating_invitation",
        context={
            "center": case.center.display_hall_name,
            "item": case.item_name,
            "case_number": case.number,
            "url": _public_url(reverse("cases:progress_token", args=[case.public_token])),
        },
        recipient_phone=case.applicant_phone,
        center=case.center,
    )


_HANDLERS: dict[str, Callable[..., None]] = {
    "bad_review": _bad_review,
    "complaint_assigned": _complaint_assigned,
    "rating_invite": _rating_invite,
}
