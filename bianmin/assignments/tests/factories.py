from __future__ import annotations

import datetime as dt
from typing import Any

from bianmin.assignments import services
from bianmin.assignments.models import AssignedTask
from bianmin.org.models import OrgUnit, Role, Staff
from bianmin.org.tests.factories import PostFactory, WindowFactory, center, staff_user


class Office:
    """A center with a director, two window staff (A and B on window 1) and a handler."""

    def __init__(self, **center_kwargs: Any) -> None:
        self.center: OrgUnit = center(**center_kwargs)
        self.director: Staff = staff_user(Role.DIRECTOR, self.center, phone="13900000001")
        self.clerk_a: Staff = staff_user(Role.WINDOW, self.center, phone="13900000002")
        self.clerk_b: Staff = staff_user(Role.WINDOW, self.center, phone="13900000003")
        self.other: Staff = staff_user(Role.WINDOW, self.center, phone="13900000004")
        self.window = WindowFactory.create(center=self.center, number=1)
        PostFactory.create(window=self.window, staff=self.clerk_a, kind="A", valid_from=dt.date(2020, 1, 1))
        PostFactory.create(window=self.window, staff=self.clerk_b, kind="B", valid_from=dt.date(2020, 1, 1))


def make_task(office: Office, **kwargs: Any) -> AssignedTask:
    values: dict[str, Any] = {
        "center": office.center,
        "source": AssignedTask.Source.LEADER,
        "source_issuer": "中心主任",
        "title": "整理台账",
        "content": "整理本月办件台账。",
        "responsible_staff": office.clerk_a,
        "deadline_kind": AssignedTask.DeadlineKind.WORKING_DAYS,
        "deadline_days": 3,
        "actor": office.director.user,
    }
    values.update(kwargs)
    return services.assigned_task_create(**values)
