from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bianmin.frontdesk.models import Inquiry
from bianmin.frontdesk.services import inquiry_register
from bianmin.org.models import OrgUnit, Post, Role, Staff, Window
from bianmin.org.tests.factories import PostFactory, WindowFactory, center, community, district, staff_user


@dataclass
class Desk:
    """A center with two windows and their A posts, a community point below it, and a second center."""

    district: OrgUnit
    center: OrgUnit
    point: OrgUnit
    other_center: OrgUnit
    window1: Window
    window2: Window
    clerk: Staff  # A post on window 1
    colleague: Staff  # A post on window 2
    director: Staff
    point_clerk: Staff
    other_director: Staff


def desk_world() -> Desk:
    d = district()
    c = center(parent=d, short_name="长兴")
    p = community(parent=c, short_name="宏达")
    other = center(parent=d, short_name="迎宾")
    w1 = WindowFactory.create(center=c, number=1, name="综合受理窗口")
    w2 = WindowFactory.create(center=c, number=2, name="民政窗口")
    clerk = staff_user(Role.WINDOW, c, name="何春燕")
    colleague = staff_user(Role.WINDOW, c, name="王建军")
    PostFactory.create(window=w1, staff=clerk, kind=Post.Kind.A)
    PostFactory.create(window=w2, staff=colleague, kind=Post.Kind.A)
    return Desk(
        district=d,
        center=c,
        point=p,
        other_center=other,
        window1=w1,
        window2=w2,
        clerk=clerk,
        colleague=colleague,
        director=staff_user(Role.DIRECTOR, c, name="毛丽华"),
        point_clerk=staff_user(Role.WINDOW, p, name="阴华"),
        other_director=staff_user(Role.DIRECTOR, other, name="陈静"),
    )


def answered(staff: Staff, **kwargs: Any) -> Inquiry:
    values: dict[str, Any] = {
        "channel": Inquiry.Channel.IN_PERSON,
        "visitor_name": "张三",
        "visitor_org": "",
        "matter": "咨询城乡居民医保缴费",
        "result": Inquiry.Result.ANSWERED,
    }
    values.update(kwargs)
    return inquiry_register(actor=staff.user, **values)
