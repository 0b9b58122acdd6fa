from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bianmin.org.models import OrgUnit, Role, Staff
from bianmin.org.tests.factories import center, community, district, staff_user
from bianmin.petitions.models import Petition
from bianmin.petitions.services import petition_register


@dataclass
class Office:
    """A center with a director, two window staff and an inspector; a community point; a second center."""

    center: OrgUnit
    point: OrgUnit
    other_center: OrgUnit
    director: Staff
    clerk: Staff
    handler: Staff
    inspector: Staff
    point_clerk: Staff
    other_director: Staff


def office() -> Office:
    d = district()
    c = center(parent=d, short_name="长兴", phone="0371-63381234", address="惠济区长兴路 88 号")
    p = community(parent=c, short_name="宏达")
    other = center(parent=d, short_name="迎宾")
    return Office(
        center=c,
        point=p,
        other_center=other,
        director=staff_user(Role.DIRECTOR, c, name="毛丽华"),
        clerk=staff_user(Role.WINDOW, c, name="康梦婷"),
        handler=staff_user(Role.WINDOW, c, name="郑海波"),
        inspector=staff_user(Role.INSPECTOR, c, name="刘宝华"),
        point_clerk=staff_user(Role.WINDOW, p, name="阴华"),
        other_director=staff_user(Role.DIRECTOR, other, name="陈静"),
    )


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def register(staff: Staff, **kwargs: Any) -> Petition:
    values: dict[str, Any] = {
        "channel": Petition.Channel.LETTER,
        "person_name": "王秀兰",
        "phone": "13903710001",
        "received_on": timezone.localdate(),
        "content": "小区东门路灯损坏两周，夜间出行不便，请求尽快修复。",
    }
    values.update(kwargs)
    return petition_register(actor=staff.user, **values)
