"""A sample of the notifications other apps do not send yet (appointments, ratings, complaints) for
长兴路街道便民服务中心; the case notices to applicants, handovers and case reminders are the real ones the demo
cases produced. Idempotent: notifications are found by their event key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.cases.reminders import case_send_reminders
from bianmin.notify import services
from bianmin.notify.models import Channel
from bianmin.org.models import OrgUnit, Staff

CENTER = "410108001"


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load(stdout: Any) -> None:
    center = OrgUnit.objects.filter(code=CENTER).first()
    if center is None:
        return
    User = get_user_model()
    director = User.objects.get(username="director")
    staff = {
        s.user.username: s for s in Staff.objects.filter(org_unit__path__startswith=center.path).select_related("user")
    }
    year = timezone.localdate().year
    _sample_notifications(center, staff, director, year)
    # The case reminder sweep, as the scheduler runs it (every 15 minutes under `make run`).
    cases = case_send_reminders()
    stdout.write(f"办件提醒：即将到期 {cases['near']} 件，超期 {cases['overdue']} 件；短信由后台任务写入 var/sms.log。")


def _sample_notifications(center: OrgUnit, staff: dict[str, Staff], director: Any, year: int) -> None:
    due = _at(-3, 17)
    citizens: list[tuple[str, str, dict[str, Any]]] = [
        (
            "appointment_reminder",
            "13703710004",
            {
                "date": due.date(),
                "time": "09:30",
                "center": center.display_hall_name,
                "item": "残疾人证办理",
                "appointment_number": "Y0021",
            },
        ),
        (
            "rating_invitation",
            "13703710005",
            {"center": center.display_hall_name, "item": "居住证办理", "case_number": f"CX{year}-00007", "url": "/"},
        ),
    ]
    for template, phone, context in citizens:
        services.notification_send(
            key=f"demo:citizen:{template}",
            channel=Channel.SMS,
            template=template,
            context=context,
            recipient_phone=phone,
            center=center,
            actor=director,
        )
    staff_samples: list[tuple[str, str, dict[str, Any]]] = [
        ("window_unmanned", "director", {"window": "3号社会保障窗口", "since": _at(0, 9)}),
        (
            "bad_review",
            "window_b",
            {
                "window": "1号综合受理窗口",
                "rating_number": "PJ0003",
                "summary": "等候时间过长，未一次性告知所需材料",
                "due_at": due,
            },
        ),
        (
            "complaint_assigned",
            "director",
            {"complaint_number": f"TS{year}-0002", "summary": "群众反映窗口工作人员离岗未有人顶岗", "due_at": due},
        ),
    ]
    for template, username, context in staff_samples:
        person = staff[username]
        for channel in (Channel.IN_APP, Channel.SMS):
            services.notification_send(
                key=f"demo:staff:{template}:{username}",
                channel=channel,
                template=template,
                context=context,
                recipient_user=person.user,
                center=center,
                actor=director,
            )
