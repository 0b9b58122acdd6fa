"""Staffing's facts told through the notification channels (§6(1), §8(3)(6)).

Configured in settings.BIANMIN_STAFFING_LISTENERS; staffing calls it after commit. An unmanned window alerts every
director of the window's center in-app and by SMS, once per record and director (the key makes retries harmless).
An approved leave tells each B post who now covers the absent A post, in-app, once per leave and person; withdrawing
that leave before it begins tells them the cover is cancelled. A staff member found in breach by a discipline
inspection is told in-app, with a link to their own findings where they may add a statement.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.notify.models import Channel
from bianmin.notify.services import notification_send
from bianmin.org.models import Post, Role, Staff


def on_staffing_event(*, kind: str, **payload: Any) -> None:
    if kind == "unmanned_opened":
        _unmanned(payload["record"])
    elif kind == "leave_approved":
        _cover(payload["leave"], payload.get("covering") or [])
    elif kind == "leave_withdrawn":
        _cover_cancelled(payload["leave"], payload.get("covering") or [])
    elif kind == "inspection_violation":
        _inspection_violation(payload["inspection"])


def _unmanned(record: Any) -> None:
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


def _cover(leave: Any, covering: list[Staff]) -> None:
    if not covering:
        return
    day = timezone.localtime(leave.start).date()
    absent_windows = Post.objects.active_on(day).filter(staff=leave.staff, kind=Post.Kind.A).values("window_id")
    for person in covering:
        if not person.is_active:
            continue
        windows = (
            Post.objects.active_on(day)
            .filter(staff=person, kind=Post.Kind.B, window_id__in=absent_windows)
            .select_related("window")
            .order_by("window__number")
        )
        names = "、".join(str(post.window) for post in windows) or _("所在窗口")
        notification_send(
            key=f"leave_cover:{leave.pk}:{person.pk}",
            channel=Channel.IN_APP,
            template="leave_cover",
            context={"staff": leave.staff.name, "start": leave.start, "end": leave.end, "windows": names},
            recipient_user=person.user,
            center=leave.center,
        )


def _cover_cancelled(leave: Any, covering: list[Staff]) -> None:
    for person in covering:
        if not person.is_active:
            continue
        notification_send(
            key=f"leave_cover_cancelled:{leave.pk}:{person.pk}",
            channel=Channel.IN_APP,
            template="leave_cover_cancelled",
            context={"staff": leave.staff.name, "start": leave.start, "end": leave.end},
            recipient_user=person.user,
            center=leave.center,
        )


def _inspection_violation(inspection: Any) -> None:
    staff = inspection.staff
    if staff is None or not staff.is_active:
        return
    notification_send(
        key=f"inspection_violation:{inspection.pk}",
        channel=Channel.IN_APP,
        template="inspection_violation",
        context={
            "time": timezone.localtime(inspection.inspected_at).strftime("%Y-%m-%d %H:%M"),
            "rule": inspection.get_rule_display(),
            "where": inspection.where,
        },
        recipient_user=staff.user,
        url=f"{reverse('staffing:my_inspections')}#inspection-{inspection.pk}",
        center=inspection.center,
    )
